import { Logger } from '@nestjs/common';
import type { RolloutEvent, RolloutEventType } from '@rollout-ledger/contracts';
import type { ConsumedRecord, DeadLetterPublisher, LedgerConsumer } from '@rollout-ledger/kafka';
import type { AssemblerEngine, ApplyResult, OffsetRecord, PartitionOffset, PartitionRecords, StepResult } from './assembler.engine';
import { FetchQueue } from './fetch.queue';
import { partitionKey } from './pending-events.buffer';

const ROLLOUT_TYPES: ReadonlySet<string> = new Set<RolloutEventType>(['RolloutStarted', 'TurnRecorded', 'ToolCallRecorded', 'RewardAssigned', 'RolloutCompleted']);
const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 5_000;

type PoisonRecord = Extract<ConsumedRecord, { kind: 'poison' }>;

/** The records of one fetch as the engine takes them: poison and foreign types keep their offset but carry no event. */
export function toOffsetRecords(records: readonly ConsumedRecord[]): OffsetRecord[] {
  return records.map((record) => {
    if (record.kind !== 'event' || !ROLLOUT_TYPES.has(record.event.type)) return { offset: record.message.offset, event: null };
    return { offset: record.message.offset, event: { type: record.event.type, data: record.event.data } as RolloutEvent };
  });
}

/** Poison of the fetches not applied before (at or past each partition's checkpoint). */
export function freshPoison(poison: readonly PoisonRecord[], firstFresh: readonly PartitionOffset[]): PoisonRecord[] {
  const from = new Map(firstFresh.map((p) => [partitionKey(p.topic, p.partition), BigInt(p.offset)]));
  return poison.filter((p) => BigInt(p.message.offset) >= (from.get(partitionKey(p.message.topic, p.message.partition)) ?? 0n));
}

/** How long one consumer step took, and how long its oldest fetch waited in the queue before it. */
export interface StepTiming {
  readonly stepMs: number;
  readonly waitedMs: number;
}

export interface ConsumerHooks {
  readonly onStep: (result: StepResult, timing?: StepTiming) => void;
  /** Poison seen for the first time; `dlq` tells whether it was dead-lettered. */
  readonly onPoison: (record: PoisonRecord, dlq: boolean) => void;
}

export interface AssemblerConsumerOptions {
  /** Records queued between the fetch loop and the writer before fetching waits. */
  readonly queueRecords: number;
  /** Null: poison is counted and skipped (the materializer dead-letters the same messages). */
  readonly deadLetters: DeadLetterPublisher | null;
}

interface QueuedFetch extends PartitionRecords {
  readonly size: number;
  /** performance.now() when the fetch was queued. */
  readonly queuedAt: number;
  readonly poison: readonly PoisonRecord[];
}

/**
 * Kafka → engine. kafkajs hands over one partition's fetch at a time; fetches are queued so the
 * next one overlaps the current transaction, and the writer applies everything queued in one
 * transaction. Kafka offsets are committed only after Postgres committed (autoCommit off), and
 * what is committed is each partition's replay-from offset — the first event of its oldest
 * undecided group — not the checkpoint: a restart re-reads from there to rebuild the in-memory
 * events, and the Postgres checkpoint keeps those re-read records from being applied twice.
 */
export class AssemblerConsumer {
  private readonly logger = new Logger('grpo-assembler');
  private readonly queue: FetchQueue<QueuedFetch>;
  private lastError: string | null = null;
  private running = false;
  private stopping = false;
  private writing: Promise<void> | null = null;
  private readonly toCommit = new Map<string, PartitionOffset>();
  private committing: Promise<void> | null = null;

  constructor(
    private readonly consumer: LedgerConsumer,
    private readonly engine: AssemblerEngine,
    private readonly hooks: ConsumerHooks,
    private readonly options: AssemblerConsumerOptions,
  ) {
    this.queue = new FetchQueue(options.queueRecords);
  }

  get health(): { healthy: boolean; detail?: string } {
    return this.running && this.lastError === null ? { healthy: true } : { healthy: false, detail: this.lastError ?? 'not running' };
  }

  /** `seeks`: partitions to read from an earlier offset than Kafka may have committed (checkpoints reset at the start). */
  async start(seeks: readonly PartitionOffset[] = []): Promise<void> {
    await this.options.deadLetters?.connect();
    await this.consumer.connect();
    this.writing = this.writeLoop();
    await this.consumer.run(async (records, context) => {
      if (records.length === 0) return;
      const fetch: QueuedFetch = {
        topic: context.topic,
        partition: context.partition,
        records: toOffsetRecords(records),
        poison: records.filter((r): r is PoisonRecord => r.kind === 'poison'),
        size: records.length,
        queuedAt: performance.now(),
      };
      await this.queue.push(fetch, context.heartbeat);
    });
    for (const seek of seeks) this.consumer.seek(seek.topic, seek.partition, seek.offset);
    this.running = true;
  }

  /** Applies what is queued already (when Postgres is up), then leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.queue.close();
    await this.writing;
    await this.committing;
    await this.consumer.disconnect();
    await this.options.deadLetters?.disconnect().catch(() => undefined);
  }

  private async writeLoop(): Promise<void> {
    for (;;) {
      const fetches = await this.queue.take();
      if (fetches.length === 0) return;
      const started = performance.now();
      const result = await this.applyWithRetry(fetches);
      if (result === null) return;
      this.hooks.onStep(result, { stepMs: performance.now() - started, waitedMs: started - Math.min(...fetches.map((f) => f.queuedAt)) });
      this.commit(result.replayFrom);
    }
  }

  /** Retries until the transaction commits: nothing is skipped, and a full queue pauses fetching meanwhile. */
  private async applyWithRetry(fetches: readonly QueuedFetch[]): Promise<ApplyResult | null> {
    const poison = fetches.flatMap((f) => f.poison);
    let delay = RETRY_INITIAL_MS;
    for (;;) {
      try {
        const result = await this.engine.applyBatches(fetches, { beforeCommit: (firstFresh) => this.deadLetter(freshPoison(poison, firstFresh)) });
        this.lastError = null;
        return result;
      } catch (error) {
        this.lastError = (error as Error).message;
        this.logger.warn(`cannot apply ${fetches.length} fetch(es), retrying in ${delay} ms: ${this.lastError}`);
        if (this.stopping) return null;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /**
   * Dead-letters inside the transaction, before the checkpoint that skips these records commits:
   * a crash in between re-sends them (at-least-once, like the materializer), never loses them.
   */
  private async deadLetter(poison: readonly PoisonRecord[]): Promise<void> {
    const dlq = this.options.deadLetters;
    for (const record of poison) {
      if (dlq !== null) await dlq.send({ key: record.message.key, value: record.message.value, headers: record.message.headers }, record.message, record.error);
      this.hooks.onPoison(record, dlq !== null);
    }
  }

  /** Coalesces commits: one in flight, the latest replay-from of each partition next. */
  private commit(positions: readonly PartitionOffset[]): void {
    for (const p of positions) this.toCommit.set(partitionKey(p.topic, p.partition), p);
    if (this.committing !== null) return;
    this.committing = (async () => {
      while (this.toCommit.size > 0) {
        const offsets = [...this.toCommit.values()];
        this.toCommit.clear();
        await this.consumer
          .commit(offsets)
          .catch((error: Error) => this.logger.warn(`Kafka offset commit failed (a restart re-reads a little more): ${error.message}`));
      }
    })().finally(() => {
      this.committing = null;
    });
  }
}
