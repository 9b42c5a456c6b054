import type { RewardFnRef } from '@rollout-ledger/rewards';
import { rewardOf, type RewardSelector, type Trajectory, type TrajectoryReward } from '@rollout-ledger/trajectory';

/** The same choice the query filters make in SQL: that function@version from any source, else the online reward. */
export function rewardSelector(rewardFn: RewardFnRef | undefined): RewardSelector {
  return rewardFn ? { reward_fn: rewardFn.name, reward_fn_version: rewardFn.version, source: 'any' } : {};
}

export function chosenReward(trajectory: Trajectory, selector: RewardSelector): TrajectoryReward | null {
  return rewardOf(trajectory, selector);
}
