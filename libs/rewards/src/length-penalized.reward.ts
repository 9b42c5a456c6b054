import type { Trajectory } from '@rollout-ledger/trajectory';
import { dbHashReward } from './db-hash.reward';
import type { RewardResult, SyncRewardFunction } from './reward-function';
import type { TaskGroundTruth } from './task-ground-truth';

export interface LengthPenaltyOptions {
  readonly base?: SyncRewardFunction;
  /** Subtracted per turn beyond the budget. Default 0.01. */
  readonly lambda?: number;
  /** Turns allowed without penalty. Default 20. */
  readonly budget?: number;
  /** Another parameter set is another function: give it its own name or version. */
  readonly name?: string;
  readonly version?: string;
}

/**
 * base reward − λ · max(0, turns − budget). Not clamped at 0: a failed long rollout then ranks below
 * a failed short one inside its GRPO group, which is the point of the penalty.
 */
export function createLengthPenalized(options: LengthPenaltyOptions = {}): SyncRewardFunction {
  const base = options.base ?? dbHashReward;
  const lambda = options.lambda ?? 0.01;
  const budget = options.budget ?? 20;
  return {
    name: options.name ?? 'length-penalized',
    version: options.version ?? '1',
    score(trajectory: Trajectory, task: TaskGroundTruth): RewardResult {
      const baseResult = base.score(trajectory, task);
      const turns = trajectory.num_turns ?? trajectory.turns.length;
      const excess = Math.max(0, turns - budget);
      const penalty = lambda * excess;
      return {
        reward: baseResult.reward - penalty,
        components: { ...baseResult.components, base_reward: baseResult.reward, excess_turns: excess, length_penalty: penalty },
        details: { base: `${base.name}@${base.version}`, lambda, budget, turns, base_details: baseResult.details ?? null },
      };
    },
  };
}

export const lengthPenalizedReward: SyncRewardFunction = createLengthPenalized();
