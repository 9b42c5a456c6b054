import { Logger } from '@nestjs/common';
import type { Knex } from 'knex';
import type { LedgerProducer } from '@rollout-ledger/kafka';
import type { BatchFileWriter } from './batch-file.writer';
import { markPublished, unpublishedBatches } from './batch.repository';
import { toBatchAssembled } from './batch.record';
import type { Clock } from './clock';

const PAGE = 100;
const RETRY_MS = 1_000;

/**
 * The outbox relay: for every committed batch whose published_at is still null — after a crash, at
 * the next start — it writes the Parquet payload (from the rows rendered for the JSONL, kept by
 * the file writer, or else from the JSONL itself), then publishes BatchAssembled, so
 * the event never names a file that is not there yet. Delivery is at-least-once; the event_id is
 * derived from the batch id so consumers dedupe a repeat.
 */
export class BatchPublisher {
  private readonly logger = new Logger('grpo-assembler');
  private draining: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Knex,
    private readonly producer: LedgerProducer,
    private readonly files: BatchFileWriter,
    private readonly assembler: string,
    private readonly clock: Clock,
  ) {}

  /** Starts a drain, or asks the running one to look again when it is done. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining !== null) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        const batches = await unpublishedBatches(this.db, this.assembler, PAGE);
        for (const batch of batches) {
          if (this.stopped) return;
          await this.files.ensureParquet(batch.batch_id, { jsonl: batch.payload_jsonl, parquet: batch.payload_parquet });
          await this.producer.batchAssembled(toBatchAssembled(batch));
          await markPublished(this.db, batch.batch_id, this.clock());
        }
        if (batches.length === PAGE) this.again = true;
      } while (this.again && !this.stopped);
    } catch (error) {
      this.logger.warn(`publishing BatchAssembled failed, retrying in ${RETRY_MS} ms: ${(error as Error).message}`);
      if (!this.stopped) this.retry = setTimeout(() => this.kick(), RETRY_MS);
    }
  }
}
