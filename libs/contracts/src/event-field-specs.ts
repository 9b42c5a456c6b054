import type { EventType, EventTypes } from './events';

/**
 * A TypeScript-checked description of every event's Avro shape. The mapped types below derive
 * the allowed spec from each TS field's type, so `tsc` fails when a field is added to or removed
 * from an interface in events.ts without updating this file, or when a spec's base type or
 * nullability contradicts the TS type. `contract-drift.spec.ts` then compares these specs with the
 * `.avsc` files at runtime, which closes the loop: TS ⇄ specs at compile time, specs ⇄ Avro at test time.
 */

type NumericAvro = 'int' | 'long' | 'float' | 'double';

type BaseSpec<T> = [T] extends [string]
  ? string extends T
    ? { readonly type: 'string' }
    : { readonly type: 'enum'; readonly symbols: readonly T[] }
  : [T] extends [number]
    ? { readonly type: NumericAvro; readonly logicalType?: 'timestamp-millis' }
    : [T] extends [boolean]
      ? { readonly type: 'boolean' }
      : [T] extends [readonly (infer I)[]]
        ? { readonly type: 'array'; readonly items: BaseSpec<I> }
        : [T] extends [object]
          ? string extends keyof T
            ? { readonly type: 'map'; readonly values: BaseSpec<T[string & keyof T]> }
            : { readonly type: 'record'; readonly name: string; readonly fields: RecordSpec<T> }
          : never;

export type FieldSpec<T> = null extends T
  ? BaseSpec<Exclude<T, null>> & { readonly nullable: true }
  : BaseSpec<T> & { readonly nullable?: false };

/** One spec per field of T, none missing (`-?`) and, through `satisfies`, none extra. */
export type RecordSpec<T> = { readonly [K in keyof T]-?: FieldSpec<T[K]> };

/** The loose runtime view of a spec, used by the comparison. */
export interface AnySpec {
  readonly type: string;
  readonly nullable?: boolean;
  readonly logicalType?: string;
  readonly symbols?: readonly string[];
  readonly items?: AnySpec;
  readonly values?: AnySpec;
  readonly name?: string;
  readonly fields?: Readonly<Record<string, AnySpec>>;
}

const str = { type: 'string' } as const;
const nullableStr = { type: 'string', nullable: true } as const;
const timestamp = { type: 'long', logicalType: 'timestamp-millis' } as const;
const envelope = {
  event_id: str,
  rollout_id: str,
  group_id: str,
  run_id: str,
  occurred_at: timestamp,
} as const;

export const EVENT_FIELD_SPECS = {
  RolloutStarted: {
    ...envelope,
    task_id: str,
    domain: str,
    group_size: { type: 'int' },
    policy_version: { type: 'long' },
    attempt: { type: 'int' },
    system_prompt: nullableStr,
    tools: str,
    user_simulator: {
      type: 'record',
      name: 'UserSimulator',
      nullable: true,
      fields: { model: str, instruction: nullableStr },
    },
    sampling: {
      type: 'record',
      name: 'SamplingParams',
      nullable: true,
      fields: {
        temperature: { type: 'double', nullable: true },
        top_p: { type: 'double', nullable: true },
        max_tokens: { type: 'int', nullable: true },
      },
    },
    labels: { type: 'map', values: str },
  },
  TurnRecorded: {
    ...envelope,
    turn_index: { type: 'int' },
    role: { type: 'enum', symbols: ['system', 'user', 'assistant', 'tool'] },
    content: nullableStr,
    tool_calls: {
      type: 'array',
      items: { type: 'record', name: 'ToolCall', fields: { id: str, name: str, arguments: str } },
    },
    tool_call_id: nullableStr,
    name: nullableStr,
    trainable: { type: 'boolean' },
    token_ids: { type: 'array', items: { type: 'int' }, nullable: true },
    logprobs: { type: 'array', items: { type: 'float' }, nullable: true },
    policy_version: { type: 'long', nullable: true },
    usage: {
      type: 'record',
      name: 'TokenUsage',
      nullable: true,
      fields: { prompt_tokens: { type: 'int' }, completion_tokens: { type: 'int' } },
    },
  },
  ToolCallRecorded: {
    ...envelope,
    tool_call_id: str,
    name: str,
    arguments: str,
    requestor: { type: 'enum', symbols: ['assistant', 'user'] },
    turn_index: { type: 'int', nullable: true },
    result: nullableStr,
    error: nullableStr,
    status: str,
    latency_ms: { type: 'long', nullable: true },
  },
  RewardAssigned: {
    ...envelope,
    reward: { type: 'double' },
    components: { type: 'map', values: { type: 'double' } },
    reward_fn: str,
    reward_fn_version: str,
    source: { type: 'enum', symbols: ['online', 'replay', 'import', 'human'] },
    details: nullableStr,
  },
  RolloutCompleted: {
    ...envelope,
    termination_reason: str,
    num_turns: { type: 'int' },
    final_state_hash: nullableStr,
    duration_ms: { type: 'long', nullable: true },
  },
  TaskDefined: {
    event_id: str,
    task_id: str,
    domain: str,
    description: nullableStr,
    user_instruction: nullableStr,
    evaluation: str,
    occurred_at: timestamp,
  },
  BatchAssembled: {
    event_id: str,
    batch_id: str,
    run_id: str,
    sequence: { type: 'long' },
    group_ids: { type: 'array', items: str },
    rollout_ids: { type: 'array', items: str },
    advantage_mode: str,
    reward_fn: str,
    reward_fn_version: str,
    min_policy_version: { type: 'long' },
    max_policy_version: { type: 'long' },
    payload_jsonl: str,
    payload_parquet: str,
    occurred_at: timestamp,
  },
} as const satisfies { readonly [K in EventType]: RecordSpec<EventTypes[K]> };
