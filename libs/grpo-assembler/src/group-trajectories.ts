import type { RolloutEvent } from '@rollout-ledger/contracts';
import type { GroupState, ReadyGroup } from '@rollout-ledger/grpo';
import { buildTrajectory, type Trajectory } from '@rollout-ledger/trajectory';

/** Trajectories of every rollout the events mention, keyed by rollout_id. */
export function trajectoriesOf(events: readonly RolloutEvent[]): Map<string, Trajectory> {
  const byRollout = new Map<string, RolloutEvent[]>();
  for (const event of events) {
    const list = byRollout.get(event.data.rollout_id) ?? [];
    list.push(event);
    byRollout.set(event.data.rollout_id, list);
  }
  return new Map([...byRollout].map(([rolloutId, list]) => [rolloutId, buildTrajectory(list)]));
}

export interface RewardFnUsed {
  readonly reward_fn: string;
  readonly reward_fn_version: string;
}

/**
 * The reward function(s) behind a batch's advantages, for BatchAssembled. Usually one; when the
 * selector matched several (no GRPO_REWARD_FN set) they are listed, comma-separated and sorted.
 */
export function rewardFnsUsed(groups: readonly ReadyGroup[], states: ReadonlyMap<string, GroupState>): RewardFnUsed {
  const names = new Set<string>();
  const versions = new Set<string>();
  for (const group of groups) {
    for (const member of group.members) {
      const reward = states.get(group.group_id)?.members[member.rollout_id]?.rewards.find((r) => r.event_id === member.reward_event_id);
      if (reward === undefined) continue;
      names.add(reward.reward_fn);
      versions.add(reward.reward_fn_version);
    }
  }
  return { reward_fn: [...names].sort().join(','), reward_fn_version: [...versions].sort().join(',') };
}
