import { isToolError, mergeRolloutPatch, newer, reduceWrites, rowKeys } from './row-merge';
import type { EventRow, RewardRow, RolloutPatch, RowWrites, TaskRow, ToolCallRow, TurnRow } from './row-writes';

export interface RolloutCounters {
  readonly turn_count: number;
  readonly tool_call_count: number;
  readonly tool_error_count: number;
}

/** The materialized tables as plain maps: the reference model of what the Postgres writer does. */
export interface MaterializedTables {
  readonly events: ReadonlyMap<string, EventRow>;
  readonly rollouts: ReadonlyMap<string, RolloutPatch & RolloutCounters>;
  readonly turns: ReadonlyMap<string, TurnRow>;
  readonly toolCalls: ReadonlyMap<string, ToolCallRow>;
  readonly rewards: ReadonlyMap<string, RewardRow>;
  readonly tasks: ReadonlyMap<string, TaskRow>;
}

export function emptyTables(): MaterializedTables {
  return { events: new Map(), rollouts: new Map(), turns: new Map(), toolCalls: new Map(), rewards: new Map(), tasks: new Map() };
}

/** A tool call counts as an error when it reports one or did not end `ok`. */
function upsert<T extends { event_id: string; occurred_at: number }>(map: Map<string, T>, key: string, row: T): void {
  map.set(key, newer(map.get(key) ?? null, row) as T);
}

/**
 * Applies one batch the way the writer's transaction does: events whose event_id is already stored
 * are dropped first (dedupe), the rest are reduced and merged into the rows. Pure: returns new maps.
 */
export function applyWrites(tables: MaterializedTables, writes: readonly RowWrites[]): MaterializedTables {
  const fresh = writes.filter((write) => !tables.events.has(write.event.event_id));
  const batch = reduceWrites(fresh);
  const events = new Map(tables.events);
  for (const row of batch.events) events.set(row.event_id, row);
  const turns = new Map(tables.turns);
  for (const row of batch.turns) upsert(turns, rowKeys.turn(row), row);
  const toolCalls = new Map(tables.toolCalls);
  for (const row of batch.toolCalls) upsert(toolCalls, rowKeys.toolCall(row), row);
  const rewards = new Map(tables.rewards);
  for (const row of batch.rewards) upsert(rewards, rowKeys.reward(row), row);
  const tasks = new Map(tables.tasks);
  for (const row of batch.tasks) upsert(tasks, rowKeys.task(row), row);
  const rollouts = new Map(tables.rollouts);
  for (const patch of batch.rollouts) {
    const current = rollouts.get(patch.rollout_id);
    const merged = current ? mergeRolloutPatch(current, patch) : patch;
    rollouts.set(patch.rollout_id, { ...merged, turn_count: current?.turn_count ?? 0, tool_call_count: current?.tool_call_count ?? 0, tool_error_count: current?.tool_error_count ?? 0 });
  }
  for (const rolloutId of batch.recount) {
    const current = rollouts.get(rolloutId);
    if (current) rollouts.set(rolloutId, { ...current, ...countRows(rolloutId, turns, toolCalls) });
  }
  return { events, rollouts, turns, toolCalls, rewards, tasks };
}

function countRows(rolloutId: string, turns: ReadonlyMap<string, TurnRow>, toolCalls: ReadonlyMap<string, ToolCallRow>): RolloutCounters {
  let turn_count = 0;
  for (const row of turns.values()) if (row.rollout_id === rolloutId) turn_count++;
  let tool_call_count = 0;
  let tool_error_count = 0;
  for (const row of toolCalls.values()) {
    if (row.rollout_id !== rolloutId) continue;
    tool_call_count++;
    if (isToolError(row)) tool_error_count++;
  }
  return { turn_count, tool_call_count, tool_error_count };
}
