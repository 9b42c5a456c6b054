import { EnvParseError, EnvValues, env, parseEnv } from './env-schema';

function topicList(description: string, fallback: readonly string[]) {
  return {
    description,
    default: fallback,
    parse: (raw: string): readonly string[] => {
      const topics = raw.split(',').map((topic) => topic.trim()).filter(Boolean);
      if (topics.length === 0) throw new EnvParseError('must name at least one topic');
      const bad = topics.find((topic) => !/^[A-Za-z0-9._-]{1,249}$/.test(topic));
      if (bad !== undefined) throw new EnvParseError(`"${bad}" is not a valid Kafka topic name`);
      return topics;
    },
  };
}

/** The materializer (`rollout-ledger serve --apps materializer`, apps/materializer). */
export const materializerSpec = {
  MATERIALIZER_TOPICS: topicList('topics the materializer consumes, comma-separated', ['rollout.events', 'task.definitions']),
  MATERIALIZER_GROUP_ID: env.string('Kafka consumer group of the materializer (instances of one group share the partitions)', 'rollout-ledger-materializer'),
  MATERIALIZER_DLQ_TOPIC: env.string('dead-letter topic for poison events', 'rollout.events.dlq'),
  MATERIALIZER_MAX_TRIES: env.int('tries of a batch that fails on its data before its events are isolated and poison is dead-lettered', 3, { min: 1, max: 100 }),
  MATERIALIZER_RETRY_INITIAL_MS: env.int('first backoff while PostgreSQL is unavailable', 200, { min: 1 }),
  MATERIALIZER_RETRY_MAX_MS: env.int('longest backoff while PostgreSQL is unavailable', 10_000, { min: 1 }),
  MATERIALIZER_MAX_TX_EVENTS: env.int('most events written in one PostgreSQL transaction (batches of several partitions are merged up to it)', 5_000, { min: 1 }),
  MATERIALIZER_QUEUE_BATCHES: env.int('fetched Kafka batches buffered ahead of the writers, shared out between them (fetch and write overlap)', 4, { min: 1, max: 1000 }),
  MATERIALIZER_FETCH_MAX_BYTES: env.int(
    'most bytes one Kafka fetch returns (all partitions together): what the consumer holds ahead of the writers is a few of these, so it bounds the process memory',
    2 * 1024 * 1024,
    { min: 64 * 1024, max: 256 * 1024 * 1024 },
  ),
  MATERIALIZER_FETCH_PARTITION_MAX_BYTES: env.int(
    'most bytes one Kafka fetch returns of one partition (a larger single message is still returned whole)',
    256 * 1024,
    { min: 16 * 1024, max: 64 * 1024 * 1024 },
  ),
  MATERIALIZER_LAG_INTERVAL_MS: env.int('how often the lag per partition gauge is refreshed', 5_000, { min: 100 }),
  MATERIALIZER_SESSION_TIMEOUT_MS: env.int('Kafka session timeout: how long a silent (killed) instance keeps its partitions before the group reassigns them', 30_000, { min: 6_000, max: 300_000 }),
  MATERIALIZER_WRITERS: env.int(
    'PostgreSQL transactions in flight at once; each writer owns a share of the partitions (its transactions never touch another writer\'s checkpoints or rollouts), so PostgreSQL works on several cores',
    2,
    { min: 1, max: 16 },
  ),
  MATERIALIZER_DB_POOL_MAX: env.int('PostgreSQL connections of the materializer (one per writer, the others serve lag and health; raised to writers + 1 when lower)', 3, { min: 2, max: 50 }),
};

export type MaterializerConfig = EnvValues<typeof materializerSpec>;

export function loadMaterializerConfig(source: NodeJS.ProcessEnv = process.env): MaterializerConfig {
  return parseEnv(materializerSpec, source, 'materializer configuration');
}
