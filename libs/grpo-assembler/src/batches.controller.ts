import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { RequireScope } from '@rollout-ledger/http';
import { BatchNotFoundError, PayloadNotFoundError, PayloadPendingError } from './assembler-errors';
import type { AssemblerSettings } from './assembler-settings';
import { findBatch, listBatches, membersOf } from './batch.repository';
import { batchView } from './batch.view';
import { parseLeaseEnd, parseLeaseRequest } from './lease-request.parser';
import { LeaseService } from './lease.service';
import { limitOf, optionalChoice, optionalText } from './query-params';
import { GRPO_DB, GRPO_SETTINGS } from './tokens';

const CONTENT_TYPES = { jsonl: 'application/x-ndjson', parquet: 'application/vnd.apache.parquet' } as const;

/** The lease API GPU trainers use, and read access to batches. Trainers hold `read` keys. */
@Controller('v1/batches')
export class BatchesController {
  constructor(
    private readonly leases: LeaseService,
    @Inject(GRPO_DB) private readonly db: Knex,
    @Inject(GRPO_SETTINGS) private readonly settings: AssemblerSettings,
  ) {}

  /**
   * 200 with the batch and its lease, or 204 when nothing is leasable now — or, with `wait_s`,
   * nothing became leasable within that many seconds (long poll).
   */
  @Post('lease')
  @HttpCode(200)
  @RequireScope('read')
  async lease(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<Record<string, unknown> | undefined> {
    const parsed = parseLeaseRequest(body, { defaultTimeoutS: this.settings.defaultLeaseTimeoutS, maxTimeoutS: this.settings.maxLeaseTimeoutS });
    // A client that hangs up while waiting is not handed a batch it would never ack.
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    const granted = await this.leases.lease(parsed, gone.signal);
    if (granted === null) {
      response.status(204);
      return undefined;
    }
    return { ...batchView(granted.batch, baseUrlOf(request)), lease_id: granted.lease_id, lease_expires_at: new Date(granted.expires_at).toISOString() };
  }

  @Post(':id/ack')
  @HttpCode(200)
  @RequireScope('read')
  async ack(@Param('id') id: string, @Body() body: unknown, @Req() request: Request): Promise<Record<string, unknown>> {
    return batchView(await this.leases.ack(id, parseLeaseEnd(body)), baseUrlOf(request));
  }

  @Post(':id/nack')
  @HttpCode(200)
  @RequireScope('read')
  async nack(@Param('id') id: string, @Body() body: unknown, @Req() request: Request): Promise<Record<string, unknown>> {
    return batchView(await this.leases.nack(id, parseLeaseEnd(body)), baseUrlOf(request));
  }

  @Get()
  @RequireScope('read')
  async list(@Query() query: Record<string, unknown>, @Req() request: Request): Promise<{ batches: Record<string, unknown>[] }> {
    const runId = optionalText(query.run_id, 'run_id');
    const status = optionalChoice(query.status, 'status', ['available', 'leased', 'acked'] as const);
    const batches = await listBatches(this.db, this.settings.name, {
      ...(runId === undefined ? {} : { runId }),
      ...(status === undefined ? {} : { status }),
      limit: limitOf(query.limit),
    });
    return { batches: batches.map((b) => batchView(b, baseUrlOf(request))) };
  }

  @Get(':id')
  @RequireScope('read')
  async get(@Param('id') id: string, @Req() request: Request): Promise<Record<string, unknown>> {
    const batch = await findBatch(this.db, this.settings.name, id);
    if (batch === null) throw new BatchNotFoundError(id);
    return { ...batchView(batch, baseUrlOf(request)), members: await membersOf(this.db, id) };
  }

  @Get(':id/payload')
  @RequireScope('read')
  async payload(@Param('id') id: string, @Query('format') format: unknown, @Res() response: Response): Promise<void> {
    const chosen = optionalChoice(format, 'format', ['jsonl', 'parquet'] as const) ?? 'jsonl';
    const batch = await findBatch(this.db, this.settings.name, id);
    if (batch === null) throw new BatchNotFoundError(id);
    // The Parquet twin is written just after commit, before BatchAssembled is published.
    if (chosen === 'parquet' && batch.published_at === null) throw new PayloadPendingError(id);
    const path = chosen === 'jsonl' ? batch.payload_jsonl : batch.payload_parquet;
    response.setHeader('Content-Type', CONTENT_TYPES[chosen]);
    response.setHeader('Content-Disposition', `attachment; filename="${batch.batch_id}.${chosen}"`);
    await new Promise<void>((resolve, reject) => {
      response.sendFile(path, { dotfiles: 'allow' }, (error) => {
        if (!error) resolve();
        else reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new PayloadNotFoundError(id, chosen) : error);
      });
    });
  }
}

function baseUrlOf(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
}
