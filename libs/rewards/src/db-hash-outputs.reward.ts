import type { Trajectory } from '@rollout-ledger/trajectory';
import { dbMatchOf } from './db-hash.reward';
import type { RewardResult, SyncRewardFunction } from './reward-function';
import type { TaskGroundTruth } from './task-ground-truth';

/** db-hash AND every required output said in some assistant message (tau-bench's outputs check). */
export const dbHashOutputsReward: SyncRewardFunction = {
  name: 'db-hash-outputs',
  version: '1',
  score(trajectory: Trajectory, task: TaskGroundTruth): RewardResult {
    const dbMatch = dbMatchOf(trajectory, task);
    const missing = missingOutputs(trajectory, requiredOutputs(task));
    const outputs = missing.length === 0 ? 1 : 0;
    return { reward: dbMatch * outputs, components: { db_match: dbMatch, outputs }, details: { missing_outputs: missing } };
  },
};

/** tau-bench v1 `outputs` and tau2 `communicate_info` are the same check; both are required. */
export function requiredOutputs(task: TaskGroundTruth): readonly string[] {
  return [...new Set([...task.evaluation.outputs, ...task.evaluation.communicate_info])];
}

// tau-bench: output.lower() in content.lower().replace(",", "") — commas are dropped from the message
// only, so "1,000" said by the agent matches a required "1000".
export function missingOutputs(trajectory: Trajectory, outputs: readonly string[]): readonly string[] {
  const said = trajectory.turns
    .filter((turn) => turn.role === 'assistant' && turn.content !== null)
    .map((turn) => (turn.content ?? '').toLowerCase().replace(/,/g, ''));
  return outputs.filter((output) => !said.some((content) => content.includes(output.toLowerCase())));
}
