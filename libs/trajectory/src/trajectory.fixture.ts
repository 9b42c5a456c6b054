import type { RolloutEvent, RolloutEventType, EventTypes } from '@rollout-ledger/contracts';

// Test-only builders (imported by the specs of this lib; not exported from index.ts).
const envelope = { rollout_id: 'r-1', group_id: 'g-1', run_id: 'run-1' };

export function started(overrides: Partial<EventTypes['RolloutStarted']> = {}): RolloutEvent {
  return event('RolloutStarted', {
    ...envelope,
    event_id: 'e-start',
    occurred_at: 1_000,
    task_id: 'retail-0',
    domain: 'retail',
    group_size: 4,
    policy_version: 7,
    attempt: 2,
    system_prompt: 'You are a retail agent.',
    tools: '[{"type":"function","function":{"name":"get_order_details","parameters":{}}}]',
    user_simulator: null,
    sampling: null,
    labels: {},
    ...overrides,
  });
}

export function turn(turn_index: number, overrides: Partial<EventTypes['TurnRecorded']> = {}): RolloutEvent {
  return event('TurnRecorded', {
    ...envelope,
    event_id: `e-turn-${turn_index}`,
    occurred_at: 1_000 + 10 * (turn_index + 1),
    turn_index,
    role: 'user',
    content: `message ${turn_index}`,
    tool_calls: [],
    tool_call_id: null,
    name: null,
    trainable: false,
    token_ids: null,
    logprobs: null,
    policy_version: null,
    usage: null,
    ...overrides,
  });
}

export function toolCall(tool_call_id: string, overrides: Partial<EventTypes['ToolCallRecorded']> = {}): RolloutEvent {
  return event('ToolCallRecorded', {
    ...envelope,
    event_id: `e-tool-${tool_call_id}`,
    occurred_at: 1_025,
    tool_call_id,
    name: 'get_order_details',
    arguments: '{"order_id":"#W1"}',
    requestor: 'assistant',
    turn_index: 1,
    result: '{"status":"delivered"}',
    error: null,
    status: 'ok',
    latency_ms: 12,
    ...overrides,
  });
}

export function reward(overrides: Partial<EventTypes['RewardAssigned']> = {}): RolloutEvent {
  return event('RewardAssigned', {
    ...envelope,
    event_id: 'e-reward',
    occurred_at: 1_100,
    reward: 1,
    components: { db_match: 1 },
    reward_fn: 'db-hash',
    reward_fn_version: '1',
    source: 'online',
    details: null,
    ...overrides,
  });
}

export function completed(overrides: Partial<EventTypes['RolloutCompleted']> = {}): RolloutEvent {
  return event('RolloutCompleted', {
    ...envelope,
    event_id: 'e-done',
    occurred_at: 1_090,
    termination_reason: 'user_stop',
    num_turns: 4,
    final_state_hash: 'abc',
    duration_ms: null,
    ...overrides,
  });
}

function event<T extends RolloutEventType>(type: T, data: EventTypes[T]): RolloutEvent {
  return { type, data } as RolloutEvent;
}
