import {
  ValidationError,
  type RewardAssigned,
  type RolloutCompleted,
  type RolloutEnvelope,
  type RolloutEvent,
  type RolloutStarted,
  type ToolCallRecorded,
  type TurnRecorded,
} from '@rollout-ledger/contracts';
import { isNewer } from './event-stamp';
import { parseTools } from './parse-tools';
import { addToSortedSet, compareStrings, upsertSorted, withSortedKey } from './sorted-insert';
import type { Trajectory, TrajectoryReward, TrajectoryTurn } from './trajectory.types';

export const trajectoryProjection = { name: 'trajectory', version: 1 } as const;

export function initialTrajectory(rolloutId: string): Trajectory {
  return {
    rollout_id: rolloutId,
    run_id: null,
    group_id: null,
    task_id: null,
    domain: null,
    policy_version: null,
    group_size: null,
    attempt: null,
    system_prompt: null,
    tools: [],
    user_simulator: null,
    sampling: null,
    labels: {},
    status: 'running',
    termination_reason: null,
    num_turns: null,
    final_state_hash: null,
    started_at: null,
    completed_at: null,
    reported_duration_ms: null,
    duration_ms: null,
    started_event_id: null,
    completed_event_id: null,
    turns: [],
    tool_calls: {},
    rewards: [],
    seen_event_ids: [],
  };
}

/**
 * Folds one event into the trajectory. Conflicts between two different events for the same fact
 * (two RolloutStarted, two turns with one turn_index, two rewards with one key) keep the event with
 * the greater (occurred_at, event_id): a later recompute of a reward supersedes the earlier one here,
 * while the event log keeps both. A re-delivered event_id is a no-op.
 */
export function evolveTrajectory(state: Trajectory, event: RolloutEvent): Trajectory {
  const data = event.data;
  if (data.rollout_id !== state.rollout_id) {
    throw new ValidationError(`event ${data.event_id} belongs to rollout ${data.rollout_id}, not ${state.rollout_id}`, [
      { path: 'rollout_id', reason: `expected ${state.rollout_id}` },
    ]);
  }
  if (state.seen_event_ids.includes(data.event_id)) return state;
  const seen = withEnvelope({ ...state, seen_event_ids: addToSortedSet(state.seen_event_ids, data.event_id) }, data);
  switch (event.type) {
    case 'RolloutStarted':
      return applyStarted(seen, event.data);
    case 'TurnRecorded':
      return applyTurn(seen, event.data);
    case 'ToolCallRecorded':
      return applyToolCall(seen, event.data);
    case 'RewardAssigned':
      return applyReward(seen, event.data);
    case 'RolloutCompleted':
      return applyCompleted(seen, event.data);
    default: {
      const unknown: never = event;
      throw new ValidationError(`unknown rollout event type ${(unknown as { type: string }).type}`);
    }
  }
}

/** Builds a trajectory from all events of one rollout, in any order. */
export function buildTrajectory(events: readonly RolloutEvent[]): Trajectory {
  const first = events[0];
  if (first === undefined) throw new ValidationError('buildTrajectory needs at least one event');
  return events.reduce(evolveTrajectory, initialTrajectory(first.data.rollout_id));
}

// Every event carries run_id and group_id; any one of them may be the first to arrive. On a
// (corrupt) disagreement the smaller id wins so the result still does not depend on order.
function withEnvelope(state: Trajectory, data: RolloutEnvelope): Trajectory {
  return { ...state, run_id: minId(state.run_id, data.run_id), group_id: minId(state.group_id, data.group_id) };
}

function minId(current: string | null, incoming: string): string {
  return current === null || compareStrings(incoming, current) < 0 ? incoming : current;
}

function applyStarted(state: Trajectory, data: RolloutStarted): Trajectory {
  const current = state.started_event_id === null ? null : { event_id: state.started_event_id, occurred_at: state.started_at ?? 0 };
  if (!isNewer(data, current)) return state;
  return withDuration({
    ...state,
    task_id: data.task_id,
    domain: data.domain,
    policy_version: data.policy_version,
    group_size: data.group_size,
    attempt: data.attempt,
    system_prompt: data.system_prompt,
    tools: parseTools(data.tools),
    user_simulator: data.user_simulator,
    sampling: data.sampling,
    labels: data.labels,
    started_at: data.occurred_at,
    started_event_id: data.event_id,
  });
}

function applyCompleted(state: Trajectory, data: RolloutCompleted): Trajectory {
  const current =
    state.completed_event_id === null ? null : { event_id: state.completed_event_id, occurred_at: state.completed_at ?? 0 };
  if (!isNewer(data, current)) return state;
  return withDuration({
    ...state,
    status: 'completed',
    termination_reason: data.termination_reason,
    num_turns: data.num_turns,
    final_state_hash: data.final_state_hash,
    completed_at: data.occurred_at,
    completed_event_id: data.event_id,
    reported_duration_ms: data.duration_ms,
  });
}

function withDuration(state: Trajectory): Trajectory {
  const derived = state.started_at !== null && state.completed_at !== null ? state.completed_at - state.started_at : null;
  return { ...state, duration_ms: state.reported_duration_ms ?? derived };
}

function applyTurn(state: Trajectory, data: TurnRecorded): Trajectory {
  const existing = state.turns.find((turn) => turn.turn_index === data.turn_index) ?? null;
  if (!isNewer(data, existing)) return state;
  const turn: TrajectoryTurn = {
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
  return { ...state, turns: upsertSorted(state.turns, turn, (a, b) => a.turn_index - b.turn_index) };
}

function applyToolCall(state: Trajectory, data: ToolCallRecorded): Trajectory {
  if (!isNewer(data, state.tool_calls[data.tool_call_id] ?? null)) return state;
  const { event_id, occurred_at, tool_call_id, name, requestor, turn_index, result, error, status, latency_ms } = data;
  const record = { event_id, occurred_at, tool_call_id, name, arguments: data.arguments, requestor, turn_index, result, error, status, latency_ms };
  return { ...state, tool_calls: withSortedKey(state.tool_calls, tool_call_id, record) };
}

function applyReward(state: Trajectory, data: RewardAssigned): Trajectory {
  const reward: TrajectoryReward = {
    event_id: data.event_id,
    occurred_at: data.occurred_at,
    reward: data.reward,
    components: data.components,
    reward_fn: data.reward_fn,
    reward_fn_version: data.reward_fn_version,
    source: data.source,
    details: data.details,
  };
  const existing = state.rewards.find((r) => compareRewardKeys(r, reward) === 0) ?? null;
  if (!isNewer(reward, existing)) return state;
  return { ...state, rewards: upsertSorted(state.rewards, reward, compareRewardKeys) };
}

function compareRewardKeys(a: TrajectoryReward, b: TrajectoryReward): number {
  return (
    compareStrings(a.reward_fn, b.reward_fn) ||
    compareStrings(a.reward_fn_version, b.reward_fn_version) ||
    compareStrings(a.source, b.source)
  );
}
