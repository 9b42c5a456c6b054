import { compareStamps } from '@rollout-ledger/trajectory';
import type { BatchWrites, CountedRollout, RolloutPatch, RowWrites, Stamp, TaskRow, ToolCallRow, TurnRow, RewardRow } from './row-writes';

/**
 * The merge rules of the materialized tables, shared by the in-memory tables and mirrored by the
 * SQL upserts (materializer.sql.ts). Each rule is commutative, associative and idempotent, which is
 * what makes the tables independent of delivery order:
 * - a keyed row (turn, tool call, reward identity, task) keeps the write with the greater stamp;
 * - the start / completion columns of a rollout likewise, each group on its own stamp;
 * - run_id / group_id keep the smaller id (they only differ on corrupt input);
 * - counters are recounted from the child rows, never incremented.
 * Stamps compare event_ids by UTF-16 code unit, as Postgres `COLLATE "C"` does for ASCII ids.
 */
export function newer<T extends Stamp>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareStamps(b, a) > 0 ? b : a;
}

export function minId(a: string, b: string): string {
  return b < a ? b : a;
}

export function mergeRolloutPatch(a: RolloutPatch, b: RolloutPatch): RolloutPatch {
  return {
    rollout_id: a.rollout_id,
    run_id: minId(a.run_id, b.run_id),
    group_id: minId(a.group_id, b.group_id),
    start: newer(a.start, b.start),
    completion: newer(a.completion, b.completion),
  };
}

export const rowKeys = {
  turn: (row: TurnRow) => `${row.rollout_id}\u0000${row.turn_index}`,
  toolCall: (row: ToolCallRow) => `${row.rollout_id}\u0000${row.tool_call_id}`,
  reward: (row: RewardRow) => `${row.rollout_id}\u0000${row.reward_fn}\u0000${row.reward_fn_version}\u0000${row.source}`,
  task: (row: TaskRow) => row.task_id,
} as const;

function keepNewer<T extends Stamp>(map: Map<string, T>, key: string, row: T): void {
  map.set(key, newer(map.get(key) ?? null, row) as T);
}

/**
 * Reduces the writes of new events to one write per row key (an upsert statement may touch a row
 * only once). The result does not depend on the order of `writes`; an event_id seen twice counts once.
 */
export function reduceWrites(writes: readonly RowWrites[]): BatchWrites {
  const events = new Map<string, RowWrites['event']>();
  const rollouts = new Map<string, RolloutPatch>();
  const turns = new Map<string, TurnRow>();
  const toolCalls = new Map<string, ToolCallRow>();
  const rewards = new Map<string, RewardRow>();
  const tasks = new Map<string, TaskRow>();
  const recount = new Set<string>();
  for (const write of writes) {
    if (events.has(write.event.event_id)) continue;
    events.set(write.event.event_id, write.event);
    if (write.rollout) {
      const current = rollouts.get(write.rollout.rollout_id);
      rollouts.set(write.rollout.rollout_id, current ? mergeRolloutPatch(current, write.rollout) : write.rollout);
    }
    const row = write.row;
    if (row === null) continue;
    switch (row.table) {
      case 'turns':
        keepNewer(turns, rowKeys.turn(row.row), row.row);
        recount.add(row.row.rollout_id);
        break;
      case 'tool_calls':
        keepNewer(toolCalls, rowKeys.toolCall(row.row), row.row);
        recount.add(row.row.rollout_id);
        break;
      case 'rewards':
        keepNewer(rewards, rowKeys.reward(row.row), row.row);
        break;
      case 'tasks':
        keepNewer(tasks, rowKeys.task(row.row), row.row);
        break;
      default: {
        const unknown: never = row;
        throw new Error(`unknown table ${(unknown as { table: string }).table}`);
      }
    }
  }
  return {
    events: [...events.values()],
    rollouts: [...rollouts.values()],
    turns: [...turns.values()],
    toolCalls: [...toolCalls.values()],
    rewards: [...rewards.values()],
    tasks: [...tasks.values()],
    recount: [...recount],
  };
}

/** A failed tool call: not `ok`, or an error recorded (the definition of tool_error_count). */
export function isToolError(row: Pick<ToolCallRow, 'status' | 'error'>): boolean {
  return row.status !== 'ok' || row.error !== null;
}

/** Each rollout of a reduced batch with the counters of the batch's own turns and tool calls. */
export function countedRollouts(batch: Pick<BatchWrites, 'rollouts' | 'turns' | 'toolCalls'>): CountedRollout[] {
  const counts = new Map<string, { turns: number; calls: number; errors: number }>();
  const of = (rolloutId: string) => {
    let c = counts.get(rolloutId);
    if (c === undefined) counts.set(rolloutId, (c = { turns: 0, calls: 0, errors: 0 }));
    return c;
  };
  for (const turn of batch.turns) of(turn.rollout_id).turns++;
  for (const call of batch.toolCalls) {
    const c = of(call.rollout_id);
    c.calls++;
    if (isToolError(call)) c.errors++;
  }
  return batch.rollouts.map((patch) => {
    const c = counts.get(patch.rollout_id);
    return { patch, turn_count: c?.turns ?? 0, tool_call_count: c?.calls ?? 0, tool_error_count: c?.errors ?? 0 };
  });
}
