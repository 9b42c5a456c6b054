import type { ConnectionConfig } from '@rollout-ledger/config';
import { createAdmin, ensureTopics, LedgerProducer, type EnsureTopicsOptions } from '@rollout-ledger/kafka';

export type LedgerTopics = Pick<EnsureTopicsOptions, 'names'> & { readonly byType?: ConstructorParameters<typeof LedgerProducer>[0]['topics'] };

/** Rollout events to one topic, TaskDefined to another (e.g. from loadPublishConfig). */
export function publishTopics(rolloutEvents: string, taskDefinitions: string): LedgerTopics {
  return {
    names: { rolloutEvents, taskDefinitions },
    byType: {
      RolloutStarted: rolloutEvents,
      TurnRecorded: rolloutEvents,
      ToolCallRecorded: rolloutEvents,
      RewardAssigned: rolloutEvents,
      RolloutCompleted: rolloutEvents,
      TaskDefined: taskDefinitions,
    },
  };
}

/**
 * A connected LedgerProducer for the configured stack, topics created if missing (with the
 * configured partition count) — what `import`, `simulate` and the benchmarks publish through.
 */
export async function connectLedgerProducer(
  config: ConnectionConfig,
  clientId: string,
  topics: LedgerTopics = {},
): Promise<LedgerProducer> {
  const connection = { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-${clientId}`, logLevel: 'error' as const };
  const admin = createAdmin(connection);
  await admin.connect();
  try {
    await ensureTopics(admin, { partitions: config.ROLLOUT_EVENTS_PARTITIONS, names: topics.names });
  } finally {
    await admin.disconnect();
  }
  const producer = new LedgerProducer({ ...connection, registryUrl: config.SCHEMA_REGISTRY_URL, topics: topics.byType });
  await producer.connect();
  return producer;
}
