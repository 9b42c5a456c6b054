import { EnvValues, env, parseEnv } from './env-schema';

/**
 * Where `rollout-ledger import` and `simulate` publish. The same variables as replay's, so one
 * environment points every publisher at the same (for tests: random, isolated) topics.
 */
export const publishSpec = {
  ROLLOUT_EVENTS_TOPIC: env.string('topic the rollout events (RolloutStarted … RewardAssigned) are published to', 'rollout.events'),
  TASK_DEFINITIONS_TOPIC: env.string('topic the TaskDefined events are published to (compacted, key task_id)', 'task.definitions'),
};

export type PublishConfig = EnvValues<typeof publishSpec>;

export function loadPublishConfig(source: NodeJS.ProcessEnv = process.env): PublishConfig {
  return parseEnv(publishSpec, source, 'publish configuration');
}
