/**
 * The event contract of Rollout Ledger, as TypeScript types.
 *
 * Each interface mirrors one Avro schema in `schemas/<Name>.avsc` field for field
 * (`contract-drift.spec.ts` fails when they drift apart). Field names are snake_case, as on the wire.
 * Timestamps are epoch milliseconds (Avro `timestamp-millis`). JSON-valued fields (tool schemas,
 * tool-call arguments, evaluation criteria, reward details) travel as JSON strings so that any
 * schema a tool or benchmark uses passes through unchanged.
 */

/** Fields every rollout event carries. */
export interface RolloutEnvelope {
  /** UUID chosen by the producer; consumers dedupe on it. */
  readonly event_id: string;
  readonly rollout_id: string;
  /** The GRPO group (one prompt rolled out G times); also the Kafka key. */
  readonly group_id: string;
  /** The training run / experiment. */
  readonly run_id: string;
  /** When it happened in the rollout worker (epoch ms). */
  readonly occurred_at: number;
}

export type Role = 'system' | 'user' | 'assistant' | 'tool';
export type ToolRequestor = 'assistant' | 'user';
export type RewardSource = 'online' | 'replay' | 'import' | 'human';

export interface UserSimulator {
  readonly model: string;
  /** Persona / instruction given to the simulated user. */
  readonly instruction: string | null;
}

export interface SamplingParams {
  readonly temperature: number | null;
  readonly top_p: number | null;
  readonly max_tokens: number | null;
}

export interface RolloutStarted extends RolloutEnvelope {
  readonly task_id: string;
  /** retail, airline, telecom, … */
  readonly domain: string;
  /** G: how many rollouts of this prompt form the group. */
  readonly group_size: number;
  /** Checkpoint / training step that generated the rollout; trainers compare it for staleness. */
  readonly policy_version: number;
  /** 0-based index of this rollout inside its group. */
  readonly attempt: number;
  readonly system_prompt: string | null;
  /** JSON array of tool schemas in OpenAI function format. */
  readonly tools: string;
  readonly user_simulator: UserSimulator | null;
  readonly sampling: SamplingParams | null;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** JSON string, as in the OpenAI format. */
  readonly arguments: string;
}

export interface TokenUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

export interface TurnRecorded extends RolloutEnvelope {
  /** 0.., strictly increasing per rollout. */
  readonly turn_index: number;
  readonly role: Role;
  readonly content: string | null;
  readonly tool_calls: readonly ToolCall[];
  /** For role=tool: the call this message answers. */
  readonly tool_call_id: string | null;
  /** For role=tool: the tool's name. */
  readonly name: string | null;
  /** True only for tokens the policy generated (the loss mask). */
  readonly trainable: boolean;
  readonly token_ids: readonly number[] | null;
  readonly logprobs: readonly number[] | null;
  /** Policy version that generated this turn, for asynchronous RL where weights change mid-rollout. */
  readonly policy_version: number | null;
  readonly usage: TokenUsage | null;
}

export interface ToolCallRecorded extends RolloutEnvelope {
  readonly tool_call_id: string;
  readonly name: string;
  /** JSON string. */
  readonly arguments: string;
  readonly requestor: ToolRequestor;
  /** Turn whose tool call this executes, when known. */
  readonly turn_index: number | null;
  readonly result: string | null;
  readonly error: string | null;
  /** ok, error, timeout, … */
  readonly status: string;
  readonly latency_ms: number | null;
}

export interface RewardAssigned extends RolloutEnvelope {
  readonly reward: number;
  readonly components: Readonly<Record<string, number>>;
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly source: RewardSource;
  /** JSON string with anything else the reward function reports. */
  readonly details: string | null;
}

export interface RolloutCompleted extends RolloutEnvelope {
  /** user_stop, agent_stop, transfer_to_human, max_turns, context_limit, error, … */
  readonly termination_reason: string;
  readonly num_turns: number;
  /** Hash of the environment database at the end, compared with the task's expected hash. */
  readonly final_state_hash: string | null;
  readonly duration_ms: number | null;
}

/** Published on `task.definitions` (compacted, key = task_id). */
export interface TaskDefined {
  readonly event_id: string;
  readonly task_id: string;
  readonly domain: string;
  readonly description: string | null;
  readonly user_instruction: string | null;
  /** JSON: expected actions, expected_state_hash, required outputs, reward_basis. */
  readonly evaluation: string;
  readonly occurred_at: number;
}

/** Published on `grpo.batches`: ids and metadata of a batch; the payload lives in files. */
export interface BatchAssembled {
  readonly event_id: string;
  readonly batch_id: string;
  readonly run_id: string;
  readonly sequence: number;
  readonly group_ids: readonly string[];
  readonly rollout_ids: readonly string[];
  readonly advantage_mode: string;
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly min_policy_version: number;
  readonly max_policy_version: number;
  readonly payload_jsonl: string;
  readonly payload_parquet: string;
  readonly occurred_at: number;
}

/** Every event name, mapped to its payload type. */
export interface EventTypes {
  RolloutStarted: RolloutStarted;
  TurnRecorded: TurnRecorded;
  ToolCallRecorded: ToolCallRecorded;
  RewardAssigned: RewardAssigned;
  RolloutCompleted: RolloutCompleted;
  TaskDefined: TaskDefined;
  BatchAssembled: BatchAssembled;
}

export type EventType = keyof EventTypes;

/** The events that travel on `rollout.events`. */
export type RolloutEventType = 'RolloutStarted' | 'TurnRecorded' | 'ToolCallRecorded' | 'RewardAssigned' | 'RolloutCompleted';

/** A decoded event: its type name beside its fields (a discriminated union). */
export type TypedEvent<T extends EventType = EventType> = { [K in T]: { readonly type: K; readonly data: EventTypes[K] } }[T];

export type RolloutEvent = TypedEvent<RolloutEventType>;
