import { ValidationError, type RolloutEvent } from '@rollout-ledger/contracts';
import { compareStamps, isNewer } from '@rollout-ledger/trajectory';
import type { GroupMember, GroupReward, GroupState } from './group.types';

export function initialGroup(groupId: string): GroupState {
  return { group_id: groupId, run_id: null, members: {}, first_event_at: null, last_event_at: null, seen_event_ids: [] };
}

/**
 * Folds one rollout event into its group. Turns and tool records do not change whether a group is
 * ready and are ignored. Conflicting facts keep the greater (occurred_at, event_id), so the state is
 * the same whatever order the events arrive in; a re-delivered event_id is a no-op.
 */
export function evolveGroup(state: GroupState, event: RolloutEvent): GroupState {
  const data = event.data;
  if (data.group_id !== state.group_id) {
    throw new ValidationError(`event ${data.event_id} belongs to group ${data.group_id}, not ${state.group_id}`, [
      { path: 'group_id', reason: `expected ${state.group_id}` },
    ]);
  }
  if (event.type === 'TurnRecorded' || event.type === 'ToolCallRecorded') return state;
  if (state.seen_event_ids.includes(data.event_id)) return state;
  const member = state.members[data.rollout_id] ?? { rollout_id: data.rollout_id, start: null, completion: null, rewards: [] };
  const next = applyToMember(member, event);
  return {
    group_id: state.group_id,
    run_id: state.run_id === null || data.run_id < state.run_id ? data.run_id : state.run_id,
    members: withMember(state.members, next),
    first_event_at: state.first_event_at === null ? data.occurred_at : Math.min(state.first_event_at, data.occurred_at),
    last_event_at: state.last_event_at === null ? data.occurred_at : Math.max(state.last_event_at, data.occurred_at),
    seen_event_ids: [...state.seen_event_ids, data.event_id].sort(),
  };
}

/** Builds the state of one group from its events, in any order. */
export function buildGroup(groupId: string, events: readonly RolloutEvent[]): GroupState {
  return events.reduce(evolveGroup, initialGroup(groupId));
}

function applyToMember(member: GroupMember, event: RolloutEvent): GroupMember {
  switch (event.type) {
    case 'RolloutStarted': {
      const { event_id, occurred_at, task_id, domain, group_size, policy_version, attempt } = event.data;
      const start = { event_id, occurred_at, task_id, domain, group_size, policy_version, attempt };
      return isNewer(start, member.start) ? { ...member, start } : member;
    }
    case 'RolloutCompleted': {
      const { event_id, occurred_at, termination_reason } = event.data;
      const completion = { event_id, occurred_at, termination_reason };
      return isNewer(completion, member.completion) ? { ...member, completion } : member;
    }
    case 'RewardAssigned': {
      const { event_id, occurred_at, reward, reward_fn, reward_fn_version, source } = event.data;
      return { ...member, rewards: upsertReward(member.rewards, { event_id, occurred_at, reward, reward_fn, reward_fn_version, source }) };
    }
    case 'TurnRecorded':
    case 'ToolCallRecorded':
      return member;
    default: {
      const unknown: never = event;
      throw new ValidationError(`unknown rollout event type ${(unknown as { type: string }).type}`);
    }
  }
}

function upsertReward(rewards: readonly GroupReward[], incoming: GroupReward): readonly GroupReward[] {
  const key = rewardKey(incoming);
  const existing = rewards.find((r) => rewardKey(r) === key) ?? null;
  if (existing !== null && compareStamps(incoming, existing) <= 0) return rewards;
  const others = rewards.filter((r) => rewardKey(r) !== key);
  return [...others, incoming].sort((a, b) => (rewardKey(a) < rewardKey(b) ? -1 : rewardKey(a) > rewardKey(b) ? 1 : 0));
}

// NUL cannot occur in a reward fn name or version, so the joined key is unambiguous.
function rewardKey(r: GroupReward): string {
  return `${r.reward_fn}\u0000${r.reward_fn_version}\u0000${r.source}`;
}

function withMember(members: Readonly<Record<string, GroupMember>>, member: GroupMember): Readonly<Record<string, GroupMember>> {
  const merged: Record<string, GroupMember> = { ...members, [member.rollout_id]: member };
  const sorted: Record<string, GroupMember> = {};
  for (const id of Object.keys(merged).sort()) sorted[id] = merged[id] as GroupMember;
  return sorted;
}
