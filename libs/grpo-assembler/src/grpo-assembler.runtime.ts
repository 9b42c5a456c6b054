import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Knex } from 'knex';
import type { ConnectionConfig } from '@rollout-ledger/config';
import { knexQuery, reconcileCheckpoints } from '@rollout-ledger/checkpoints';
import { DeadLetterPublisher, EventSerde, HttpSchemaRegistry, LedgerConsumer, LedgerProducer, createAdmin, ensureTopics, kafkaOffsetReader, type KafkaAdmin } from '@rollout-ledger/kafka';
import { HealthRegistry, MetricsRegistry } from '@rollout-ledger/observability';
import { AssemblerConsumer, type StepTiming } from './assembler.consumer';
import { AssemblerEngine, type PartitionOffset, type StepResult } from './assembler.engine';
import type { AssemblerSettings } from './assembler-settings';
import { BatchAvailability } from './batch-availability';
import { BatchFileWriter } from './batch-file.writer';
import { BatchPublisher } from './batch.publisher';
import { startStep } from './checkpoint.repository';
import { CLOCK, type Clock } from './clock';
import { SweepScheduler } from './sweep.scheduler';
import { GRPO_DB, GRPO_SETTINGS } from './tokens';

const STEP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const GRPO_CONNECTION = Symbol('GRPO_CONNECTION');

/**
 * Starts and stops the assembler's moving parts: the lease wake-ups, the outbox publisher (so
 * batches left unpublished by a crash go out at once), then the consumer, then the sweep; with
 * GRPO_ROLE=leases only the wake-ups. Shutdown releases waiting lease requests, reverses the rest
 * and closes the database last.
 */
@Injectable()
export class GrpoAssemblerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('grpo-assembler');
  private consumer: AssemblerConsumer | null = null;
  private sweeper: SweepScheduler | null = null;
  private publisher: BatchPublisher | null = null;
  private producer: LedgerProducer | null = null;

  constructor(
    @Inject(GRPO_DB) private readonly db: Knex,
    @Inject(GRPO_SETTINGS) private readonly settings: AssemblerSettings,
    @Inject(GRPO_CONNECTION) private readonly connection: ConnectionConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly engine: AssemblerEngine,
    private readonly files: BatchFileWriter,
    private readonly availability: BatchAvailability,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.availability.start();
    if (this.settings.role === 'leases') {
      this.startLeaseServer();
      return;
    }
    const kafka = { brokers: this.connection.KAFKA_BROKERS, clientId: `${this.connection.KAFKA_CLIENT_ID}-grpo`, logLevel: 'error' as const };
    const admin = createAdmin(kafka);
    await admin.connect();
    let resets: PartitionOffset[];
    try {
      await ensureTopics(admin, {
        partitions: this.connection.ROLLOUT_EVENTS_PARTITIONS,
        names: { rolloutEvents: this.settings.topic, grpoBatches: this.settings.batchesTopic, ...(this.settings.dlqTopic === null ? {} : { rolloutEventsDlq: this.settings.dlqTopic }) },
      });
      resets = await this.resetStaleCheckpoints(admin);
    } finally {
      await admin.disconnect();
    }
    const serde = new EventSerde({
      registry: new HttpSchemaRegistry({ url: this.connection.SCHEMA_REGISTRY_URL, clientId: kafka.clientId }),
      topics: { BatchAssembled: this.settings.batchesTopic },
    });
    this.producer = new LedgerProducer({ ...kafka, serde });
    await this.producer.connect();
    this.publisher = new BatchPublisher(this.db, this.producer, this.files, this.settings.name, this.clock);
    this.publisher.kick();

    const onStep = (result: StepResult, timing?: StepTiming) => this.record(result, timing);
    const poison = this.metrics.counter('rollout_ledger_grpo_poison_total', 'undecodable messages the GRPO assembler skipped, by whether it dead-lettered them', ['assembler', 'dlq']);
    const dlqTopic = this.settings.dlqTopic;
    this.consumer = new AssemblerConsumer(
      new LedgerConsumer({ ...kafka, groupId: this.settings.name, topics: [this.settings.topic], serde, autoCommit: false, fromBeginning: true, sessionTimeoutMs: this.settings.sessionTimeoutMs, heartbeatIntervalMs: Math.min(3_000, Math.floor(this.settings.sessionTimeoutMs / 3)) }),
      this.engine,
      {
        onStep,
        onPoison: (record, dlq) => {
          poison.inc({ assembler: this.settings.name, dlq: String(dlq) });
          const where = `${record.message.topic}/${record.message.partition}@${record.message.offset}`;
          this.logger.warn(dlq ? `dead-lettered undecodable ${where} to ${dlqTopic}: ${record.error.message}` : `skipping undecodable ${where} (the materializer dead-letters it): ${record.error.message}`);
        },
      },
      { queueRecords: this.settings.queueRecords, deadLetters: dlqTopic === null ? null : new DeadLetterPublisher({ ...kafka, topic: dlqTopic }) },
    );
    // Kafka may still hold a committed offset past a reset checkpoint: read from the reset one.
    await this.consumer.start(resets);
    this.health.register(`grpo-assembler:${this.settings.name}`, () => this.consumer?.health ?? { healthy: false, detail: 'stopped' });
    this.sweeper = new SweepScheduler(this.engine, this.settings.sweepIntervalMs, onStep);
    this.sweeper.start();
    this.logger.log(`assembling ${this.settings.batchGroups}-group batches from ${this.settings.topic} as ${this.settings.name} into ${this.settings.outputDir}`);
  }

  /**
   * GRPO_ROLE=leases: the lease, batch and group API only, from Postgres. Batches made by the
   * consuming processes of the same assembler wake its waiting trainers through the LISTEN
   * connection, which is what /health reports: without it, waiters find batches on their re-check only.
   */
  private startLeaseServer(): void {
    this.health.register(`grpo-leases:${this.settings.name}`, () =>
      this.availability.isListening ? { healthy: true } : { healthy: false, detail: 'LISTEN connection to PostgreSQL lost, reconnecting: waiting trainers are answered on their re-check only' },
    );
    this.logger.log(`serving the leases of assembler ${this.settings.name} (GRPO_ROLE=leases: no Kafka consumer here)`);
  }

  /**
   * Before joining the group: checkpoints that cannot belong to this Kafka (a recreated topic,
   * another cluster) are reset, loudly, instead of silently skipping the new records below them.
   * Under the assembler's step lock, like every step that moves a checkpoint.
   */
  private async resetStaleCheckpoints(admin: KafkaAdmin): Promise<PartitionOffset[]> {
    const { plan, warnings } = await this.db.transaction(async (tx) => {
      await startStep(tx, this.settings.name, []);
      return reconcileCheckpoints(knexQuery(tx), kafkaOffsetReader(admin), this.settings.name, [this.settings.topic]);
    });
    for (const warning of warnings) this.logger.warn(warning);
    return plan.resets.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.to.toString() }));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.availability.close(); // waiting lease requests answer 204 now, not at their deadline
    await this.sweeper?.stop();
    await this.consumer?.stop().catch((error: Error) => this.logger.warn(`consumer stop: ${error.message}`));
    await this.publisher?.stop();
    await this.files.close();
    await this.producer?.disconnect().catch(() => undefined);
    await this.db.destroy();
  }

  private record(result: StepResult, timing?: StepTiming): void {
    const assembler = this.settings.name;
    if (timing !== undefined) {
      this.metrics.histogram('rollout_ledger_grpo_step_seconds', 'one GRPO assembler transaction over the queued fetches: fold, decide, batch, checkpoint, commit', ['assembler'], STEP_BUCKETS).observe({ assembler }, timing.stepMs / 1000);
      this.metrics.histogram('rollout_ledger_grpo_fetch_wait_seconds', 'how long the oldest fetch of a step waited in the queue for the step before it', ['assembler'], STEP_BUCKETS).observe({ assembler }, timing.waitedMs / 1000);
    }
    const groups = this.metrics.counter('rollout_ledger_grpo_groups_total', 'GRPO groups decided, by outcome', ['assembler', 'outcome']);
    if (result.ready > 0) groups.inc({ assembler, outcome: 'ready' }, result.ready);
    for (const filtered of result.filtered) groups.inc({ assembler, outcome: filtered.reason });
    if (result.batchIds.length > 0) {
      this.metrics.counter('rollout_ledger_grpo_batches_total', 'GRPO batches assembled', ['assembler']).inc({ assembler }, result.batchIds.length);
      this.publisher?.kick();
    }
  }
}
