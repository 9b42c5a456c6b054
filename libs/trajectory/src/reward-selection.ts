import type { RewardSource } from '@rollout-ledger/contracts';
import { compareStamps } from './event-stamp';
import type { EventStamp, Trajectory, TrajectoryReward } from './trajectory.types';

/** Which reward to read. Unset fields match anything, except `source`, which defaults to 'online'. */
export interface RewardSelector {
  readonly reward_fn?: string;
  readonly reward_fn_version?: string;
  readonly source?: RewardSource | 'any';
}

export interface SelectableReward extends EventStamp {
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly source: RewardSource;
}

/** The latest matching reward by (occurred_at, event_id), or null when none matches. */
export function selectReward<R extends SelectableReward>(rewards: readonly R[], selector: RewardSelector = {}): R | null {
  const source = selector.source ?? 'online';
  let best: R | null = null;
  for (const candidate of rewards) {
    if (selector.reward_fn !== undefined && candidate.reward_fn !== selector.reward_fn) continue;
    if (selector.reward_fn_version !== undefined && candidate.reward_fn_version !== selector.reward_fn_version) continue;
    if (source !== 'any' && candidate.source !== source) continue;
    if (best === null || compareStamps(candidate, best) > 0) best = candidate;
  }
  return best;
}

export function rewardOf(trajectory: Trajectory, selector: RewardSelector = {}): TrajectoryReward | null {
  return selectReward(trajectory.rewards, selector);
}
