import type { ConnectionConfig, IngestConfig } from '@rollout-ledger/config';
import type { EventType } from '@rollout-ledger/contracts';

/** What the ingest module is built from: the validated connection and ingest configuration. */
export interface IngestModuleOptions {
  readonly connection: ConnectionConfig;
  readonly ingest: IngestConfig;
}

export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');

/** The topic of each event type the gateway publishes; BatchAssembled keeps its default topic. */
export function ingestTopics(config: IngestConfig): Partial<Record<EventType, string>> {
  const rollout = config.INGEST_ROLLOUT_TOPIC;
  return {
    RolloutStarted: rollout,
    TurnRecorded: rollout,
    ToolCallRecorded: rollout,
    RewardAssigned: rollout,
    RolloutCompleted: rollout,
    TaskDefined: config.INGEST_TASK_TOPIC,
  };
}
