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
import { addToSortedSet, upsertSorted, withSortedKey } from './sorted-insert';
import { TrajectoryBuilder } from './trajectory.builder';
import {
  assertSameRollout,
  compareRewardKeys,
  compareTurnIndexes,
  durationOf,
  minId,
  toReward,
  toToolCall,
  toTurn,
  unknownEventType,
} from './trajectory.records';
import type { Trajectory } from './trajectory.types';

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
  assertSameRollout(state.rollout_id, data);
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
      throw unknownEventType((unknown as { type: string }).type);
    }
  }
}

/**
 * Builds a trajectory from all events of one rollout, in any order: the same result as folding
 * evolveTrajectory over them, through a mutable builder so the cost is linear in the events.
 */
export function buildTrajectory(events: readonly RolloutEvent[]): Trajectory {
  const first = events[0];
  if (first === undefined) throw new ValidationError('buildTrajectory needs at least one event');
  const builder = new TrajectoryBuilder(first.data.rollout_id);
  for (const event of events) builder.apply(event);
  return builder.build();
}

function withEnvelope(state: Trajectory, data: RolloutEnvelope): Trajectory {
  return { ...state, run_id: minId(state.run_id, data.run_id), group_id: minId(state.group_id, data.group_id) };
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
  return { ...state, duration_ms: durationOf(state.reported_duration_ms, state.started_at, state.completed_at) };
}

function applyTurn(state: Trajectory, data: TurnRecorded): Trajectory {
  const existing = state.turns.find((turn) => turn.turn_index === data.turn_index) ?? null;
  if (!isNewer(data, existing)) return state;
  return { ...state, turns: upsertSorted(state.turns, toTurn(data), compareTurnIndexes) };
}

function applyToolCall(state: Trajectory, data: ToolCallRecorded): Trajectory {
  if (!isNewer(data, state.tool_calls[data.tool_call_id] ?? null)) return state;
  return { ...state, tool_calls: withSortedKey(state.tool_calls, data.tool_call_id, toToolCall(data)) };
}

function applyReward(state: Trajectory, data: RewardAssigned): Trajectory {
  const reward = toReward(data);
  const existing = state.rewards.find((r) => compareRewardKeys(r, reward) === 0) ?? null;
  if (!isNewer(reward, existing)) return state;
  return { ...state, rewards: upsertSorted(state.rewards, reward, compareRewardKeys) };
}
