import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RequireScope } from '@rollout-ledger/http';
import { IngestService, type IngestResult } from './ingest.service';

/**
 * `POST /v1/events` — one envelope `{"type", "data"}`, a JSON array of them, or NDJSON
 * (application/x-ndjson, one envelope per line). 202 once Kafka has committed the batch.
 */
@Controller('v1/events')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(202)
  @RequireScope('ingest')
  publish(@Body() body: unknown): Promise<IngestResult> {
    return this.ingest.ingest(body);
  }
}
