import { CompressionTypes, Partitioners, type Message, type Producer, type RecordMetadata, type TopicMessages } from 'kafkajs';
import {
  ConfigError,
  ErrorCodes,
  ValidationError,
  eventKey,
  validateEvent,
  type EventType,
  type EventTypes,
  type FieldIssue,
  type TypedEvent,
} from '@rollout-ledger/contracts';
import { EventSerde } from './event-serde';
import { createKafka, kafkaError, type KafkaConnectionOptions } from './kafka-connection';
import { HttpSchemaRegistry } from './schema-registry.client';

export interface LedgerProducerOptions extends KafkaConnectionOptions {
  /** Confluent-compatible registry URL; ignored when `serde` is given. */
  readonly registryUrl?: string;
  readonly serde?: EventSerde;
  /** Topic per event type (defaults to EventTopics); ignored when `serde` is given. */
  readonly topics?: Partial<Record<EventType, string>>;
  /**
   * Makes every publish() one Kafka transaction: all events become visible to read_committed
   * consumers, or none do (the HTTP gateway's all-or-nothing). Must be unique per producer instance.
   */
  readonly transactionalId?: string;
  readonly transactionTimeoutMs?: number;
  readonly compression?: 'none' | 'gzip';
  /** Register every schema on connect() (fail fast on an incompatible one). Default true. */
  readonly registerSchemasOnConnect?: boolean;
}

/** Where one event landed. Offsets are strings: Kafka offsets are int64. */
export interface PublishedEvent {
  readonly type: EventType;
  readonly event_id: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** One event of a prepared publish: what publishPrepared() reports it by. */
export interface PreparedEvent {
  readonly type: EventType;
  readonly event_id: string;
  readonly topic: string;
}

/** Validated, Avro-encoded events ready to send (LedgerProducer.prepare). */
export interface PreparedEvents {
  readonly events: readonly PreparedEvent[];
  readonly topicMessages: readonly TopicMessages[];
  readonly messages: readonly Message[];
}

/** Header that names the event type, for tools that route or filter without decoding Avro. */
export const EVENT_TYPE_HEADER = 'event-type';

/**
 * The producer SDK for TypeScript rollout workers: validated, Avro-encoded, keyed so a group's
 * events stay in one partition in order, and idempotent (no duplicates from internal retries).
 */
export class LedgerProducer {
  readonly serde: EventSerde;
  private readonly producer: Producer;
  /** Partition the partitioner picked for each message object of the batch being sent. */
  private readonly chosenPartition = new WeakMap<object, number>();
  private transactionQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LedgerProducerOptions) {
    if (options.serde) {
      this.serde = options.serde;
    } else if (options.registryUrl) {
      this.serde = new EventSerde({
        registry: new HttpSchemaRegistry({ url: options.registryUrl, clientId: options.clientId }),
        topics: options.topics,
      });
    } else {
      throw new ConfigError('LedgerProducer needs registryUrl or serde', [{ path: 'registryUrl', reason: 'missing' }]);
    }
    this.producer = createKafka(options).producer({
      idempotent: true,
      // One request in flight per broker: kafkajs keeps order under retries only this way.
      maxInFlightRequests: 1,
      transactionalId: options.transactionalId,
      transactionTimeout: options.transactionTimeoutMs ?? 30_000,
      // Java-compatible murmur2 on the key (so Java/Python-murmur2 producers agree on a group's
      // partition), wrapped to remember the choice: publish() reports partition + offset per event.
      createPartitioner: () => {
        const murmur2 = Partitioners.DefaultPartitioner();
        return (args) => {
          const partition = murmur2(args);
          this.chosenPartition.set(args.message, partition);
          return partition;
        };
      },
    });
  }

  async connect(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (error) {
      throw kafkaError(ErrorCodes.kafkaPublishFailed, 'Cannot connect the producer', error);
    }
    if (this.options.registerSchemasOnConnect !== false) await this.serde.registerAll();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  /**
   * Validates every event (nothing is sent if one is invalid), then sends them all in one kafkajs
   * call and reports where each landed, in input order.
   */
  async publish(events: readonly TypedEvent[]): Promise<PublishedEvent[]> {
    return this.publishPrepared(await this.prepare(events));
  }

  /**
   * Validates and Avro-encodes events without sending them (ValidationError if one is invalid):
   * for a publisher that encodes ahead of time and sends later with publishPrepared().
   */
  async prepare(events: readonly TypedEvent[]): Promise<PreparedEvents> {
    const issues: FieldIssue[] = [];
    events.forEach((event, index) => {
      for (const issue of validateEvent(event.type, event.data)) issues.push({ ...issue, index });
    });
    if (issues.length > 0) {
      const bad = new Set(issues.map((i) => i.index)).size;
      throw new ValidationError(`${bad} of ${events.length} events are invalid; nothing was published`, issues);
    }
    const messages = await Promise.all(events.map((event) => this.toMessage(event)));
    const located = events.map((event) => ({ type: event.type, event_id: event.data.event_id, topic: this.serde.topicFor(event.type) }));
    return { events: located, topicMessages: groupByTopic(located, messages), messages };
  }

  /** Sends what prepare() encoded, in one kafkajs call; reports where each event landed, in input order. */
  async publishPrepared(prepared: PreparedEvents): Promise<PublishedEvent[]> {
    if (prepared.events.length === 0) return [];
    const topicMessages = prepared.topicMessages as TopicMessages[];
    const metadata = this.options.transactionalId ? await this.sendInTransaction(topicMessages) : await this.sendPlain(topicMessages);
    return this.locate(prepared.events, prepared.messages, metadata);
  }

  /** One event; see publish(). */
  async send<T extends EventType>(type: T, data: EventTypes[T]): Promise<PublishedEvent> {
    const [published] = await this.publish([{ type, data } as TypedEvent]);
    return published;
  }

  rolloutStarted(data: EventTypes['RolloutStarted']): Promise<PublishedEvent> {
    return this.send('RolloutStarted', data);
  }
  turnRecorded(data: EventTypes['TurnRecorded']): Promise<PublishedEvent> {
    return this.send('TurnRecorded', data);
  }
  toolCallRecorded(data: EventTypes['ToolCallRecorded']): Promise<PublishedEvent> {
    return this.send('ToolCallRecorded', data);
  }
  rewardAssigned(data: EventTypes['RewardAssigned']): Promise<PublishedEvent> {
    return this.send('RewardAssigned', data);
  }
  rolloutCompleted(data: EventTypes['RolloutCompleted']): Promise<PublishedEvent> {
    return this.send('RolloutCompleted', data);
  }
  taskDefined(data: EventTypes['TaskDefined']): Promise<PublishedEvent> {
    return this.send('TaskDefined', data);
  }
  batchAssembled(data: EventTypes['BatchAssembled']): Promise<PublishedEvent> {
    return this.send('BatchAssembled', data);
  }

  private async toMessage(event: TypedEvent): Promise<Message> {
    // The Kafka timestamp stays "now" (CreateTime) on purpose: occurred_at of imported history can
    // be months old, and retention would delete such records as soon as they were written.
    return {
      key: eventKey(event.type, event.data),
      value: await this.serde.encodeValid(event.type, event.data as never),
      headers: { [EVENT_TYPE_HEADER]: event.type },
    };
  }

  private compression(): CompressionTypes {
    return this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  }

  private async sendPlain(topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
    try {
      return await this.producer.sendBatch({ topicMessages, acks: -1, compression: this.compression() });
    } catch (error) {
      throw kafkaError(ErrorCodes.kafkaPublishFailed, 'Publishing to Kafka failed', error);
    }
  }

  /** kafkajs allows one open transaction per producer, so transactional publishes queue up. */
  private sendInTransaction(topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
    const run = async (): Promise<RecordMetadata[]> => {
      let transaction;
      try {
        transaction = await this.producer.transaction();
      } catch (error) {
        throw kafkaError(ErrorCodes.kafkaPublishFailed, 'Cannot begin a Kafka transaction', error);
      }
      try {
        const metadata = await transaction.sendBatch({ topicMessages, acks: -1, compression: this.compression() });
        await transaction.commit();
        return metadata;
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw kafkaError(ErrorCodes.kafkaPublishFailed, 'Kafka transaction failed and was aborted; nothing was published', error);
      }
    };
    const result = this.transactionQueue.then(run, run);
    this.transactionQueue = result.catch(() => undefined);
    return result;
  }

  /** Offsets: a partition's messages get consecutive offsets from its baseOffset, in send order. */
  private locate(events: readonly PreparedEvent[], messages: readonly Message[], metadata: readonly RecordMetadata[]): PublishedEvent[] {
    const base = new Map(metadata.map((m) => [`${m.topicName}/${m.partition}`, BigInt(m.baseOffset ?? '-1')]));
    const seen = new Map<string, bigint>();
    return events.map((event, i) => {
      const topic = event.topic;
      const partition = this.chosenPartition.get(messages[i]) ?? -1;
      const slot = `${topic}/${partition}`;
      const n = seen.get(slot) ?? 0n;
      seen.set(slot, n + 1n);
      const start = base.get(slot);
      return {
        type: event.type,
        event_id: event.event_id,
        topic,
        partition,
        offset: start === undefined || start < 0n ? '-1' : String(start + n),
      };
    });
  }
}

function groupByTopic(events: readonly PreparedEvent[], messages: readonly Message[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  events.forEach((event, i) => {
    const topic = event.topic;
    const list = byTopic.get(topic) ?? [];
    list.push(messages[i]);
    byTopic.set(topic, list);
  });
  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
}
