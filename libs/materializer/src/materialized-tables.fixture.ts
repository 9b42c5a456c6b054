import type { Pool } from 'pg';
import type { TypedEvent } from '@rollout-ledger/contracts';
import { projectEvent } from './event-rows.projection';
import { applyWrites, emptyTables, type MaterializedTables } from './in-memory-tables';

/**
 * Test helpers: the rows a set of rollouts / tasks has in Postgres, and what the in-memory model
 * says they should be, in one comparable shape (JSON columns parsed, timestamps as epoch ms, int64
 * as numbers, logprobs as float32).
 */
export interface Comparable {
  readonly events: Record<string, { type: string; payload: unknown }>;
  readonly rollouts: Record<string, unknown>;
  readonly turns: Record<string, unknown>;
  readonly toolCalls: Record<string, unknown>;
  readonly rewards: Record<string, unknown>;
  readonly tasks: Record<string, unknown>;
}

const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
const ms = (value: Date | null): number | null => (value === null ? null : value.getTime());
const num = (value: string | number | null): number | null => (value === null ? null : Number(value));
const f32 = (values: readonly number[] | null): number[] | null => (values === null ? null : values.map((v) => Math.fround(v)));

export function expectedTables(events: readonly TypedEvent[]): Comparable {
  return comparableModel(applyWrites(emptyTables(), events.map((event, i) => projectEvent(event, { topic: 't', partition: 0, offset: String(i), schemaId: 0 }))));
}

export function comparableModel(tables: MaterializedTables): Comparable {
  const out = { events: {}, rollouts: {}, turns: {}, toolCalls: {}, rewards: {}, tasks: {} } as Record<keyof Comparable, Record<string, unknown>>;
  for (const row of tables.events.values()) out.events[row.event_id] = { type: row.event_type, payload: JSON.parse(row.payload) };
  for (const r of tables.rollouts.values()) {
    out.rollouts[r.rollout_id] = {
      run_id: r.run_id,
      group_id: r.group_id,
      start: r.start && { ...r.start, tools: json(r.start.tools), user_simulator: json(r.start.user_simulator), sampling: json(r.start.sampling), labels: json(r.start.labels) },
      completion: r.completion,
      counters: [r.turn_count, r.tool_call_count, r.tool_error_count],
      status: r.completion ? 'completed' : 'running',
    };
  }
  for (const t of tables.turns.values()) out.turns[`${t.rollout_id}/${t.turn_index}`] = { ...t, tool_calls: json(t.tool_calls), usage: json(t.usage), logprobs: f32(t.logprobs) };
  for (const c of tables.toolCalls.values()) out.toolCalls[`${c.rollout_id}/${c.tool_call_id}`] = { ...c };
  for (const w of tables.rewards.values()) out.rewards[w.event_id] = { ...w, components: json(w.components), details: json(w.details) };
  for (const k of tables.tasks.values()) out.tasks[k.task_id] = { ...k, evaluation: json(k.evaluation) };
  return out as unknown as Comparable;
}

export async function readTables(pool: Pool, scope: { rolloutIds: readonly string[]; taskIds: readonly string[] }): Promise<Comparable> {
  const ids = [...scope.rolloutIds];
  const tasks = [...scope.taskIds];
  const out = { events: {}, rollouts: {}, turns: {}, toolCalls: {}, rewards: {}, tasks: {} } as Record<keyof Comparable, Record<string, unknown>>;
  const events = await pool.query(
    `select event_id, event_type, payload from events where rollout_id = any($1) or (event_type = 'TaskDefined' and payload->>'task_id' = any($2))`,
    [ids, tasks],
  );
  for (const e of events.rows) out.events[e.event_id] = { type: e.event_type, payload: e.payload };
  const rollouts = await pool.query('select * from rollouts where rollout_id = any($1)', [ids]);
  for (const r of rollouts.rows) {
    out.rollouts[r.rollout_id] = {
      run_id: r.run_id,
      group_id: r.group_id,
      start:
        r.started_event_id === null
          ? null
          : {
              event_id: r.started_event_id,
              occurred_at: ms(r.started_at),
              task_id: r.task_id,
              domain: r.domain,
              group_size: r.group_size,
              policy_version: num(r.policy_version),
              attempt: r.attempt,
              system_prompt: r.system_prompt,
              tools: r.tools,
              user_simulator: r.user_simulator,
              sampling: r.sampling,
              labels: r.labels,
            },
      completion:
        r.completed_event_id === null
          ? null
          : {
              event_id: r.completed_event_id,
              occurred_at: ms(r.completed_at),
              termination_reason: r.termination_reason,
              num_turns: r.num_turns,
              final_state_hash: r.final_state_hash,
              duration_ms: num(r.duration_ms),
            },
      counters: [r.turn_count, r.tool_call_count, r.tool_error_count],
      status: r.status,
    };
  }
  const turns = await pool.query('select * from turns where rollout_id = any($1)', [ids]);
  for (const t of turns.rows) {
    out.turns[`${t.rollout_id}/${t.turn_index}`] = {
      event_id: t.event_id,
      occurred_at: ms(t.occurred_at),
      rollout_id: t.rollout_id,
      turn_index: t.turn_index,
      role: t.role,
      content: t.content,
      tool_calls: t.tool_calls,
      tool_call_id: t.tool_call_id,
      name: t.name,
      trainable: t.trainable,
      token_ids: t.token_ids,
      logprobs: f32(t.logprobs),
      policy_version: num(t.policy_version),
      usage: t.usage,
    };
  }
  const calls = await pool.query('select * from tool_calls where rollout_id = any($1)', [ids]);
  for (const c of calls.rows) {
    out.toolCalls[`${c.rollout_id}/${c.tool_call_id}`] = {
      event_id: c.event_id,
      occurred_at: ms(c.occurred_at),
      rollout_id: c.rollout_id,
      tool_call_id: c.tool_call_id,
      name: c.name,
      arguments: c.arguments,
      requestor: c.requestor,
      turn_index: c.turn_index,
      result: c.result,
      error: c.error,
      status: c.status,
      latency_ms: c.latency_ms,
    };
  }
  const rewards = await pool.query('select * from rewards where rollout_id = any($1)', [ids]);
  for (const w of rewards.rows) {
    out.rewards[w.event_id] = {
      event_id: w.event_id,
      occurred_at: ms(w.occurred_at),
      rollout_id: w.rollout_id,
      group_id: w.group_id,
      run_id: w.run_id,
      reward: w.reward,
      components: w.components,
      reward_fn: w.reward_fn,
      reward_fn_version: w.reward_fn_version,
      source: w.source,
      details: w.details,
    };
  }
  const taskRows = await pool.query('select * from tasks where task_id = any($1)', [tasks]);
  for (const k of taskRows.rows) {
    out.tasks[k.task_id] = {
      event_id: k.event_id,
      occurred_at: ms(k.defined_at),
      task_id: k.task_id,
      domain: k.domain,
      description: k.description,
      user_instruction: k.user_instruction,
      evaluation: k.evaluation,
    };
  }
  return out as unknown as Comparable;
}
