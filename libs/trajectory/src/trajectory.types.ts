import type { RewardSource, Role, SamplingParams, TokenUsage, ToolCall, ToolRequestor, UserSimulator } from '@rollout-ledger/contracts';

export type TrajectoryStatus = 'running' | 'completed';

/** Which event supplied a fact; two different events for the same fact are ordered by this stamp. */
export interface EventStamp {
  readonly event_id: string;
  readonly occurred_at: number;
}

export interface TrajectoryTurn extends EventStamp {
  readonly turn_index: number;
  readonly role: Role;
  readonly content: string | null;
  readonly tool_calls: readonly ToolCall[];
  readonly tool_call_id: string | null;
  readonly name: string | null;
  readonly trainable: boolean;
  readonly token_ids: readonly number[] | null;
  readonly logprobs: readonly number[] | null;
  readonly policy_version: number | null;
  readonly usage: TokenUsage | null;
}

export interface TrajectoryToolCall extends EventStamp {
  readonly tool_call_id: string;
  readonly name: string;
  readonly arguments: string;
  readonly requestor: ToolRequestor;
  readonly turn_index: number | null;
  readonly result: string | null;
  readonly error: string | null;
  readonly status: string;
  readonly latency_ms: number | null;
}

export interface TrajectoryReward extends EventStamp {
  readonly reward: number;
  readonly components: Readonly<Record<string, number>>;
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly source: RewardSource;
  /** JSON string, as on the wire. */
  readonly details: string | null;
}

/**
 * The read model of one rollout. Fields that only RolloutStarted / RolloutCompleted carry are null
 * until that event has been applied, whatever order the events arrive in.
 */
export interface Trajectory {
  readonly rollout_id: string;
  readonly run_id: string | null;
  readonly group_id: string | null;
  readonly task_id: string | null;
  readonly domain: string | null;
  readonly policy_version: number | null;
  readonly group_size: number | null;
  readonly attempt: number | null;
  readonly system_prompt: string | null;
  /** Tool schemas (OpenAI function format), parsed from the JSON string on the wire. */
  readonly tools: readonly unknown[];
  readonly user_simulator: UserSimulator | null;
  readonly sampling: SamplingParams | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: TrajectoryStatus;
  readonly termination_reason: string | null;
  readonly num_turns: number | null;
  readonly final_state_hash: string | null;
  readonly started_at: number | null;
  readonly completed_at: number | null;
  /** As the worker reported it in RolloutCompleted. */
  readonly reported_duration_ms: number | null;
  /** The reported duration, else completed_at − started_at when both are known. */
  readonly duration_ms: number | null;
  readonly started_event_id: string | null;
  readonly completed_event_id: string | null;
  /** Sorted by turn_index, one per index. */
  readonly turns: readonly TrajectoryTurn[];
  /** Keyed by tool_call_id; keys kept sorted so serialisation is deterministic. */
  readonly tool_calls: Readonly<Record<string, TrajectoryToolCall>>;
  /** One per (reward_fn, reward_fn_version, source), sorted by that key. */
  readonly rewards: readonly TrajectoryReward[];
  /** Sorted ascending. */
  readonly seen_event_ids: readonly string[];
}
