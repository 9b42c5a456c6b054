import type { Trajectory } from '@rollout-ledger/trajectory';
import type { TaskGroundTruth } from './task-ground-truth';

export interface RewardResult {
  readonly reward: number;
  readonly components: Readonly<Record<string, number>>;
  /** Anything else worth keeping; serialised into RewardAssigned.details. */
  readonly details?: unknown;
}

/**
 * A reward function `name@version`. Same input must give the same output: replay relies on it.
 * `score` may be asynchronous so that adapters (a custom module, an HTTP reward service) fit the
 * same registry; the built-ins are synchronous.
 */
export interface RewardFunction {
  readonly name: string;
  readonly version: string;
  score(trajectory: Trajectory, task: TaskGroundTruth): RewardResult | Promise<RewardResult>;
}

export interface SyncRewardFunction extends RewardFunction {
  score(trajectory: Trajectory, task: TaskGroundTruth): RewardResult;
}
