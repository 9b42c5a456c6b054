import type { EventType } from '@rollout-ledger/contracts';

/**
 * The rows one event writes, as plain data (the projection is pure; the Postgres writer and the
 * in-memory tables apply them). Timestamps are epoch ms, JSON columns are JSON text, int64 values
 * are numbers (Avro longs decode to safe integers).
 */

/** Where an event was read from, and the schema it was written with. */
export interface EventOrigin {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are int64: kept as decimal strings. */
  readonly offset: string;
  readonly schemaId: number;
}

/** Which event supplied a fact: on a conflict the greater (occurred_at, event_id) wins. */
export interface Stamp {
  readonly event_id: string;
  readonly occurred_at: number;
}

export interface EventRow extends Stamp {
  readonly event_type: EventType;
  readonly rollout_id: string | null;
  readonly group_id: string | null;
  readonly run_id: string | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly schema_id: number;
  /** The decoded event as JSON text: the replay source once Kafka retention has passed. */
  readonly payload: string;
}

/** Columns only RolloutStarted sets. */
export interface RolloutStartColumns extends Stamp {
  readonly task_id: string;
  readonly domain: string;
  readonly group_size: number;
  readonly policy_version: number;
  readonly attempt: number;
  readonly system_prompt: string | null;
  readonly tools: string;
  readonly user_simulator: string | null;
  readonly sampling: string | null;
  readonly labels: string;
}

/** Columns only RolloutCompleted sets. */
export interface RolloutCompletionColumns extends Stamp {
  readonly termination_reason: string;
  readonly num_turns: number;
  readonly final_state_hash: string | null;
  readonly duration_ms: number | null;
}

/**
 * What one or more events of a rollout say about its `rollouts` row. Every rollout event carries
 * the envelope (so the row exists whatever arrives first); start and completion columns come from
 * one event type each, so merging patches commutes.
 */
export interface RolloutPatch {
  readonly rollout_id: string;
  readonly run_id: string;
  readonly group_id: string;
  readonly start: RolloutStartColumns | null;
  readonly completion: RolloutCompletionColumns | null;
}

export interface TurnRow extends Stamp {
  readonly rollout_id: string;
  readonly turn_index: number;
  readonly role: string;
  readonly content: string | null;
  readonly tool_calls: string;
  readonly tool_call_id: string | null;
  readonly name: string | null;
  readonly trainable: boolean;
  readonly token_ids: readonly number[] | null;
  readonly logprobs: readonly number[] | null;
  readonly policy_version: number | null;
  readonly usage: string | null;
}

export interface ToolCallRow extends Stamp {
  readonly rollout_id: string;
  readonly tool_call_id: string;
  readonly name: string;
  readonly arguments: string;
  readonly requestor: string;
  readonly turn_index: number | null;
  readonly result: string | null;
  readonly error: string | null;
  readonly status: string;
  readonly latency_ms: number | null;
}

export interface RewardRow extends Stamp {
  readonly rollout_id: string;
  readonly group_id: string;
  readonly run_id: string;
  readonly reward: number;
  readonly components: string;
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly source: string;
  readonly details: string | null;
}

export interface TaskRow extends Stamp {
  readonly task_id: string;
  readonly domain: string;
  readonly description: string | null;
  readonly user_instruction: string | null;
  readonly evaluation: string;
}

/** The one type-specific row an event writes besides its `events` row and rollout patch. */
export type TableRow =
  | { readonly table: 'turns'; readonly row: TurnRow }
  | { readonly table: 'tool_calls'; readonly row: ToolCallRow }
  | { readonly table: 'rewards'; readonly row: RewardRow }
  | { readonly table: 'tasks'; readonly row: TaskRow };

export interface RowWrites {
  readonly event: EventRow;
  readonly rollout: RolloutPatch | null;
  readonly row: TableRow | null;
}

/** The writes of many new (deduplicated) events, reduced to at most one write per row key. */
export interface BatchWrites {
  readonly events: readonly EventRow[];
  readonly rollouts: readonly RolloutPatch[];
  readonly turns: readonly TurnRow[];
  readonly toolCalls: readonly ToolCallRow[];
  readonly rewards: readonly RewardRow[];
  readonly tasks: readonly TaskRow[];
  /** Rollouts whose turn / tool-call counters must be recounted. */
  readonly recount: readonly string[];
}

/**
 * A rollout's patch with the counters of the turns and tool calls in the same batch: exact for a
 * rollout that had no row before the batch (it then has no child rows either: every turn and tool
 * call is written together with its rollout's row), recounted from the child rows otherwise.
 */
export interface CountedRollout {
  readonly patch: RolloutPatch;
  readonly turn_count: number;
  readonly tool_call_count: number;
  readonly tool_error_count: number;
}
