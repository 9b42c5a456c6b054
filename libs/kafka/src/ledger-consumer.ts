import type { Consumer, EachBatchPayload, IHeaders } from 'kafkajs';
import { ErrorCodes, LedgerError } from '@rollout-ledger/contracts';
import type { MessageCoordinates } from './dead-letter.publisher';
import type { DecodedEvent, EventSerde } from './event-serde';
import { createKafka, kafkaError, type KafkaConnectionOptions } from './kafka-connection';

export interface ConsumedMessage extends MessageCoordinates {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  /** Kafka timestamp (epoch ms, as a string like kafkajs). */
  readonly timestamp: string;
}

/** A decoded event, or poison with the reason (route it to the DeadLetterPublisher). */
export type ConsumedRecord =
  | { readonly kind: 'event'; readonly event: DecodedEvent; readonly message: ConsumedMessage }
  | { readonly kind: 'poison'; readonly error: LedgerError; readonly message: ConsumedMessage };

export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  heartbeat(): Promise<void>;
  /** Marks an offset processed (the batch is resolved automatically when the handler returns). */
  resolveOffset(offset: string): void;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface LedgerConsumerOptions extends KafkaConnectionOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly serde: EventSerde;
  /** Where a group without committed offsets starts. Default true (the ledger wants everything). */
  readonly fromBeginning?: boolean;
  /**
   * Default true. Pass false when offsets must be committed only after your own store commits
   * (then call commit() with the next offsets yourself).
   */
  readonly autoCommit?: boolean;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Most bytes of one fetch response, all partitions together (kafkajs default 10 MiB). */
  readonly fetchMaxBytes?: number;
  /** Most bytes of one partition in a fetch response (kafkajs default 1 MiB); a larger first message still comes whole. */
  readonly fetchPartitionMaxBytes?: number;
  /** Only read committed transactional messages. Default true. */
  readonly readCommitted?: boolean;
}

/**
 * A thin consumer: joins a group, subscribes, decodes each batch. Retriable decode failures
 * (registry down) are thrown so kafkajs retries the batch; poison is handed to the handler.
 */
export class LedgerConsumer {
  private readonly consumer: Consumer;

  constructor(private readonly options: LedgerConsumerOptions) {
    this.consumer = createKafka(options).consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      readUncommitted: options.readCommitted === false,
      ...(options.fetchMaxBytes === undefined ? {} : { maxBytes: options.fetchMaxBytes }),
      ...(options.fetchPartitionMaxBytes === undefined ? {} : { maxBytesPerPartition: options.fetchPartitionMaxBytes }),
    });
  }

  async connect(): Promise<void> {
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? true });
    } catch (error) {
      throw kafkaError(ErrorCodes.kafkaAdminFailed, `Cannot start consumer group ${this.options.groupId}`, error);
    }
  }

  /** Starts consuming; resolves once running (kafkajs keeps fetching in the background). */
  run(handler: (records: ConsumedRecord[], context: BatchContext) => Promise<void>): Promise<void> {
    return this.consumer.run({
      autoCommit: this.options.autoCommit ?? true,
      eachBatchAutoResolve: true,
      eachBatch: async (payload: EachBatchPayload) => {
        const { batch } = payload;
        const records: ConsumedRecord[] = [];
        for (const m of batch.messages) {
          const message: ConsumedMessage = {
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key,
            value: m.value,
            headers: m.headers ?? {},
            timestamp: m.timestamp,
          };
          records.push(await this.decodeRecord(message));
        }
        await handler(records, {
          topic: batch.topic,
          partition: batch.partition,
          heartbeat: payload.heartbeat,
          resolveOffset: payload.resolveOffset,
          isRunning: payload.isRunning,
          isStale: payload.isStale,
        });
      },
    });
  }

  /** Commits `offset` as the next one to read (i.e. last processed + 1) per partition. */
  async commit(offsets: readonly MessageCoordinates[]): Promise<void> {
    await this.consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })));
  }

  /** Reads a partition from `offset` on, from its next fetch once this member is assigned it (call after run()). */
  seek(topic: string, partition: number, offset: string): void {
    this.consumer.seek({ topic, partition, offset });
  }

  async disconnect(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async decodeRecord(message: ConsumedMessage): Promise<ConsumedRecord> {
    try {
      return { kind: 'event', event: await this.options.serde.decode(message.value), message };
    } catch (error) {
      if (error instanceof LedgerError && !error.retriable) return { kind: 'poison', error, message };
      if (error instanceof LedgerError) throw error;
      return {
        kind: 'poison',
        error: new LedgerError(ErrorCodes.eventUndecodable, (error as Error).message, false, undefined, { cause: error }),
        message,
      };
    }
  }
}
