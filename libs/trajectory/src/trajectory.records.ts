import { ValidationError, type RewardAssigned, type ToolCallRecorded, type TurnRecorded } from '@rollout-ledger/contracts';
import { compareStrings } from './sorted-insert';
import type { TrajectoryReward, TrajectoryToolCall, TrajectoryTurn } from './trajectory.types';

// The per-event records and rules shared by the immutable fold (evolveTrajectory) and the mutable
// TrajectoryBuilder: one definition, so the two can only differ in how they store state.

export function assertSameRollout(rolloutId: string, data: { readonly event_id: string; readonly rollout_id: string }): void {
  if (data.rollout_id === rolloutId) return;
  throw new ValidationError(`event ${data.event_id} belongs to rollout ${data.rollout_id}, not ${rolloutId}`, [
    { path: 'rollout_id', reason: `expected ${rolloutId}` },
  ]);
}

export function unknownEventType(type: string): ValidationError {
  return new ValidationError(`unknown rollout event type ${type}`);
}

// Every event carries run_id and group_id; any one of them may be the first to arrive. On a
// (corrupt) disagreement the smaller id wins so the result still does not depend on order.
export function minId(current: string | null, incoming: string): string {
  return current === null || compareStrings(incoming, current) < 0 ? incoming : current;
}

export function durationOf(reported: number | null, startedAt: number | null, completedAt: number | null): number | null {
  return reported ?? (startedAt !== null && completedAt !== null ? completedAt - startedAt : null);
}

export function toTurn(data: TurnRecorded): TrajectoryTurn {
  return {
    event_id: data.event_id,
    occurred_at: data.occurred_at,
    turn_index: data.turn_index,
    role: data.role,
    content: data.content,
    tool_calls: data.tool_calls,
    tool_call_id: data.tool_call_id,
    name: data.name,
    trainable: data.trainable,
    token_ids: data.token_ids,
    logprobs: data.logprobs,
    policy_version: data.policy_version,
    usage: data.usage,
  };
}

export function toToolCall(data: ToolCallRecorded): TrajectoryToolCall {
  return {
    event_id: data.event_id,
    occurred_at: data.occurred_at,
    tool_call_id: data.tool_call_id,
    name: data.name,
    arguments: data.arguments,
    requestor: data.requestor,
    turn_index: data.turn_index,
    result: data.result,
    error: data.error,
    status: data.status,
    latency_ms: data.latency_ms,
  };
}

export function toReward(data: RewardAssigned): TrajectoryReward {
  return {
    event_id: data.event_id,
    occurred_at: data.occurred_at,
    reward: data.reward,
    components: data.components,
    reward_fn: data.reward_fn,
    reward_fn_version: data.reward_fn_version,
    source: data.source,
    details: data.details,
  };
}

/** Rewards are one per (reward_fn, reward_fn_version, source), ordered by that key. */
export function compareRewardKeys(a: TrajectoryReward, b: TrajectoryReward): number {
  return (
    compareStrings(a.reward_fn, b.reward_fn) ||
    compareStrings(a.reward_fn_version, b.reward_fn_version) ||
    compareStrings(a.source, b.source)
  );
}

export function compareTurnIndexes(a: TrajectoryTurn, b: TrajectoryTurn): number {
  return a.turn_index - b.turn_index;
}
