import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { TypedEvent } from '@rollout-ledger/contracts';
import { LedgerProducer, type EventSerde, type KafkaConnectionOptions, type PublishedEvent } from '@rollout-ledger/kafka';

/** Publishes a batch all-or-nothing and reports where each event landed (a port: unit tests fake it). */
export interface EventPublisher {
  publish(events: readonly TypedEvent[]): Promise<PublishedEvent[]>;
}

export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');

export interface TransactionalPublisherOptions {
  readonly connection: KafkaConnectionOptions;
  readonly serde: EventSerde;
  readonly transactionalIdPrefix: string;
  /** Unique per process; defaults to host-pid-random. */
  readonly instanceId?: string;
  /** Position in the pool; part of the transactional id. */
  readonly slot?: number;
}

/**
 * Every publish() is one Kafka transaction with acks=all: read_committed consumers see the whole
 * batch or none of it. The transactional id is unique per process instance, so two gateways never
 * fence each other. After a failed transaction the producer is replaced by a fresh one (next
 * generation id): a fenced or broken producer must not fail every later request.
 */
export class TransactionalPublisher implements EventPublisher {
  readonly instanceId: string;
  private generation = 0;
  private current: { readonly producer: LedgerProducer; readonly ready: Promise<void> } | undefined;

  constructor(private readonly options: TransactionalPublisherOptions) {
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  /** The id of the producer in use (tests fence it to prove a failed batch stays invisible). */
  get transactionalId(): string {
    return `${this.options.transactionalIdPrefix}-${this.instanceId}-p${this.options.slot ?? 0}-${this.generation}`;
  }

  async start(): Promise<void> {
    await this.producer().ready;
  }

  /** Batches waiting for or inside this producer (the pool sends new work to the least busy one). */
  inFlight = 0;

  async publish(events: readonly TypedEvent[]): Promise<PublishedEvent[]> {
    const current = this.producer();
    this.inFlight += 1;
    try {
      await current.ready;
      return await current.producer.publish(events);
    } catch (error) {
      this.retire(current.producer);
      throw error;
    } finally {
      this.inFlight -= 1;
    }
  }

  async stop(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (current) await current.ready.then(() => current.producer.disconnect(), () => undefined);
  }

  private producer(): { readonly producer: LedgerProducer; readonly ready: Promise<void> } {
    if (!this.current) {
      const producer = new LedgerProducer({
        // kafkajs logs the broker's CONCURRENT_TRANSACTIONS answers (the previous commit still
        // finishing) as errors although it retries them; failures that matter reach the client as 503.
        logLevel: 'nothing',
        // The retry of CONCURRENT_TRANSACTIONS dominates a small batch's latency: start it short
        // (the Java client uses 20 ms), with enough attempts to still ride out a leader election.
        retry: { initialRetryTimeMs: 10, retries: 14, maxRetryTimeMs: 5_000 },
        ...this.options.connection,
        serde: this.options.serde,
        transactionalId: this.transactionalId,
        // The gateway registers every schema once at start-up; a replacement producer need not.
        registerSchemasOnConnect: false,
      });
      const ready = producer.connect();
      ready.catch(() => undefined);
      this.current = { producer, ready };
    }
    return this.current;
  }

  private retire(producer: LedgerProducer): void {
    if (this.current?.producer !== producer) return;
    this.current = undefined;
    this.generation += 1;
    producer.disconnect().catch(() => undefined);
  }
}

/**
 * Several transactional producers: kafkajs runs one transaction at a time per producer, so
 * concurrent requests would queue behind each other's commit round trips. Each request goes to
 * the least busy producer; each producer has its own transactional id.
 */
export class PublisherPool implements EventPublisher {
  readonly publishers: readonly TransactionalPublisher[];

  constructor(size: number, options: TransactionalPublisherOptions) {
    const instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.publishers = Array.from({ length: size }, (_, slot) => new TransactionalPublisher({ ...options, instanceId, slot }));
  }

  async start(): Promise<void> {
    await Promise.all(this.publishers.map((publisher) => publisher.start()));
  }

  publish(events: readonly TypedEvent[]): Promise<PublishedEvent[]> {
    const idle = this.publishers.reduce((best, publisher) => (publisher.inFlight < best.inFlight ? publisher : best));
    return idle.publish(events);
  }

  async stop(): Promise<void> {
    await Promise.all(this.publishers.map((publisher) => publisher.stop()));
  }
}
