import type { EventTypes, TypedEvent } from './events';

export interface ExampleIds {
  readonly rollout_id?: string;
  readonly group_id?: string;
  readonly run_id?: string;
  readonly task_id?: string;
  /** Epoch ms of the first event; later events are 1 ms apart. */
  readonly at?: number;
}

/**
 * One fully populated, valid event of every type for one small rollout (a retail task with a tool
 * call), for tests and docs. Every optional field is filled, so a round trip exercises all of them.
 */
export function exampleEvents(ids: ExampleIds = {}): { readonly [K in keyof EventTypes]: EventTypes[K] } {
  const rollout_id = ids.rollout_id ?? 'rollout-1';
  const group_id = ids.group_id ?? 'group-1';
  const run_id = ids.run_id ?? 'run-1';
  const task_id = ids.task_id ?? 'retail-7';
  const at = ids.at ?? 1_767_225_600_000;
  const env = (n: number) => ({ event_id: `${rollout_id}-e${n}`, rollout_id, group_id, run_id, occurred_at: at + n });
  return {
    RolloutStarted: {
      ...env(0),
      task_id,
      domain: 'retail',
      group_size: 8,
      policy_version: 12,
      attempt: 3,
      system_prompt: 'You are a retail support agent.',
      tools: JSON.stringify([{ type: 'function', function: { name: 'find_user', parameters: { type: 'object' } } }]),
      user_simulator: { model: 'gpt-4o', instruction: 'You are Ana; you want to return a lamp.' },
      sampling: { temperature: 0.7, top_p: 0.95, max_tokens: 1024 },
      labels: { framework: 'verl', host: 'node-3' },
    },
    TurnRecorded: {
      ...env(1),
      turn_index: 2,
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', name: 'find_user', arguments: '{"email":"ana@example.com"}' }],
      tool_call_id: null,
      name: null,
      trainable: true,
      token_ids: [151644, 77091, 198],
      logprobs: [-0.5, -0.25, -1.5],
      policy_version: 12,
      usage: { prompt_tokens: 812, completion_tokens: 3 },
    },
    ToolCallRecorded: {
      ...env(2),
      tool_call_id: 'call_1',
      name: 'find_user',
      arguments: '{"email":"ana@example.com"}',
      requestor: 'assistant',
      turn_index: 2,
      result: '{"user_id":"ana_42"}',
      error: null,
      status: 'ok',
      latency_ms: 37,
    },
    RewardAssigned: {
      ...env(3),
      reward: 1,
      components: { db_match: 1, outputs: 1 },
      reward_fn: 'db-hash',
      reward_fn_version: '1',
      source: 'online',
      details: '{"gt_data_hash":"abc"}',
    },
    RolloutCompleted: {
      ...env(4),
      termination_reason: 'user_stop',
      num_turns: 9,
      final_state_hash: 'abc',
      duration_ms: 41_250,
    },
    TaskDefined: {
      event_id: `${task_id}-def`,
      task_id,
      domain: 'retail',
      description: 'Return a lamp bought last week.',
      user_instruction: 'You are Ana; you want to return a lamp.',
      evaluation: JSON.stringify({ expected_state_hash: 'abc', outputs: [], actions: [] }),
      occurred_at: at,
    },
    BatchAssembled: {
      event_id: `${run_id}-batch-0`,
      batch_id: `${run_id}-batch-0`,
      run_id,
      sequence: 0,
      group_ids: [group_id],
      rollout_ids: [rollout_id],
      advantage_mode: 'grpo',
      reward_fn: 'db-hash',
      reward_fn_version: '1',
      min_policy_version: 12,
      max_policy_version: 12,
      payload_jsonl: `batches/${run_id}/0.jsonl`,
      payload_parquet: `batches/${run_id}/0.parquet`,
      occurred_at: at + 5,
    },
  };
}

/** The events of exampleEvents() as a list of typed events, in publication order. */
export function exampleEventList(ids: ExampleIds = {}): TypedEvent[] {
  const e = exampleEvents(ids);
  return (Object.keys(e) as (keyof EventTypes)[]).map((type) => ({ type, data: e[type] }) as TypedEvent);
}
