import type { RewardAssigned, RolloutEvent, TaskDefined, TypedEvent } from '@rollout-ledger/contracts';

// Test-only builders for this lib's specs and integration specs (not exported from index.ts).

export interface FixtureRollout {
  readonly rollout_id: string;
  readonly group_id: string;
  readonly run_id: string;
  readonly task_id: string;
  readonly domain?: string;
  readonly final_state_hash: string | null;
  /** What the assistant says, one turn each (user turns are interleaved). */
  readonly says: readonly string[];
  /** The online reward recorded with the rollout (db-hash@1, source online); none when null. */
  readonly online: number | null;
  readonly at: number;
}

export function rolloutEvents(r: FixtureRollout): RolloutEvent[] {
  const env = (n: number) => ({ event_id: `${r.rollout_id}-e${n}`, rollout_id: r.rollout_id, group_id: r.group_id, run_id: r.run_id, occurred_at: r.at + n });
  const events: RolloutEvent[] = [
    {
      type: 'RolloutStarted',
      data: {
        ...env(0),
        task_id: r.task_id,
        domain: r.domain ?? 'retail',
        group_size: 4,
        policy_version: 3,
        attempt: 0,
        system_prompt: 'You are a support agent.',
        tools: '[]',
        user_simulator: null,
        sampling: null,
        labels: {},
      },
    },
  ];
  r.says.forEach((content, i) => {
    events.push({ type: 'TurnRecorded', data: { ...env(1 + 2 * i), ...turn(2 * i, 'user', 'help me') } });
    events.push({ type: 'TurnRecorded', data: { ...env(2 + 2 * i), ...turn(2 * i + 1, 'assistant', content) } });
  });
  const end = 1 + 2 * r.says.length;
  events.push({
    type: 'RolloutCompleted',
    data: { ...env(end), termination_reason: 'user_stop', num_turns: 2 * r.says.length, final_state_hash: r.final_state_hash, duration_ms: 1000 },
  });
  if (r.online !== null) events.push({ type: 'RewardAssigned', data: onlineReward(env(end + 1), r.online) });
  return events;
}

function turn(turn_index: number, role: 'user' | 'assistant', content: string) {
  return { turn_index, role, content, tool_calls: [], tool_call_id: null, name: null, trainable: role === 'assistant', token_ids: null, logprobs: null, policy_version: null, usage: null };
}

function onlineReward(envelope: { event_id: string; rollout_id: string; group_id: string; run_id: string; occurred_at: number }, reward: number): RewardAssigned {
  return { ...envelope, reward, components: { db_match: reward }, reward_fn: 'db-hash', reward_fn_version: '1', source: 'online', details: null };
}

export function taskDefinition(task_id: string, domain: string, expected_state_hash: string | null, outputs: readonly string[] = [], at = 1): TaskDefined {
  return { event_id: `${task_id}-def`, task_id, domain, description: null, user_instruction: null, evaluation: JSON.stringify({ expected_state_hash, outputs }), occurred_at: at };
}

export function asTyped(events: readonly RolloutEvent[]): TypedEvent[] {
  return events.map((e) => e as TypedEvent);
}
