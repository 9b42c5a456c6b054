import type { Admin, ITopicConfig } from 'kafkajs';
import { ErrorCodes, Topics } from '@rollout-ledger/contracts';
import { createKafka, kafkaError, type KafkaConnectionOptions } from './kafka-connection';

/** The kafkajs admin client; obtained from createAdmin() so callers never import kafkajs. */
export type KafkaAdmin = Admin;

export type TopicNames = { readonly [K in keyof typeof Topics]: string };

export interface EnsureTopicsOptions {
  /** Partitions of rollout.events and its DLQ (the unit of consumer parallelism). Default 6. */
  readonly partitions?: number;
  /**
   * Default 1, for the single-node local stack. kafkajs speaks CreateTopics ≤ v3, which cannot ask
   * for the broker default (-1), so production clusters must pass their factor (usually 3).
   */
  readonly replicationFactor?: number;
  /** Other names than Topics (tests use random ones). */
  readonly names?: Partial<TopicNames>;
}

export interface EnsureTopicsResult {
  readonly created: readonly string[];
  readonly existing: readonly string[];
}

export function createAdmin(connection: KafkaConnectionOptions): KafkaAdmin {
  return createKafka(connection).admin();
}

/** The topic layout of Rollout Ledger (design §1–4), without creating anything. */
export function topicLayout(options: EnsureTopicsOptions = {}): ITopicConfig[] {
  const names: TopicNames = { ...Topics, ...options.names };
  const partitions = options.partitions ?? 6;
  const replicationFactor = options.replicationFactor ?? 1;
  return [
    { topic: names.rolloutEvents, numPartitions: partitions, replicationFactor },
    // Same partition count: dead letters keep the original key, so a group's poison stays together.
    { topic: names.rolloutEventsDlq, numPartitions: partitions, replicationFactor },
    // Compacted: the latest TaskDefined per task_id is kept forever (replay reads it).
    {
      topic: names.taskDefinitions,
      numPartitions: 1,
      replicationFactor,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
    // One partition: trainers consume batches strictly in sequence.
    { topic: names.grpoBatches, numPartitions: 1, replicationFactor },
  ];
}

/**
 * Creates the topics that are missing; existing ones are left as they are (idempotent, safe to run
 * at every boot and from several processes at once).
 */
export async function ensureTopics(admin: KafkaAdmin, options: EnsureTopicsOptions = {}): Promise<EnsureTopicsResult> {
  const layout = topicLayout(options);
  try {
    const present = new Set(await admin.listTopics());
    const missing = layout.filter((t) => !present.has(t.topic));
    // createTopics answers false (no throw) when another process created them in between.
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    return {
      created: missing.map((t) => t.topic),
      existing: layout.filter((t) => present.has(t.topic)).map((t) => t.topic),
    };
  } catch (error) {
    throw kafkaError(ErrorCodes.kafkaAdminFailed, 'Cannot create the Rollout Ledger topics', error);
  }
}
