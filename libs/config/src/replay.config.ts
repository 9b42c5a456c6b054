import { EnvValues, env, parseEnv } from './env-schema';

/**
 * `rollout-ledger replay`: where it reads and writes, and how it talks to an HTTP reward service.
 * Topic names are configurable so tests (and parallel environments) can isolate themselves.
 */
export const replaySpec = {
  ROLLOUT_EVENTS_TOPIC: env.string('topic of the rollout events replay reads and appends RewardAssigned to', 'rollout.events'),
  TASK_DEFINITIONS_TOPIC: env.string('topic of the TaskDefined events (task ground truth)', 'task.definitions'),
  REPLAY_PUBLISH_BATCH: env.int('RewardAssigned events scored and published per batch', 500, { min: 1, max: 100_000 }),
  REPLAY_STORE_PAGE_SIZE: env.int('events fetched per keyset page from the Postgres event log', 5000, { min: 1, max: 100_000 }),
  REPLAY_IDLE_TIMEOUT_MS: env.int(
    'stop reading Kafka after this long without records while short of the end offsets (trailing transaction markers)',
    10_000,
    { min: 100 },
  ),
  REWARD_SERVICE_TIMEOUT_MS: env.int('timeout of one request to the HTTP reward service', 10_000, { min: 1 }),
  REWARD_SERVICE_RETRIES: env.int('retries of a failed HTTP reward request (exponential backoff)', 4, { min: 0, max: 20 }),
  REWARD_SERVICE_BACKOFF_MS: env.int('first backoff of the HTTP reward service retries (doubles each retry)', 200, { min: 0 }),
  REWARD_SERVICE_CONCURRENCY: env.int('HTTP reward requests in flight at once', 8, { min: 1, max: 256 }),
};

export type ReplayConfig = EnvValues<typeof replaySpec>;

export function loadReplayConfig(source: NodeJS.ProcessEnv = process.env): ReplayConfig {
  return parseEnv(replaySpec, source, 'replay configuration');
}
