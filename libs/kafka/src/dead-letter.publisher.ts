import type { IHeaders, Producer } from 'kafkajs';
import { ErrorCodes, LedgerError, Topics } from '@rollout-ledger/contracts';
import { createKafka, kafkaError, type KafkaConnectionOptions } from './kafka-connection';

/** Where a failed message was read from. */
export interface MessageCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** The message as consumed: its original bytes travel to the DLQ unchanged. */
export interface OriginalMessage {
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

export const DeadLetterHeaders = {
  reason: 'x-dlq-reason',
  errorCode: 'x-dlq-error-code',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  failedAt: 'x-dlq-failed-at',
} as const;

const MAX_REASON_LENGTH = 2_000;

/** The x-dlq-* headers for a failure (pure, so the format is tested without Kafka). */
export function deadLetterHeaders(from: MessageCoordinates, error: unknown, failedAt: Date): Record<string, string> {
  const message = error instanceof Error ? error.message : String(error);
  return {
    [DeadLetterHeaders.reason]: message.length > MAX_REASON_LENGTH ? `${message.slice(0, MAX_REASON_LENGTH)}…` : message,
    [DeadLetterHeaders.errorCode]: error instanceof LedgerError ? error.code : 'UNEXPECTED_ERROR',
    [DeadLetterHeaders.originalTopic]: from.topic,
    [DeadLetterHeaders.originalPartition]: String(from.partition),
    [DeadLetterHeaders.originalOffset]: from.offset,
    [DeadLetterHeaders.failedAt]: failedAt.toISOString(),
  };
}

export interface DeadLetterPublisherOptions extends KafkaConnectionOptions {
  /** Default rollout.events.dlq. */
  readonly topic?: string;
  /** Clock for x-dlq-failed-at (tests pin it). */
  readonly now?: () => Date;
}

/**
 * Moves poison messages aside so they never block a partition: the original key and bytes go to
 * the dead-letter topic with headers naming the error and where the message came from, so it can
 * be inspected and replayed once the cause is fixed.
 */
export class DeadLetterPublisher {
  readonly topic: string;
  private readonly producer: Producer;

  constructor(private readonly options: DeadLetterPublisherOptions) {
    this.topic = options.topic ?? Topics.rolloutEventsDlq;
    this.producer = createKafka(options).producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(original: OriginalMessage, from: MessageCoordinates, error: unknown): Promise<MessageCoordinates> {
    const headers: IHeaders = {
      ...original.headers,
      ...deadLetterHeaders(from, error, (this.options.now ?? (() => new Date()))()),
    };
    try {
      const [meta] = await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: [{ key: original.key, value: original.value, headers }],
      });
      return { topic: this.topic, partition: meta.partition, offset: meta.baseOffset ?? '-1' };
    } catch (e) {
      throw kafkaError(ErrorCodes.kafkaPublishFailed, `Cannot write to dead-letter topic ${this.topic}`, e);
    }
  }
}
