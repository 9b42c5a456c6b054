import { Topics } from '@rollout-ledger/contracts';
import { EnvParseError, EnvValues, env, parseEnv } from './env-schema';

function topicName(description: string, fallback: string) {
  return {
    description,
    default: fallback,
    parse: (raw: string): string => {
      const topic = raw.trim();
      if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw new EnvParseError(`"${raw}" is not a valid Kafka topic name`);
      return topic;
    },
  };
}

/** The HTTP ingest gateway, POST /v1/events (`rollout-ledger serve --apps ingest`, apps/ingest-gateway). */
export const ingestSpec = {
  INGEST_ROLLOUT_TOPIC: topicName('topic the gateway publishes rollout events to', Topics.rolloutEvents),
  INGEST_TASK_TOPIC: topicName('topic the gateway publishes TaskDefined events to (compacted)', Topics.taskDefinitions),
  INGEST_DLQ_TOPIC: topicName('dead-letter topic created next to the rollout topic at start-up', Topics.rolloutEventsDlq),
  INGEST_ENSURE_TOPICS: env.bool('create missing topics at start-up (turn off where topics are managed elsewhere)', true),
  INGEST_REPLICATION_FACTOR: env.int('replication factor of topics the gateway creates (1 for the local stack, usually 3 in production)', 1, { min: 1, max: 32 }),
  INGEST_MAX_EVENTS: env.int('most events one POST /v1/events may carry', 10_000, { min: 1, max: 1_000_000 }),
  INGEST_PRODUCERS: env.int('transactional producers per gateway process (one transaction at a time each; requests go to the least busy)', 4, { min: 1, max: 64 }),
  INGEST_TRANSACTIONAL_ID_PREFIX: env.string(
    'prefix of the Kafka transactional id; each gateway process adds a unique suffix',
    'rollout-ledger-ingest',
  ),
};

export type IngestConfig = EnvValues<typeof ingestSpec>;

export function loadIngestConfig(source: NodeJS.ProcessEnv = process.env): IngestConfig {
  return parseEnv(ingestSpec, source, 'ingest gateway configuration');
}
