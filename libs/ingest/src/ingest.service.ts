import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { LedgerError, ValidationError, type TypedEvent } from '@rollout-ledger/contracts';
import { createAdmin, ensureTopics, type EventSerde, type PublishedEvent } from '@rollout-ledger/kafka';
import { HealthRegistry, MetricsRegistry } from '@rollout-ledger/observability';
import { parseIngestBody } from './ingest-body.parser';
import { validateEnvelopes } from './ingest-envelope.validation';
import { IngestErrorCodes } from './ingest.errors';
import { INGEST_OPTIONS, type IngestModuleOptions } from './ingest.options';
import { EVENT_PUBLISHER, type EventPublisher } from './transactional.publisher';

export const INGEST_SERDE = Symbol('INGEST_SERDE');

export interface IngestResult {
  readonly events: readonly PublishedEvent[];
}

/** POST /v1/events: parse, validate the whole batch, publish it in one Kafka transaction. */
@Injectable()
export class IngestService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ingest');
  private ready = false;

  constructor(
    @Inject(INGEST_OPTIONS) private readonly options: IngestModuleOptions,
    @Inject(INGEST_SERDE) private readonly serde: EventSerde,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher & { start?(): Promise<void>; stop?(): Promise<void> },
    @Optional() private readonly health?: HealthRegistry,
    @Optional() private readonly metrics?: MetricsRegistry,
  ) {}

  /** Schema governance at boot: topics exist, every schema is registered (an incompatible one stops the boot). */
  async onModuleInit(): Promise<void> {
    const { connection, ingest } = this.options;
    if (ingest.INGEST_ENSURE_TOPICS) {
      const admin = createAdmin({ brokers: connection.KAFKA_BROKERS, clientId: connection.KAFKA_CLIENT_ID });
      await admin.connect();
      try {
        const result = await ensureTopics(admin, {
          partitions: connection.ROLLOUT_EVENTS_PARTITIONS,
          replicationFactor: ingest.INGEST_REPLICATION_FACTOR,
          names: { rolloutEvents: ingest.INGEST_ROLLOUT_TOPIC, rolloutEventsDlq: ingest.INGEST_DLQ_TOPIC, taskDefinitions: ingest.INGEST_TASK_TOPIC },
        });
        if (result.created.length > 0) this.logger.log(`created topics ${result.created.join(', ')}`);
      } finally {
        await admin.disconnect();
      }
    }
    const ids = await this.serde.registerAll();
    this.logger.log(`schemas registered: ${Object.entries(ids).map(([type, id]) => `${type}=${id}`).join(', ')}`);
    await this.publisher.start?.();
    this.ready = true;
    this.health?.register('ingest', () => ({ healthy: this.ready, detail: this.ready ? 'producer connected' : 'starting' }));
  }

  async onModuleDestroy(): Promise<void> {
    this.ready = false;
    await this.publisher.stop?.();
  }

  /** The body as the HTTP edge parsed it (JSON value, or NDJSON text). */
  async ingest(body: unknown): Promise<IngestResult> {
    let events: TypedEvent[];
    try {
      events = validateEnvelopes(parseIngestBody(body));
    } catch (error) {
      this.count('rejected');
      throw error;
    }
    const max = this.options.ingest.INGEST_MAX_EVENTS;
    if (events.length > max) {
      this.count('rejected');
      throw new LedgerError(IngestErrorCodes.payloadTooLarge, `${events.length} events in one request; at most ${max} (INGEST_MAX_EVENTS); nothing was published`);
    }
    let published: PublishedEvent[];
    try {
      published = await this.publisher.publish(events);
    } catch (error) {
      this.count('failed');
      throw publishFailure(error);
    }
    this.count('accepted');
    const byType = this.metrics?.counter('rollout_ledger_ingest_events_total', 'events accepted by POST /v1/events', ['type']);
    for (const event of published) byType?.inc({ type: event.type });
    return { events: published };
  }

  private count(outcome: 'accepted' | 'rejected' | 'failed'): void {
    this.metrics?.counter('rollout_ledger_ingest_requests_total', 'POST /v1/events requests by outcome', ['outcome']).inc({ outcome });
  }
}

/**
 * Kafka or registry trouble is the client's cue to retry the same request: the transaction was
 * aborted, and a batch that did commit before the error reached us is harmless to send again
 * because consumers dedupe by event_id. Only a record the broker can never take is final.
 */
export function publishFailure(error: unknown): LedgerError {
  if (error instanceof ValidationError) return error;
  if (tooLargeForBroker(error)) {
    return new LedgerError(
      IngestErrorCodes.payloadTooLarge,
      'An event is larger than the broker accepts (max.message.bytes); nothing was published',
      false,
      undefined,
      { cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new LedgerError(
    IngestErrorCodes.ingestUnavailable,
    `Kafka did not accept the batch (${reason}); it was aborted and nothing was published. Retry the same request: events carry their event_id and consumers dedupe on it`,
    true,
    { code: error instanceof LedgerError ? error.code : undefined },
    { cause: error },
  );
}

function tooLargeForBroker(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 8; depth++) {
    if (e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE') return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}
