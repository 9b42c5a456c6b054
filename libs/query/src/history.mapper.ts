import type { RewardSource, Role, SamplingParams, TokenUsage, ToolRequestor, UserSimulator } from '@rollout-ledger/contracts';
import type { Trajectory, TrajectoryReward, TrajectoryToolCall, TrajectoryTurn } from '@rollout-ledger/trajectory';
import type { EventRow, RewardRow, RolloutRow, ToolCallRow, TurnRow } from './history-rows';
import type {
  RolloutDetail,
  RolloutEventView,
  RolloutRewardView,
  RolloutSummary,
  RolloutToolCallView,
  RolloutTurnView,
  SelectedReward,
} from './query.types';
import { toIso, toJsonText, toMillis, toNumber } from './row-values';

export function toSelectedReward(row: RolloutRow): SelectedReward | null {
  if (row.sel_reward === null || row.sel_reward === undefined) return null;
  return {
    reward: row.sel_reward,
    reward_fn: row.sel_reward_fn ?? '',
    reward_fn_version: row.sel_reward_fn_version ?? '',
    source: (row.sel_source ?? 'online') as RewardSource,
  };
}

export function toSummary(row: RolloutRow): RolloutSummary {
  return {
    rollout_id: row.rollout_id,
    run_id: row.run_id,
    group_id: row.group_id,
    task_id: row.task_id,
    domain: row.domain,
    policy_version: toNumber(row.policy_version),
    attempt: row.attempt,
    status: row.completed_at === null ? 'running' : 'completed',
    termination_reason: row.termination_reason,
    num_turns: row.num_turns,
    turn_count: row.turn_count,
    tool_call_count: row.tool_call_count,
    tool_error_count: row.tool_error_count,
    reward: toSelectedReward(row),
    started_at: toIso(row.started_at),
    completed_at: toIso(row.completed_at),
  };
}

export function toToolCallView(row: ToolCallRow): RolloutToolCallView {
  return {
    tool_call_id: row.tool_call_id,
    name: row.name,
    arguments: row.arguments,
    requestor: row.requestor,
    turn_index: row.turn_index,
    result: row.result,
    error: row.error,
    status: row.status,
    latency_ms: row.latency_ms,
    occurred_at: toIso(row.occurred_at) ?? '',
  };
}

export function toRewardView(row: RewardRow): RolloutRewardView {
  return {
    event_id: row.event_id,
    reward: row.reward,
    components: row.components,
    reward_fn: row.reward_fn,
    reward_fn_version: row.reward_fn_version,
    source: row.source,
    details: row.details,
    occurred_at: toIso(row.occurred_at) ?? '',
  };
}

export function toDetail(row: RolloutRow, turns: readonly TurnRow[], calls: readonly ToolCallRow[], rewards: readonly RewardRow[]): RolloutDetail {
  const callViews = calls.map(toToolCallView);
  const byId = new Map(callViews.map((call) => [call.tool_call_id, call]));
  const turnViews: RolloutTurnView[] = turns.map((turn) => ({
    turn_index: turn.turn_index,
    event_id: turn.event_id,
    role: turn.role,
    content: turn.content,
    tool_calls: turn.tool_calls,
    tool_call_id: turn.tool_call_id,
    name: turn.name,
    trainable: turn.trainable,
    token_ids: turn.token_ids,
    logprobs: turn.logprobs,
    policy_version: toNumber(turn.policy_version),
    usage: turn.usage,
    occurred_at: toIso(turn.occurred_at) ?? '',
    tool_results: turn.tool_calls.flatMap((call) => byId.get(call.id) ?? []),
  }));
  return {
    ...toSummary(row),
    group_size: row.group_size,
    system_prompt: row.system_prompt,
    tools: toolsOf(row.tools),
    user_simulator: row.user_simulator,
    sampling: row.sampling,
    labels: row.labels ?? {},
    final_state_hash: row.final_state_hash,
    duration_ms: toNumber(row.duration_ms),
    turns: turnViews,
    tool_calls: callViews,
    rewards: rewards.map(toRewardView),
  };
}

export function toEventView(row: EventRow): RolloutEventView {
  return {
    event_id: row.event_id,
    event_type: row.event_type,
    topic: row.topic,
    partition: row.partition,
    offset: String(row.offset),
    schema_id: row.schema_id,
    occurred_at: toIso(row.occurred_at) ?? '',
    recorded_at: toIso(row.recorded_at) ?? '',
    payload: row.payload,
  };
}

/** The rows of one rollout as the pure read model, so exports reuse libs/trajectory's renderers. */
export function toTrajectory(row: RolloutRow, turns: readonly TurnRow[], calls: readonly ToolCallRow[], rewards: readonly RewardRow[]): Trajectory {
  const tool_calls: Record<string, TrajectoryToolCall> = {};
  for (const call of [...calls].sort((a, b) => (a.tool_call_id < b.tool_call_id ? -1 : a.tool_call_id > b.tool_call_id ? 1 : 0))) {
    tool_calls[call.tool_call_id] = {
      event_id: call.event_id,
      occurred_at: toMillis(call.occurred_at) ?? 0,
      tool_call_id: call.tool_call_id,
      name: call.name,
      arguments: call.arguments,
      requestor: call.requestor as ToolRequestor,
      turn_index: call.turn_index,
      result: call.result,
      error: call.error,
      status: call.status,
      latency_ms: call.latency_ms,
    };
  }
  const trajectoryTurns: TrajectoryTurn[] = turns.map((turn) => ({
    event_id: turn.event_id,
    occurred_at: toMillis(turn.occurred_at) ?? 0,
    turn_index: turn.turn_index,
    role: turn.role as Role,
    content: turn.content,
    tool_calls: turn.tool_calls,
    tool_call_id: turn.tool_call_id,
    name: turn.name,
    trainable: turn.trainable,
    token_ids: turn.token_ids,
    logprobs: turn.logprobs,
    policy_version: toNumber(turn.policy_version),
    usage: (turn.usage ?? null) as TokenUsage | null,
  }));
  const trajectoryRewards: TrajectoryReward[] = rewards.map((reward) => ({
    event_id: reward.event_id,
    occurred_at: toMillis(reward.occurred_at) ?? 0,
    reward: reward.reward,
    components: reward.components,
    reward_fn: reward.reward_fn,
    reward_fn_version: reward.reward_fn_version,
    source: reward.source as RewardSource,
    details: toJsonText(reward.details),
  }));
  const started_at = toMillis(row.started_at);
  const completed_at = toMillis(row.completed_at);
  const reported = toNumber(row.duration_ms);
  return {
    rollout_id: row.rollout_id,
    run_id: row.run_id,
    group_id: row.group_id,
    task_id: row.task_id,
    domain: row.domain,
    policy_version: toNumber(row.policy_version),
    group_size: row.group_size,
    attempt: row.attempt,
    system_prompt: row.system_prompt,
    tools: toolsOf(row.tools),
    user_simulator: (row.user_simulator ?? null) as UserSimulator | null,
    sampling: (row.sampling ?? null) as SamplingParams | null,
    labels: (row.labels ?? {}) as Record<string, string>,
    status: completed_at === null ? 'running' : 'completed',
    termination_reason: row.termination_reason,
    num_turns: row.num_turns,
    final_state_hash: row.final_state_hash,
    started_at,
    completed_at,
    reported_duration_ms: reported,
    duration_ms: reported ?? (started_at !== null && completed_at !== null ? completed_at - started_at : null),
    started_event_id: null,
    completed_event_id: null,
    turns: trajectoryTurns,
    tool_calls,
    rewards: trajectoryRewards,
    seen_event_ids: [],
  };
}

// Stored as a jsonb array; tolerate a JSON text inside jsonb too (what a producer sent verbatim).
export function toolsOf(value: unknown): readonly unknown[] {
  const parsed = typeof value === 'string' ? safeParse(value) : value;
  return Array.isArray(parsed) ? parsed : [];
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
