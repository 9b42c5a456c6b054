import type { Knex } from 'knex';
import type { GroupFilterReason } from '@rollout-ledger/grpo';
import type { GroupStatus } from './group.repository';

export interface GroupSummary {
  readonly group_id: string;
  readonly run_id: string | null;
  readonly status: GroupStatus;
  readonly batch_id: string | null;
  readonly ready_at: number | null;
  readonly first_event_at: number | null;
  readonly reason: GroupFilterReason | null;
  readonly message: string | null;
  readonly members: number;
  readonly updated_at: string;
}

export interface GroupFilterEntry {
  readonly group_id: string;
  readonly run_id: string | null;
  readonly reason: GroupFilterReason;
  readonly message: string;
  readonly rollout_ids: readonly string[];
  readonly trainer_policy_version: number | null;
  readonly filtered_at: string;
}

export interface GroupQuery {
  readonly status?: GroupStatus;
  readonly runId?: string;
  readonly limit: number;
}

export interface FilterQuery {
  readonly runId?: string;
  readonly reason?: GroupFilterReason;
  readonly limit: number;
}

export async function listGroups(db: Knex, assembler: string, query: GroupQuery): Promise<GroupSummary[]> {
  const q = db('grpo_groups as g')
    .leftJoin('grpo_group_filters as f', function joinFilter() {
      this.on('f.assembler', 'g.assembler').andOn('f.group_id', 'g.group_id');
    })
    .where('g.assembler', assembler);
  if (query.status !== undefined) q.where('g.status', query.status);
  if (query.runId !== undefined) q.where('g.run_id', query.runId);
  const rows = await q
    .orderBy([{ column: 'g.updated_at', order: 'desc' }, { column: 'g.group_id' }])
    .limit(query.limit)
    .select('g.group_id', 'g.run_id', 'g.status', 'g.batch_id', 'g.ready_at', 'g.first_event_at', 'g.state', 'g.updated_at', 'f.reason', 'f.message');
  return rows.map((r: Record<string, unknown>) => ({
    group_id: r.group_id as string,
    run_id: r.run_id as string | null,
    status: r.status as GroupStatus,
    batch_id: r.batch_id as string | null,
    ready_at: r.ready_at === null ? null : Number(r.ready_at),
    first_event_at: r.first_event_at === null ? null : Number(r.first_event_at),
    reason: (r.reason as GroupFilterReason | null) ?? null,
    message: (r.message as string | null) ?? null,
    members: Object.keys((r.state as { members?: object }).members ?? {}).length,
    updated_at: (r.updated_at as Date).toISOString(),
  }));
}

export async function listFilteredGroups(db: Knex, assembler: string, query: FilterQuery): Promise<GroupFilterEntry[]> {
  const q = db('grpo_group_filters').where('assembler', assembler);
  if (query.runId !== undefined) q.where('run_id', query.runId);
  if (query.reason !== undefined) q.where('reason', query.reason);
  const rows = await q.orderBy([{ column: 'filtered_at' }, { column: 'group_id' }]).limit(query.limit).select('*');
  return rows.map((r: Record<string, unknown>) => ({
    group_id: r.group_id as string,
    run_id: r.run_id as string | null,
    reason: r.reason as GroupFilterReason,
    message: r.message as string,
    rollout_ids: r.rollout_ids as string[],
    trainer_policy_version: r.trainer_policy_version === null ? null : Number(r.trainer_policy_version),
    filtered_at: (r.filtered_at as Date).toISOString(),
  }));
}

/** One group with its folded state and decision, for audits. */
export async function findGroup(db: Knex, assembler: string, groupId: string): Promise<Record<string, unknown> | null> {
  const row = await db('grpo_groups').where({ assembler, group_id: groupId }).first('group_id', 'run_id', 'status', 'batch_id', 'ready_at', 'state', 'decision', 'updated_at');
  if (row === undefined) return null;
  return { ...row, ready_at: row.ready_at === null ? null : Number(row.ready_at) };
}
