import { Logger } from '@nestjs/common';
import { isLedgerError, type RolloutEvent, type RolloutEventType } from '@rollout-ledger/contracts';
import type { ConsumedRecord, LedgerConsumer } from '@rollout-ledger/kafka';
import type { AssemblerEngine, OffsetRecord, StepResult } from './assembler.engine';

const ROLLOUT_TYPES: ReadonlySet<string> = new Set<RolloutEventType>(['RolloutStarted', 'TurnRecorded', 'ToolCallRecorded', 'RewardAssigned', 'RolloutCompleted']);

/** The records of one fetch as the engine takes them: poison and foreign types keep their offset but carry no event. */
export function toOffsetRecords(records: readonly ConsumedRecord[]): OffsetRecord[] {
  return records.map((record) => {
    if (record.kind !== 'event' || !ROLLOUT_TYPES.has(record.event.type)) return { offset: record.message.offset, event: null };
    return { offset: record.message.offset, event: { type: record.event.type, data: record.event.data } as RolloutEvent };
  });
}

export interface ConsumerHooks {
  readonly onStep: (result: StepResult) => void;
  readonly onPoison: (record: Extract<ConsumedRecord, { kind: 'poison' }>) => void;
}

/**
 * Feeds each fetched batch to the engine. Kafka offsets are committed only after Postgres committed
 * (autoCommit off); the Postgres checkpoint is the truth, so a lost Kafka commit only causes a
 * re-read that the engine skips. Poison is skipped here: dead-lettering is the materializer's job
 * on the same topic, and a second copy in the DLQ would only confuse its readers.
 */
export class AssemblerConsumer {
  private readonly logger = new Logger('grpo-assembler');
  private lastError: string | null = null;
  private running = false;

  constructor(
    private readonly consumer: LedgerConsumer,
    private readonly engine: AssemblerEngine,
    private readonly hooks: ConsumerHooks,
  ) {}

  get health(): { healthy: boolean; detail?: string } {
    return this.running && this.lastError === null ? { healthy: true } : { healthy: false, detail: this.lastError ?? 'not running' };
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.run(async (records, context) => {
      for (const record of records) if (record.kind === 'poison') this.hooks.onPoison(record);
      try {
        const result = await this.engine.applyRecords(context.topic, context.partition, toOffsetRecords(records));
        this.lastError = null;
        this.hooks.onStep(result);
      } catch (error) {
        this.lastError = (error as Error).message;
        if (isLedgerError(error) && !error.retriable) this.logger.error(`cannot apply a batch of ${context.topic}/${context.partition}: ${this.lastError}`);
        // Thrown so kafkajs re-fetches and retries from the last committed offset.
        throw error;
      }
      const last = records[records.length - 1];
      if (last === undefined) return;
      await this.consumer
        .commit([{ topic: context.topic, partition: context.partition, offset: (BigInt(last.message.offset) + 1n).toString() }])
        .catch((error: Error) => this.logger.warn(`Kafka offset commit failed (Postgres holds the checkpoint): ${error.message}`));
    });
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }
}
