import { ValidationError, type RewardAssigned, type RewardSource } from '@rollout-ledger/contracts';
import type { Trajectory } from '@rollout-ledger/trajectory';
import type { RewardFunction, RewardResult } from './reward-function';

export interface RewardEventMeta {
  readonly event_id: string;
  readonly occurred_at: number;
  readonly source: RewardSource;
}

/** The RewardAssigned that records `result` for `trajectory`; ids and time come from the caller. */
export function toRewardAssigned(trajectory: Trajectory, fn: Pick<RewardFunction, 'name' | 'version'>, result: RewardResult, meta: RewardEventMeta): RewardAssigned {
  const bad = [
    ...(Number.isFinite(result.reward) ? [] : [{ path: 'reward', reason: `not finite: ${result.reward}` }]),
    ...Object.entries(result.components)
      .filter(([, value]) => !Number.isFinite(value))
      .map(([key, value]) => ({ path: `components.${key}`, reason: `not finite: ${value}` })),
  ];
  if (bad.length > 0) throw new ValidationError(`reward function ${fn.name}@${fn.version} returned a non-finite score`, bad);
  if (trajectory.group_id === null || trajectory.run_id === null) {
    throw new ValidationError(`trajectory ${trajectory.rollout_id} has no group_id/run_id`, [{ path: 'group_id', reason: 'missing' }]);
  }
  return {
    event_id: meta.event_id,
    rollout_id: trajectory.rollout_id,
    group_id: trajectory.group_id,
    run_id: trajectory.run_id,
    occurred_at: meta.occurred_at,
    reward: result.reward,
    components: result.components,
    reward_fn: fn.name,
    reward_fn_version: fn.version,
    source: meta.source,
    details: result.details === undefined ? null : JSON.stringify(result.details),
  };
}
