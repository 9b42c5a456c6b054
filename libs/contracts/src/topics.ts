import type { EventType, EventTypes, TypedEvent } from './events';

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

/** Where each event type is published by default. */
export const EventTopics = {
  RolloutStarted: Topics.rolloutEvents,
  TurnRecorded: Topics.rolloutEvents,
  ToolCallRecorded: Topics.rolloutEvents,
  RewardAssigned: Topics.rolloutEvents,
  RolloutCompleted: Topics.rolloutEvents,
  TaskDefined: Topics.taskDefinitions,
  BatchAssembled: Topics.grpoBatches,
} as const satisfies Record<EventType, TopicName>;

/**
 * The Kafka key of an event. Rollout events are keyed by group_id so every event of a GRPO group
 * lands in one partition, in order (the assembler sees a group complete without cross-partition
 * joins); tasks by task_id so compaction keeps the latest definition; batches by run_id so a
 * run's batches stay in sequence.
 */
export function eventKey<T extends EventType>(type: T, data: EventTypes[T]): string {
  const event = { type, data } as TypedEvent;
  switch (event.type) {
    case 'RolloutStarted':
    case 'TurnRecorded':
    case 'ToolCallRecorded':
    case 'RewardAssigned':
    case 'RolloutCompleted':
      return event.data.group_id;
    case 'TaskDefined':
      return event.data.task_id;
    case 'BatchAssembled':
      return event.data.run_id;
    default: {
      const unreachable: never = event;
      throw new Error(`no key for ${JSON.stringify(unreachable)}`);
    }
  }
}
