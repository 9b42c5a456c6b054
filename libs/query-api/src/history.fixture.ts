import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { RolloutEvent } from '@rollout-ledger/contracts';
import { buildTrajectory, type Trajectory } from '@rollout-ledger/trajectory';

/**
 * Test-only: writes rollouts into the history tables the way the materializer projects them
 * (events with made-up Kafka coordinates, rollouts, turns, tool_calls, rewards), for tests that
 * need data without running Kafka. Each test passes its own random run_id and removes its rows.
 */
export interface GroupSpec {
  readonly run_id: string;
  readonly group_id?: string;
  readonly task_id: string;
  readonly domain?: string;
  readonly policy_version?: number;
  /** One entry per member: its online reward (null = not scored yet). */
  readonly rewards: ReadonlyArray<number | null>;
  /** A replay reward per member, recorded as db-hash-outputs@1 (source replay). */
  readonly replayRewards?: ReadonlyArray<number>;
  readonly toolError?: ReadonlyArray<boolean>;
  readonly terminationReason?: string;
  readonly startAt?: number;
  readonly withTokens?: boolean;
}

export function groupEvents(spec: GroupSpec): RolloutEvent[][] {
  const group_id = spec.group_id ?? `g-${randomUUID()}`;
  const at = spec.startAt ?? Date.UTC(2026, 0, 1);
  return spec.rewards.map((reward, attempt) => {
    const rollout_id = `${group_id}-r${attempt}`;
    let n = 0;
    const env = () => ({ event_id: `${rollout_id}-e${n}`, rollout_id, group_id, run_id: spec.run_id, occurred_at: at + attempt * 1000 + n++ });
    const callId = `call-${attempt}`;
    const failed = spec.toolError?.[attempt] === true;
    const tokens = spec.withTokens === true;
    const events: RolloutEvent[] = [
      {
        type: 'RolloutStarted',
        data: {
          ...env(),
          task_id: spec.task_id,
          domain: spec.domain ?? 'retail',
          group_size: spec.rewards.length,
          policy_version: spec.policy_version ?? 1,
          attempt,
          system_prompt: 'You are a retail agent. Be brief.',
          tools: JSON.stringify([{ type: 'function', function: { name: 'get_order', description: 'look up an order', parameters: { type: 'object', properties: { order_id: { type: 'string' } } } } }]),
          user_simulator: { model: 'sim-1', instruction: 'You want order #W1 refunded.' },
          sampling: { temperature: 1, top_p: 1, max_tokens: 512 },
          labels: { suite: 'fixture' },
        },
      },
      turn(env(), 0, 'user', `Hi, where is my order #W${attempt}?`, { token_ids: tokens ? [1, 2, 3] : null }),
      turn(env(), 1, 'assistant', null, {
        trainable: true,
        tool_calls: [{ id: callId, name: 'get_order', arguments: JSON.stringify({ order_id: `#W${attempt}` }) }],
        token_ids: tokens ? [10, 11] : null,
        logprobs: tokens ? [-0.1, -0.2] : null,
      }),
      {
        type: 'ToolCallRecorded',
        data: {
          ...env(),
          tool_call_id: callId,
          name: 'get_order',
          arguments: JSON.stringify({ order_id: `#W${attempt}` }),
          requestor: 'assistant',
          turn_index: 1,
          result: failed ? null : JSON.stringify({ status: 'delivered', attempt }),
          error: failed ? 'order service timed out' : null,
          status: failed ? 'error' : 'ok',
          latency_ms: 12 + attempt,
        },
      },
      turn(env(), 2, 'tool', failed ? 'Error: order service timed out' : JSON.stringify({ status: 'delivered', attempt }), {
        tool_call_id: callId,
        name: 'get_order',
        token_ids: tokens ? [20] : null,
      }),
      turn(env(), 3, 'assistant', `Your order #W${attempt} was delivered.`, { trainable: true, token_ids: tokens ? [30, 31, 32] : null, logprobs: tokens ? [-0.3, -0.4, -0.5] : null }),
      {
        type: 'RolloutCompleted',
        data: { ...env(), termination_reason: spec.terminationReason ?? 'user_stop', num_turns: 4, final_state_hash: `hash-${attempt}`, duration_ms: 1500 },
      },
    ];
    if (reward !== null) {
      events.push({
        type: 'RewardAssigned',
        data: { ...env(), reward, components: { db_match: reward }, reward_fn: 'db-hash', reward_fn_version: '1', source: 'online', details: JSON.stringify({ note: 'fixture' }) },
      });
    }
    const replay = spec.replayRewards?.[attempt];
    if (replay !== undefined) {
      events.push({
        type: 'RewardAssigned',
        data: { ...env(), reward: replay, components: { db_match: replay, outputs: replay }, reward_fn: 'db-hash-outputs', reward_fn_version: '1', source: 'replay', details: null },
      });
    }
    return events;
  });
}

function turn(
  envelope: { event_id: string; rollout_id: string; group_id: string; run_id: string; occurred_at: number },
  turn_index: number,
  role: 'user' | 'assistant' | 'tool' | 'system',
  content: string | null,
  extra: Partial<Extract<RolloutEvent, { type: 'TurnRecorded' }>['data']> = {},
): RolloutEvent {
  return {
    type: 'TurnRecorded',
    data: {
      ...envelope,
      turn_index,
      role,
      content,
      tool_calls: [],
      tool_call_id: null,
      name: null,
      trainable: false,
      token_ids: null,
      logprobs: null,
      policy_version: null,
      usage: null,
      ...extra,
    },
  };
}

/** Inserts the events of each rollout and the rows they project to. Returns the trajectories. */
export async function insertHistory(db: Knex, rollouts: readonly RolloutEvent[][], topic = 'fixture.rollout.events'): Promise<Trajectory[]> {
  const trajectories: Trajectory[] = [];
  let offset = Math.floor(Math.random() * 1e9);
  for (const events of rollouts) {
    const t = buildTrajectory(events);
    trajectories.push(t);
    await db('events').insert(
      events.map((event) => ({
        event_id: event.data.event_id,
        event_type: event.type,
        rollout_id: event.data.rollout_id,
        group_id: event.data.group_id,
        run_id: event.data.run_id,
        topic,
        partition: 0,
        offset: offset++,
        schema_id: 100 + events.indexOf(event) % 5,
        occurred_at: new Date(event.data.occurred_at),
        payload: JSON.stringify(event.data),
      })),
    );
    const calls = Object.values(t.tool_calls);
    await db('rollouts').insert({
      rollout_id: t.rollout_id,
      run_id: t.run_id,
      group_id: t.group_id,
      task_id: t.task_id,
      domain: t.domain,
      group_size: t.group_size,
      policy_version: t.policy_version,
      attempt: t.attempt,
      system_prompt: t.system_prompt,
      tools: JSON.stringify(t.tools),
      user_simulator: JSON.stringify(t.user_simulator),
      sampling: JSON.stringify(t.sampling),
      labels: JSON.stringify(t.labels),
      started_at: t.started_at === null ? null : new Date(t.started_at),
      termination_reason: t.termination_reason,
      num_turns: t.num_turns,
      final_state_hash: t.final_state_hash,
      duration_ms: t.reported_duration_ms,
      completed_at: t.completed_at === null ? null : new Date(t.completed_at),
      turn_count: t.turns.length,
      tool_call_count: calls.length,
      tool_error_count: calls.filter((call) => call.error !== null).length,
    });
    if (t.turns.length > 0) {
      await db('turns').insert(
        t.turns.map((turn) => ({
          rollout_id: t.rollout_id,
          turn_index: turn.turn_index,
          event_id: turn.event_id,
          role: turn.role,
          content: turn.content,
          tool_calls: JSON.stringify(turn.tool_calls),
          tool_call_id: turn.tool_call_id,
          name: turn.name,
          trainable: turn.trainable,
          token_ids: turn.token_ids,
          logprobs: turn.logprobs,
          policy_version: turn.policy_version,
          usage: turn.usage === null ? null : JSON.stringify(turn.usage),
          occurred_at: new Date(turn.occurred_at),
        })),
      );
    }
    if (calls.length > 0) {
      await db('tool_calls').insert(calls.map((call) => ({ rollout_id: t.rollout_id, ...call, event_id: call.event_id, occurred_at: new Date(call.occurred_at) })));
    }
    if (t.rewards.length > 0) {
      await db('rewards').insert(
        t.rewards.map((reward) => ({
          event_id: reward.event_id,
          rollout_id: t.rollout_id,
          group_id: t.group_id,
          run_id: t.run_id,
          reward: reward.reward,
          components: JSON.stringify(reward.components),
          reward_fn: reward.reward_fn,
          reward_fn_version: reward.reward_fn_version,
          source: reward.source,
          details: reward.details,
          occurred_at: new Date(reward.occurred_at),
        })),
      );
    }
  }
  return trajectories;
}

/** Removes every row of a run (what the test inserted, nothing else). */
export async function deleteRun(db: Knex, runId: string): Promise<void> {
  const ids = db('rollouts').select('rollout_id').where({ run_id: runId });
  await db('turns').whereIn('rollout_id', ids.clone()).delete();
  await db('tool_calls').whereIn('rollout_id', ids.clone()).delete();
  await db('rewards').where({ run_id: runId }).delete();
  await db('events').where({ run_id: runId }).delete();
  await db('rollouts').where({ run_id: runId }).delete();
}
