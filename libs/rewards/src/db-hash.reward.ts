import type { Trajectory } from '@rollout-ledger/trajectory';
import { RewardInputError } from './reward-errors';
import type { RewardResult, SyncRewardFunction } from './reward-function';
import type { TaskGroundTruth } from './task-ground-truth';

/** MUA-RL's training reward: 1 when the environment ended in the expected database state. */
export const dbHashReward: SyncRewardFunction = {
  name: 'db-hash',
  version: '1',
  score(trajectory: Trajectory, task: TaskGroundTruth): RewardResult {
    const dbMatch = dbMatchOf(trajectory, task);
    return { reward: dbMatch, components: { db_match: dbMatch } };
  },
};

/** 1 or 0; a rollout without a final hash (crashed environment) scores 0. */
export function dbMatchOf(trajectory: Trajectory, task: TaskGroundTruth): 0 | 1 {
  const expected = task.evaluation.expected_state_hash;
  if (expected === null) {
    throw new RewardInputError(`task ${task.task_id} has no evaluation.expected_state_hash to compare against`, task.task_id);
  }
  return trajectory.final_state_hash === expected ? 1 : 0;
}
