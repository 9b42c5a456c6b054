/** Every Kafka topic of Rollout Ledger, in one place. */
export const Topics = {
  /** All events of all rollouts; key = group_id so a group lands in one partition, in order. */
  rolloutEvents: 'rollout.events',
  /** Events that could not be decoded or applied, with the reason in headers. */
  rolloutEventsDlq: 'rollout.events.dlq',
  /** Task ground truth; compacted, key = task_id. */
  taskDefinitions: 'task.definitions',
  /** One BatchAssembled per GRPO batch ready for trainers. */
  grpoBatches: 'grpo.batches',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];
