import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Knex } from 'knex';
import type { TaskCurriculumStats } from '@rollout-ledger/curriculum';
import { RequireScope } from '@rollout-ledger/http';
import { parseCurriculumRequest, parseTaskStatsRequest, queryCurriculum, queryTaskStats, type RawParams, type TaskStats } from '@rollout-ledger/query';
import { ApiRolloutFilters } from './filter-query.decorator';
import { QUERY_DB } from './query-api.tokens';

@ApiTags('tasks')
@ApiSecurity('api-key')
@Controller('v1')
export class TasksController {
  constructor(@Inject(QUERY_DB) private readonly db: Knex) {}

  @Get('tasks/stats')
  @RequireScope('read')
  @ApiOperation({ summary: 'Per task and domain (and per policy version): attempts, pass rate, mean reward, mean turns, tool error rate' })
  @ApiRolloutFilters()
  @ApiQuery({ name: 'pass_threshold', type: Number, required: false, description: 'reward ≥ this passes (default 1)' })
  async stats(@Query() query: RawParams): Promise<{ tasks: TaskStats[] }> {
    const request = parseTaskStatsRequest(query);
    return { tasks: await queryTaskStats(this.db, request.filter, request.passThreshold) };
  }

  @Get('curriculum')
  @RequireScope('read')
  @ApiOperation({ summary: 'Per task pass rate over a window and its band (too_easy ≥ hi, too_hard ≤ lo, learnable between)' })
  @ApiRolloutFilters()
  @ApiQuery({ name: 'window', enum: ['policy_versions', 'attempts', 'all'], required: false, description: 'default all' })
  @ApiQuery({ name: 'last', type: Number, required: false, description: 'K policy versions or N attempts per task' })
  @ApiQuery({ name: 'hi', type: Number, required: false, description: 'default 0.9' })
  @ApiQuery({ name: 'lo', type: Number, required: false, description: 'default 0.1' })
  @ApiQuery({ name: 'pass_threshold', type: Number, required: false, description: 'default 1' })
  async curriculum(@Query() query: RawParams): Promise<{ window: unknown; tasks: TaskCurriculumStats[] }> {
    const request = parseCurriculumRequest(query);
    return { window: request.options.window, tasks: await queryCurriculum(this.db, request.filter, request.options) };
  }
}
