/** Rows of the history tables as the repository selects them (bigint as string, timestamps as epoch ms). */
export interface RolloutRow {
  readonly rollout_id: string;
  readonly run_id: string;
  readonly group_id: string;
  readonly task_id: string | null;
  readonly domain: string | null;
  readonly group_size: number | null;
  readonly policy_version: string | number | null;
  readonly attempt: number | null;
  readonly system_prompt: string | null;
  readonly tools: unknown;
  readonly user_simulator: unknown;
  readonly sampling: unknown;
  readonly labels: unknown;
  readonly started_at: number | null;
  readonly termination_reason: string | null;
  readonly num_turns: number | null;
  readonly final_state_hash: string | null;
  readonly duration_ms: string | number | null;
  readonly completed_at: number | null;
  readonly turn_count: number;
  readonly tool_call_count: number;
  readonly tool_error_count: number;
  readonly sel_reward: number | null;
  readonly sel_reward_fn: string | null;
  readonly sel_reward_fn_version: string | null;
  readonly sel_source: string | null;
}

export interface TurnRow {
  readonly rollout_id: string;
  readonly turn_index: number;
  readonly event_id: string;
  readonly role: string;
  readonly content: string | null;
  readonly tool_calls: ReadonlyArray<{ id: string; name: string; arguments: string }>;
  readonly tool_call_id: string | null;
  readonly name: string | null;
  readonly trainable: boolean;
  readonly token_ids: number[] | null;
  readonly logprobs: number[] | null;
  readonly policy_version: string | number | null;
  readonly usage: unknown;
  readonly occurred_at: number;
}

export interface ToolCallRow {
  readonly rollout_id: string;
  readonly tool_call_id: string;
  readonly event_id: string;
  readonly name: string;
  readonly arguments: string;
  readonly requestor: string;
  readonly turn_index: number | null;
  readonly result: string | null;
  readonly error: string | null;
  readonly status: string;
  readonly latency_ms: number | null;
  readonly occurred_at: number;
}

export interface RewardRow {
  readonly event_id: string;
  readonly rollout_id: string;
  readonly reward: number;
  readonly components: Record<string, number>;
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly source: string;
  readonly details: unknown;
  readonly occurred_at: number;
}

export interface EventRow {
  readonly event_id: string;
  readonly event_type: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly schema_id: number;
  readonly occurred_at: Date;
  readonly recorded_at: Date;
  readonly payload: unknown;
}
