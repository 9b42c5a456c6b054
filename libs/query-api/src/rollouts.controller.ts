import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { QueryConfig } from '@rollout-ledger/config';
import { RequireScope } from '@rollout-ledger/http';
import { RolloutRepository, parseRolloutListRequest, type RawParams, type RolloutDetail, type RolloutEventView, type RolloutPage } from '@rollout-ledger/query';
import { ApiRolloutFilters } from './filter-query.decorator';
import { QUERY_CONFIG } from './query-api.tokens';

@ApiTags('history')
@ApiSecurity('api-key')
@Controller('v1/rollouts')
export class RolloutsController {
  constructor(
    private readonly repository: RolloutRepository,
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
  ) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'Rollouts matching the filters, ordered by rollout_id, with cursor pagination' })
  @ApiRolloutFilters()
  @ApiQuery({ name: 'limit', type: Number, required: false, description: 'page size (default 50)' })
  @ApiQuery({ name: 'cursor', type: String, required: false, description: 'next_cursor of the previous page' })
  list(@Query() query: RawParams): Promise<RolloutPage> {
    const request = parseRolloutListRequest(query, this.config.QUERY_MAX_PAGE_SIZE);
    return this.repository.list(request.filter, { limit: request.limit, cursor: request.cursor });
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOperation({ summary: 'The whole trajectory: turns, tool calls, every reward (function, version, source, components)' })
  get(@Param('id') id: string): Promise<RolloutDetail> {
    return this.repository.get(id);
  }

  @Get(':id/events')
  @RequireScope('read')
  @ApiOperation({ summary: 'The raw event history of a rollout with Kafka topic, partition, offset and schema id (the audit trail)' })
  async events(@Param('id') id: string): Promise<{ rollout_id: string; events: RolloutEventView[] }> {
    return { rollout_id: id, events: await this.repository.events(id) };
  }
}
