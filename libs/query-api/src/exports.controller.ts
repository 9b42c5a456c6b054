import { Controller, Get, Inject, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { QueryConfig } from '@rollout-ledger/config';
import { ADVANTAGE_MODES, CONTENT_TYPES, EXPORT_FORMATS, parseExportRequest, runExport } from '@rollout-ledger/exports';
import { RequireScope } from '@rollout-ledger/http';
import { RolloutRepository, type RawParams } from '@rollout-ledger/query';
import { ApiRolloutFilters } from './filter-query.decorator';
import { QUERY_CONFIG } from './query-api.tokens';

@ApiTags('exports')
@ApiSecurity('api-key')
@Controller('v1/exports')
export class ExportsController {
  private readonly logger = new Logger('exports');

  constructor(
    private readonly repository: RolloutRepository,
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
  ) {}

  @Get(':format')
  @RequireScope('export')
  @ApiOperation({ summary: 'Stream a dataset export (sft, trl, verl, rl, dpo) with the query filters; constant memory' })
  @ApiParam({ name: 'format', enum: EXPORT_FORMATS })
  @ApiRolloutFilters()
  @ApiQuery({ name: 'advantage', enum: ADVANTAGE_MODES, required: false, description: 'rl: default grpo' })
  @ApiQuery({ name: 'format_file', enum: ['jsonl', 'parquet'], required: false, description: 'rl: default jsonl' })
  @ApiQuery({ name: 'weights', type: Boolean, required: false, description: 'sft: add weight to assistant messages' })
  async export(@Param('format') format: string, @Query() query: RawParams, @Res() response: Response): Promise<void> {
    // Validated before the first byte: a bad request still gets a 400 with the issues.
    const request = parseExportRequest(format, query);
    const { options } = request;
    response.status(200);
    response.setHeader('Content-Type', CONTENT_TYPES[options.fileFormat]);
    response.setHeader('Content-Disposition', `attachment; filename="${options.format}.${options.fileFormat}"`);
    try {
      await runExport({
        repository: this.repository,
        filter: request.filter,
        options,
        out: response,
        pageSize: this.config.EXPORT_PAGE_SIZE,
        rowGroupSize: this.config.EXPORT_PARQUET_ROW_GROUP,
      });
      response.end();
    } catch (error) {
      // Headers are gone: the only honest signal left is a broken (truncated) response.
      this.logger.error(`export ${options.format} failed mid-stream: ${(error as Error).message}`);
      response.destroy(error as Error);
    }
  }
}
