import { ROLLOUT_EVENT_TYPES, validateEvent, type RolloutEvent, type RolloutEventType, type TaskDefined } from '@rollout-ledger/contracts';
import type { Database } from '@rollout-ledger/persistence';
import type { Knex } from 'knex';
import { describeBound, type ReplayBound } from './replay-bounds';
import type { ReadSummary, ReplayInput, ReplayReadHandlers } from './replay.ports';

export interface StoreReplayInputOptions {
  readonly db: Database;
  /** Rows of the event log are kept with the topic they were consumed from. */
  readonly eventsTopic: string;
  readonly runId?: string;
  readonly from?: ReplayBound;
  readonly to?: ReplayBound;
  readonly pageSize: number;
}

interface EventRow {
  readonly event_type: string;
  readonly partition: number;
  readonly offset: string;
  readonly payload: unknown;
}

interface TaskRow {
  readonly task_id: string;
  readonly event_id: string;
  readonly domain: string;
  readonly description: string | null;
  readonly user_instruction: string | null;
  readonly evaluation: unknown;
  readonly defined_at: Date;
}

/**
 * Replay input from the Postgres event log (`events`, written by the materializer with each event's
 * Kafka coordinates), for ranges Kafka no longer holds. Time bounds apply to `recorded_at` (when the
 * event reached the ledger, the store's counterpart of the Kafka timestamp); offset bounds to the
 * stored partition/offset. Pages by (partition, offset), so memory does not grow with the log.
 */
export class StoreReplayInput implements ReplayInput {
  constructor(private readonly options: StoreReplayInputOptions) {}

  get description(): string {
    const { eventsTopic, from, to, runId } = this.options;
    return `store events of ${eventsTopic}${runId ? ` run ${runId}` : ''} [${describeBound(from)} → ${describeBound(to)}), tasks from the tasks table`;
  }

  async read(handlers: ReplayReadHandlers): Promise<ReadSummary> {
    const { db, pageSize } = this.options;
    const tasks = (await db<TaskRow>('tasks').select('*')) as TaskRow[];
    for (const row of tasks) handlers.onTask(taskFromRow(row));
    const [{ count }] = (await this.filtered().count({ count: '*' })) as Array<{ count: string | number }>;
    const total = Number(count);
    handlers.onProgress(0, total);
    let read = 0;
    let undecodable = 0;
    let after: { partition: number; offset: string } | null = null;
    for (;;) {
      const query = this.filtered().select('event_type', 'partition', 'offset', 'payload').orderBy([{ column: 'partition' }, { column: 'offset' }]).limit(pageSize);
      if (after !== null) {
        const { partition, offset } = after;
        query.andWhere((q) => q.where('partition', '>', partition).orWhere((q2) => q2.where('partition', partition).andWhere('offset', '>', offset)));
      }
      const rows = (await query) as EventRow[];
      for (const row of rows) {
        const event = eventFromRow(row);
        if (event === null) undecodable += 1;
        else handlers.onEvent(event);
      }
      read += rows.length;
      handlers.onProgress(read, total);
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1];
      after = { partition: last.partition, offset: String(last.offset) };
    }
    return { events_read: read - undecodable, tasks_read: tasks.length, undecodable, notes: [] };
  }

  private filtered(): Knex.QueryBuilder {
    const { db, eventsTopic, runId, from, to } = this.options;
    const query = db('events').where('topic', eventsTopic).whereIn('event_type', [...ROLLOUT_EVENT_TYPES]);
    if (runId !== undefined) query.andWhere('run_id', runId);
    applyBound(query, from, '>=');
    applyBound(query, to, '<');
    return query;
  }
}

function applyBound(query: Knex.QueryBuilder, bound: ReplayBound | undefined, op: '>=' | '<'): void {
  if (bound === undefined) return;
  if (bound.kind === 'time') {
    query.andWhere('recorded_at', op, new Date(bound.at));
    return;
  }
  for (const [partition, offset] of bound.offsets) {
    query.andWhere((q) => q.whereNot('partition', partition).orWhere('offset', op, String(offset)));
  }
}

/** The stored payload back as an event; null when it is not a valid event of its type. */
export function eventFromRow(row: Pick<EventRow, 'event_type' | 'payload'>): RolloutEvent | null {
  if (!(ROLLOUT_EVENT_TYPES as readonly string[]).includes(row.event_type)) return null;
  const type = row.event_type as RolloutEventType;
  const data = typeof row.payload === 'string' ? safeParse(row.payload) : row.payload;
  if (validateEvent(type, data).length > 0) return null;
  return { type, data } as RolloutEvent;
}

export function taskFromRow(row: TaskRow): TaskDefined {
  return {
    event_id: row.event_id,
    task_id: row.task_id,
    domain: row.domain,
    description: row.description,
    user_instruction: row.user_instruction,
    evaluation: typeof row.evaluation === 'string' ? row.evaluation : JSON.stringify(row.evaluation),
    occurred_at: new Date(row.defined_at).getTime(),
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
