import type { RewardSource } from '@rollout-ledger/contracts';

/** The reward a list row or export row carries (see RolloutFilter.reward_fn). */
export interface SelectedReward {
  readonly reward: number;
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly source: RewardSource;
}

export interface RolloutSummary {
  readonly rollout_id: string;
  readonly run_id: string;
  readonly group_id: string;
  readonly task_id: string | null;
  readonly domain: string | null;
  readonly policy_version: number | null;
  readonly attempt: number | null;
  readonly status: 'running' | 'completed';
  readonly termination_reason: string | null;
  readonly num_turns: number | null;
  readonly turn_count: number;
  readonly tool_call_count: number;
  readonly tool_error_count: number;
  readonly reward: SelectedReward | null;
  readonly started_at: string | null;
  readonly completed_at: string | null;
}

export interface RolloutPage {
  readonly items: readonly RolloutSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly next_cursor: string | null;
}

export interface RolloutToolCallView {
  readonly tool_call_id: string;
  readonly name: string;
  readonly arguments: string;
  readonly requestor: string;
  readonly turn_index: number | null;
  readonly result: string | null;
  readonly error: string | null;
  readonly status: string;
  readonly latency_ms: number | null;
  readonly occurred_at: string;
}

export interface RolloutTurnView {
  readonly turn_index: number;
  readonly event_id: string;
  readonly role: string;
  readonly content: string | null;
  readonly tool_calls: ReadonlyArray<{ readonly id: string; readonly name: string; readonly arguments: string }>;
  readonly tool_call_id: string | null;
  readonly name: string | null;
  readonly trainable: boolean;
  readonly token_ids: readonly number[] | null;
  readonly logprobs: readonly number[] | null;
  readonly policy_version: number | null;
  readonly usage: unknown;
  readonly occurred_at: string;
  /** The environment's records of the calls this assistant turn made (by tool_call_id). */
  readonly tool_results: readonly RolloutToolCallView[];
}

export interface RolloutRewardView {
  readonly event_id: string;
  readonly reward: number;
  readonly components: Readonly<Record<string, number>>;
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly source: string;
  readonly details: unknown;
  readonly occurred_at: string;
}

export interface RolloutDetail extends RolloutSummary {
  readonly group_size: number | null;
  readonly system_prompt: string | null;
  readonly tools: unknown;
  readonly user_simulator: unknown;
  readonly sampling: unknown;
  readonly labels: unknown;
  readonly final_state_hash: string | null;
  readonly duration_ms: number | null;
  readonly turns: readonly RolloutTurnView[];
  /** Every tool execution, including those the simulated user made (not tied to a turn). */
  readonly tool_calls: readonly RolloutToolCallView[];
  /** Every reward: each function × version × source. */
  readonly rewards: readonly RolloutRewardView[];
}

/** One row of the audit trail, with the Kafka coordinates it was read from. */
export interface RolloutEventView {
  readonly event_id: string;
  readonly event_type: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly schema_id: number;
  readonly occurred_at: string;
  readonly recorded_at: string;
  readonly payload: unknown;
}

export interface TaskStatsFigures {
  readonly attempts: number;
  /** Attempts with the selected reward. */
  readonly scored: number;
  readonly passes: number;
  /** passes / scored; null when nothing is scored. */
  readonly pass_rate: number | null;
  readonly mean_reward: number | null;
  readonly mean_turns: number | null;
  /** Failed tool executions / tool executions; null when no tool was called. */
  readonly tool_error_rate: number | null;
}

export interface TaskStatsByVersion extends TaskStatsFigures {
  readonly policy_version: number | null;
}

export interface TaskStats extends TaskStatsFigures {
  readonly task_id: string;
  readonly domain: string | null;
  readonly by_policy_version: readonly TaskStatsByVersion[];
}
