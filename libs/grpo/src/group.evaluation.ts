import { compareStamps, selectReward } from '@rollout-ledger/trajectory';
import { computeAdvantages } from './grpo-advantage';
import type { GroupConfig } from './group-config';
import type { FilteredGroup, GroupDecision, GroupFilterReason, ReadyGroup, ReadyMember } from './group-decision.types';
import type { GroupMember, GroupMemberStart, GroupReward, GroupState } from './group.types';

interface CompleteMember {
  readonly rollout_id: string;
  readonly start: GroupMemberStart;
  readonly reward: GroupReward;
  /** When the last fact that made it complete happened. */
  readonly complete_at: number;
}

interface Census {
  readonly size: number;
  readonly required: number;
  readonly excluded: readonly GroupMember[];
  /** Sorted by attempt, then rollout_id. */
  readonly complete: readonly CompleteMember[];
  readonly resolved: boolean;
}

/**
 * Decides what to do with a group at `now`. Filters apply in this order: exclusions and timeout (who
 * is left), then staleness, then zero variance. A group that can no longer reach its minimum size, or
 * whose members are already too stale, is filtered without waiting for the rest: neither can recover.
 */
export function evaluateGroup(state: GroupState, config: GroupConfig, now: number): GroupDecision {
  const groupStart = latestStart(state);
  if (groupStart === null) return { status: 'pending', group_id: state.group_id, complete: 0, expected: null };
  const census = takeCensus(state, groupStart.group_size, config);
  const filtered = (reason: GroupFilterReason, message: string): FilteredGroup => ({
    status: 'filtered',
    group_id: state.group_id,
    reason,
    message,
    rollout_ids: Object.keys(state.members),
  });
  const { size, required, excluded, complete } = census;
  const thinnedMessage = `${excluded.length} of ${size} rollouts ended with an excluded termination reason; fewer than ${required} remain`;

  if (!census.resolved) {
    if (size - excluded.length < required) return filtered('excluded_termination', thinnedMessage);
    const candidates = Object.values(state.members).filter((m) => !excluded.includes(m));
    const stale = staleness(candidates.flatMap((m) => (m.start === null ? [] : [m.start])), config);
    if (stale !== null) return filtered('stale', stale);
    if (state.first_event_at === null || now - state.first_event_at < config.timeoutMs) {
      return { status: 'pending', group_id: state.group_id, complete: complete.length, expected: size };
    }
    if (complete.length < required) {
      return filtered('timeout_dropped', `timed out after ${config.timeoutMs} ms with ${complete.length} of ${size} rollouts complete; ${required} required`);
    }
  } else if (complete.length < required) {
    return filtered('excluded_termination', thinnedMessage);
  }

  const stale = staleness(complete.map((c) => c.start), config);
  if (stale !== null) return filtered('stale', stale);
  const rewards = complete.map((c) => c.reward.reward);
  if (rewards.length > 1 && rewards.every((r) => r === rewards[0])) {
    return filtered('zero_variance', `all ${rewards.length} rewards equal ${rewards[0]}: no gradient signal (DAPO dynamic sampling)`);
  }
  return ready(state, groupStart, census, config);
}

function ready(state: GroupState, groupStart: GroupMemberStart, census: Census, config: GroupConfig): ReadyGroup {
  const mode = config.advantageMode ?? 'grpo';
  const advantages = computeAdvantages(mode, census.complete.map((c) => c.reward.reward));
  const resolvedAt = Math.max(
    ...census.complete.map((c) => c.complete_at),
    ...census.excluded.map((m) => m.completion?.occurred_at ?? Number.NEGATIVE_INFINITY),
  );
  return {
    status: 'ready',
    group_id: state.group_id,
    run_id: state.run_id,
    task_id: groupStart.task_id,
    domain: groupStart.domain,
    group_size: census.size,
    advantage_mode: mode,
    partial: census.complete.length < census.size,
    members: census.complete.map(
      (c, i): ReadyMember => ({
        rollout_id: c.rollout_id,
        attempt: c.start.attempt,
        task_id: c.start.task_id,
        policy_version: c.start.policy_version,
        reward: c.reward.reward,
        advantage: advantages[i] as number,
        reward_event_id: c.reward.event_id,
      }),
    ),
    excluded_rollout_ids: census.excluded.map((m) => m.rollout_id),
    ready_at: census.resolved ? resolvedAt : (state.first_event_at ?? 0) + config.timeoutMs,
  };
}

function latestStart(state: GroupState): GroupMemberStart | null {
  let best: GroupMemberStart | null = null;
  for (const member of Object.values(state.members)) {
    if (member.start !== null && (best === null || compareStamps(member.start, best) > 0)) best = member.start;
  }
  return best;
}

function takeCensus(state: GroupState, size: number, config: GroupConfig): Census {
  const reasons = new Set(config.excludedTerminationReasons);
  const members = Object.values(state.members);
  const excluded = members.filter((m) => m.completion !== null && reasons.has(m.completion.termination_reason));
  const complete = members
    .filter((m) => !excluded.includes(m))
    .flatMap((m) => completeMember(m, config))
    .sort((a, b) => a.start.attempt - b.start.attempt || (a.rollout_id < b.rollout_id ? -1 : a.rollout_id > b.rollout_id ? 1 : 0));
  return {
    size,
    // A group smaller than minGroupSize (G = 1 is legitimate) only has to be whole.
    required: Math.min(config.minGroupSize, size),
    excluded,
    complete,
    resolved: excluded.length + complete.length >= size,
  };
}

function completeMember(member: GroupMember, config: GroupConfig): CompleteMember[] {
  if (member.start === null || member.completion === null) return [];
  const reward = selectReward(member.rewards, {
    reward_fn: config.rewardFn?.name,
    reward_fn_version: config.rewardFn?.version,
    source: config.rewardFn?.source,
  });
  if (reward === null) return [];
  const complete_at = Math.max(member.start.occurred_at, member.completion.occurred_at, reward.occurred_at);
  return [{ rollout_id: member.rollout_id, start: member.start, reward, complete_at }];
}

function staleness(starts: readonly GroupMemberStart[], config: GroupConfig): string | null {
  if (config.maxStaleness === undefined || config.trainerPolicyVersion === undefined || starts.length === 0) return null;
  const oldest = Math.min(...starts.map((s) => s.policy_version));
  const lag = config.trainerPolicyVersion - oldest;
  if (lag <= config.maxStaleness) return null;
  return `oldest rollout policy_version ${oldest} is ${lag} behind trainer version ${config.trainerPolicyVersion}; max staleness ${config.maxStaleness}`;
}
