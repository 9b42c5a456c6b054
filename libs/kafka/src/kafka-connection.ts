import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig } from 'kafkajs';
import { LedgerError } from '@rollout-ledger/contracts';

/** How to reach Kafka. Built by the app's validated config; libraries never read process.env. */
export interface KafkaConnectionOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** kafkajs client-level retry of requests (exponential backoff). */
  readonly retry?: { readonly retries?: number; readonly initialRetryTimeMs?: number; readonly maxRetryTimeMs?: number };
  /** Default 'warn'. */
  readonly logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
}

const LOG_LEVELS = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
} as const;

export function createKafka(options: KafkaConnectionOptions): Kafka {
  const config: KafkaConfig = {
    brokers: [...options.brokers],
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: LOG_LEVELS[options.logLevel ?? 'warn'],
    retry: {
      retries: options.retry?.retries ?? 8,
      initialRetryTime: options.retry?.initialRetryTimeMs ?? 100,
      maxRetryTime: options.retry?.maxRetryTimeMs ?? 10_000,
    },
  };
  return new Kafka(config);
}

// Errors after which trying the whole operation again later can succeed (broker restart,
// leader election, network blip) even though kafkajs gave up on its own retries.
const RETRIABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
  'KafkaJSStaleTopicMetadataAssignment',
]);

/** Wraps a kafkajs error in a LedgerError with our code and its retriable flag. */
export function kafkaError(code: string, what: string, error: unknown): LedgerError {
  if (error instanceof LedgerError) return error;
  const e = error as { name?: string; message?: string; retriable?: boolean };
  const retriable = e?.retriable === true || RETRIABLE_NAMES.has(e?.name ?? '');
  return new LedgerError(code, `${what}: ${e?.message ?? String(error)}`, retriable, { kafkaError: e?.name }, { cause: error });
}
