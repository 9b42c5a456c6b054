import type { Pool } from 'pg';
import type { MaterializerConfig } from '@rollout-ledger/config';
import { reconcileCheckpoints, type Reconciliation } from '@rollout-ledger/checkpoints';
import { DeadLetterPublisher, EventSerde, HttpSchemaRegistry, LedgerConsumer, createAdmin, kafkaOffsetReader, type ConsumedRecord, type KafkaAdmin, type KafkaConnectionOptions } from '@rollout-ledger/kafka';
import type { HealthCheckResult } from '@rollout-ledger/observability';
import { BatchQueue } from './batch-queue';
import { LagMonitor } from './lag.monitor';
import { isDataError } from './materializer.errors';
import type { MaterializerMetrics } from './materializer.metrics';
import { MaterializerWriter, type PartitionRecords, type PoisonRecord, type PreparedWrite, type WriteResult } from './materializer.writer';

export interface MaterializerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type MaterializerSettings = Pick<
  MaterializerConfig,
  | 'MATERIALIZER_TOPICS'
  | 'MATERIALIZER_GROUP_ID'
  | 'MATERIALIZER_DLQ_TOPIC'
  | 'MATERIALIZER_MAX_TRIES'
  | 'MATERIALIZER_RETRY_INITIAL_MS'
  | 'MATERIALIZER_RETRY_MAX_MS'
  | 'MATERIALIZER_MAX_TX_EVENTS'
  | 'MATERIALIZER_QUEUE_BATCHES'
  | 'MATERIALIZER_FETCH_MAX_BYTES'
  | 'MATERIALIZER_FETCH_PARTITION_MAX_BYTES'
  | 'MATERIALIZER_WRITERS'
  | 'MATERIALIZER_LAG_INTERVAL_MS'
  | 'MATERIALIZER_SESSION_TIMEOUT_MS'
>;

export interface MaterializerConsumerOptions {
  readonly kafka: KafkaConnectionOptions;
  readonly registryUrl: string;
  readonly pool: Pool;
  readonly settings: MaterializerSettings;
  readonly metrics: MaterializerMetrics;
  readonly logger: MaterializerLogger;
}

interface QueuedBatch extends PartitionRecords {
  readonly size: number;
}

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Kafka → Postgres. kafkajs hands over one partition's batch at a time (`eachBatch`); batches are
 * queued so the next fetch overlaps the current write, and a writer merges queued batches (of
 * its partitions) into one transaction with their checkpoints. MATERIALIZER_WRITERS writers run
 * side by side, each owning the partitions that map to it, so each partition is still written in
 * order by one writer and two writers never lock the same checkpoint row (a rollout's events share
 * a partition: nor the same rollout). Kafka offsets are committed only after Postgres committed
 * (autoCommit off), so Kafka's offset never runs ahead of Postgres; on a restart or rebalance,
 * records below the Postgres checkpoint are skipped.
 */
export class MaterializerConsumer {
  private readonly writer: MaterializerWriter;
  private lanes: BatchQueue<QueuedBatch>[];
  private consumer: LedgerConsumer | null = null;
  private dlq: DeadLetterPublisher | null = null;
  private admin: KafkaAdmin | null = null;
  private lag: LagMonitor | null = null;
  private writing: Promise<void>[] = [];
  private starting: Promise<void> | null = null;
  private state: State = 'idle';
  private databaseError: { since: Date; message: string } | null = null;
  private lastCommitAt: Date | null = null;

  constructor(private readonly options: MaterializerConsumerOptions) {
    this.writer = new MaterializerWriter(options.pool, options.settings.MATERIALIZER_GROUP_ID);
    this.lanes = this.newLanes();
  }

  private newLanes(): BatchQueue<QueuedBatch>[] {
    const s = this.options.settings;
    const writers = Math.max(1, s.MATERIALIZER_WRITERS);
    // The buffered batches are shared out between the writers: more writers, not more memory.
    const capacity = Math.max(1, Math.ceil(s.MATERIALIZER_QUEUE_BATCHES / writers));
    return Array.from({ length: writers }, () => new BatchQueue<QueuedBatch>(capacity));
  }

  /** The writer of a partition: fixed for the process, so a partition's batches stay in order. */
  private laneOf(topic: string, partition: number): BatchQueue<QueuedBatch> {
    const topicIndex = Math.max(0, this.options.settings.MATERIALIZER_TOPICS.indexOf(topic));
    return this.lanes[(partition + topicIndex) % this.lanes.length] as BatchQueue<QueuedBatch>;
  }

  health(): HealthCheckResult {
    const s = this.options.settings;
    if (this.databaseError) return { healthy: false, detail: `cannot commit batches since ${this.databaseError.since.toISOString()} (${this.databaseError.message}); paused and retrying, nothing skipped` };
    if (this.state !== 'running') return { healthy: false, detail: this.state };
    return { healthy: true, detail: `group ${s.MATERIALIZER_GROUP_ID} on ${s.MATERIALIZER_TOPICS.join(', ')}; last commit ${this.lastCommitAt?.toISOString() ?? 'none yet'}` };
  }

  /** After a failed start() and stop(), makes the consumer startable again. */
  reset(): void {
    this.state = 'idle';
    this.lanes = this.newLanes();
    this.consumer = null;
    this.dlq = null;
    this.admin = null;
    this.lag = null;
    this.writing = [];
    this.starting = null;
  }

  start(): Promise<void> {
    if (this.state !== 'idle') return Promise.reject(new Error(`cannot start a materializer that is ${this.state}`));
    this.state = 'starting';
    this.starting = this.connectAndRun();
    return this.starting;
  }

  private async connectAndRun(): Promise<void> {
    const s = this.options.settings;
    this.admin = createAdmin(this.options.kafka);
    await this.admin.connect();
    await this.waitForTopics([...s.MATERIALIZER_TOPICS]);
    if (this.state !== 'starting') return; // stopped meanwhile
    const reconciled = await this.resetStaleCheckpoints();
    this.dlq = new DeadLetterPublisher({ ...this.options.kafka, topic: s.MATERIALIZER_DLQ_TOPIC });
    await this.dlq.connect();
    this.consumer = new LedgerConsumer({
      ...this.options.kafka,
      groupId: s.MATERIALIZER_GROUP_ID,
      topics: s.MATERIALIZER_TOPICS,
      serde: new EventSerde({ registry: new HttpSchemaRegistry({ url: this.options.registryUrl, clientId: this.options.kafka.clientId }) }),
      autoCommit: false,
      sessionTimeoutMs: s.MATERIALIZER_SESSION_TIMEOUT_MS,
      fetchMaxBytes: s.MATERIALIZER_FETCH_MAX_BYTES,
      fetchPartitionMaxBytes: s.MATERIALIZER_FETCH_PARTITION_MAX_BYTES,
      heartbeatIntervalMs: Math.max(500, Math.floor(s.MATERIALIZER_SESSION_TIMEOUT_MS / 10)),
    });
    await this.consumer.connect();
    if (this.state !== 'starting') return;
    this.writing = this.lanes.map((lane) => this.writeLoop(lane));
    await this.consumer.run((records, context) => this.enqueue(records, context.topic, context.partition, context.heartbeat));
    // Kafka may still hold a committed offset past a reset checkpoint: read from the reset one (re-reading is always safe).
    for (const reset of reconciled.plan.resets) this.consumer.seek(reset.topic, reset.partition, reset.to.toString());
    this.lag = new LagMonitor(this.admin, this.options.pool, s.MATERIALIZER_GROUP_ID, s.MATERIALIZER_TOPICS, this.options.metrics.lag, s.MATERIALIZER_LAG_INTERVAL_MS);
    this.lag.start();
    this.state = 'running';
    this.options.logger.log(`consuming ${s.MATERIALIZER_TOPICS.join(', ')} as group ${s.MATERIALIZER_GROUP_ID}`);
  }

  /** Writes what is already queued (when Postgres is up), commits it, then leaves the group. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    await this.starting?.catch(() => undefined);
    for (const lane of this.lanes) lane.close();
    await Promise.all(this.writing);
    await this.lag?.stop();
    await this.consumer?.disconnect().catch((error: Error) => this.options.logger.warn(`consumer disconnect: ${error.message}`));
    await this.dlq?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.state = 'stopped';
  }

  private async waitForTopics(topics: string[]): Promise<void> {
    let reported = '';
    for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
      const present = new Set(await (this.admin as KafkaAdmin).listTopics());
      const missing = topics.filter((topic) => !present.has(topic)).join(', ');
      if (missing === '' || this.state !== 'starting') return;
      if (missing !== reported) this.options.logger.warn(`waiting for topic(s) ${missing} to be created ('rollout-ledger topics ensure' or the ingest app creates them)`);
      reported = missing;
      await sleep(delay);
    }
  }

  /**
   * Before joining the group: checkpoints that cannot belong to this Kafka (a recreated topic,
   * another cluster) are reset, loudly, instead of silently skipping the new records below them.
   */
  private async resetStaleCheckpoints(): Promise<Reconciliation> {
    const s = this.options.settings;
    const client = await this.options.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await reconcileCheckpoints((text, values) => client.query(text, [...values]), kafkaOffsetReader(this.admin as KafkaAdmin), s.MATERIALIZER_GROUP_ID, s.MATERIALIZER_TOPICS);
      await client.query('COMMIT');
      for (const warning of result.warnings) this.options.logger.warn(warning);
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private async enqueue(records: ConsumedRecord[], topic: string, partition: number, heartbeat: () => Promise<void>): Promise<void> {
    if (records.length === 0) return;
    await this.laneOf(topic, partition).push({ topic, partition, records, size: records.length }, heartbeat);
  }

  /**
   * One transaction at a time, and the next batch projected and encoded while Postgres works on the
   * current one (the preparation yields between steps, so it only fills the transaction's waits).
   * The Kafka commit follows each Postgres commit at once, not the next batch's arrival.
   */
  private async writeLoop(queue: BatchQueue<QueuedBatch>): Promise<void> {
    const max = this.options.settings.MATERIALIZER_MAX_TX_EVENTS;
    const takeAndPrepare = async () => {
      const items = await queue.take(max);
      // Should preparing fail, write() prepares again inside the transaction and its retries handle it.
      const prepared = items.length === 0 ? undefined : await this.writer.prepare(items).catch(() => undefined);
      return { items, prepared };
    };
    let current = await takeAndPrepare();
    while (current.items.length > 0) {
      const { items, prepared } = current;
      const written = this.writeWithRetry(items, prepared).then(async (result) => {
        if (result !== null) await this.commitKafka(result);
        return result;
      });
      const upcoming = takeAndPrepare();
      if ((await written) === null) {
        queue.clear(); // stopping during an outage: nothing of it was committed anywhere
        return;
      }
      current = await upcoming;
    }
  }

  /**
   * Retries until the transaction commits. Database outages back off and retry forever (the full
   * queue stops fetching: the consumer pauses and nothing is skipped); a batch that fails on its
   * data MAX_TRIES times is retried event by event, and the events Postgres refuses become poison.
   */
  private async writeWithRetry(items: readonly QueuedBatch[], prepared: PreparedWrite | undefined): Promise<WriteResult | null> {
    const s = this.options.settings;
    const { metrics } = this.options;
    let dataFailures = 0;
    let delay = s.MATERIALIZER_RETRY_INITIAL_MS;
    for (;;) {
      const started = process.hrtime.bigint();
      try {
        const result = await this.writer.write(items, { isolate: dataFailures >= s.MATERIALIZER_MAX_TRIES, beforeCommit: (poison) => this.deadLetter(poison), prepared });
        metrics.transactionSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
        metrics.batchSize.observe(items.reduce((n, item) => n + item.size, 0));
        this.record(result);
        if (this.databaseError) this.options.logger.log('batches commit again; resuming');
        this.databaseError = null;
        return result;
      } catch (error) {
        const message = (error as Error).message;
        if (isDataError(error)) {
          dataFailures++;
          metrics.retries.inc({ reason: 'data' });
          this.options.logger.warn(`batch refused on its data (try ${dataFailures}/${s.MATERIALIZER_MAX_TRIES}): ${message}`);
          continue;
        }
        metrics.retries.inc({ reason: 'unavailable' });
        if (!this.databaseError) {
          this.databaseError = { since: new Date(), message };
          this.options.logger.error(`cannot commit a batch (PostgreSQL or the dead-letter topic unavailable), pausing and retrying: ${message}`);
        }
        if (this.state === 'stopping') return null;
        await sleep(delay);
        delay = Math.min(delay * 2, s.MATERIALIZER_RETRY_MAX_MS);
      }
    }
  }

  private async deadLetter(poison: readonly PoisonRecord[]): Promise<void> {
    const dlq = this.dlq as DeadLetterPublisher;
    for (const { message, error } of poison) {
      await dlq.send(message, message, error);
      this.options.metrics.deadLetters.inc({ code: error.code });
      this.options.logger.warn(`dead-lettered ${message.topic}[${message.partition}]@${message.offset} to ${dlq.topic}: [${error.code}] ${error.message}`);
    }
  }

  private record(result: WriteResult): void {
    const { events } = this.options.metrics;
    for (const [type, n] of Object.entries(result.appliedByType)) events.inc({ outcome: 'applied', type }, n);
    if (result.duplicates > 0) events.inc({ outcome: 'duplicate', type: 'any' }, result.duplicates);
    if (result.skipped > 0) events.inc({ outcome: 'skipped', type: 'any' }, result.skipped);
    if (result.poison.length > 0) events.inc({ outcome: 'dead_lettered', type: 'any' }, result.poison.length);
  }

  /** Postgres already holds the truth: a failed Kafka commit only means re-reading (and skipping) later. */
  private async commitKafka(result: WriteResult): Promise<void> {
    try {
      await this.consumer?.commit(result.checkpoints);
      this.lastCommitAt = new Date();
    } catch (error) {
      this.options.logger.warn(`Kafka offset commit failed (Postgres checkpoint is authoritative): ${(error as Error).message}`);
    }
  }
}
