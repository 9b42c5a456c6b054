import type { Knex } from 'knex';
import type { BatchMember } from '@rollout-ledger/grpo';
import type { BatchRecord, BatchStatus } from './batch.record';

export interface NewBatch extends Omit<BatchRecord, 'status' | 'lease_id' | 'leased_by' | 'lease_expires_at' | 'delivery_count' | 'published_at' | 'acked_at'> {
  /** The members' scalars, in batch order (their payload lives in the files). */
  readonly members: readonly (Pick<BatchMember, 'rollout_id' | 'group_id' | 'task_id' | 'policy_version' | 'attempt' | 'reward' | 'advantage'> & { readonly reward_event_id: string })[];
}

export interface BatchRow {
  batch_id: string;
  event_id: string;
  run_id: string;
  sequence: string;
  group_ids: string[];
  rollout_ids: string[];
  member_count: number;
  advantage_mode: string;
  reward_fn: string;
  reward_fn_version: string;
  min_policy_version: string;
  max_policy_version: string;
  payload_jsonl: string;
  payload_parquet: string;
  last_ready_at: string;
  status: BatchStatus;
  lease_id: string | null;
  leased_by: string | null;
  lease_expires_at: Date | null;
  delivery_count: number;
  created_at: Date;
  published_at: Date | null;
  acked_at: Date | null;
}

export const BATCH_COLUMNS = [
  'batch_id',
  'event_id',
  'run_id',
  'sequence',
  'group_ids',
  'rollout_ids',
  'member_count',
  'advantage_mode',
  'reward_fn',
  'reward_fn_version',
  'min_policy_version',
  'max_policy_version',
  'payload_jsonl',
  'payload_parquet',
  'last_ready_at',
  'status',
  'lease_id',
  'leased_by',
  'lease_expires_at',
  'delivery_count',
  'created_at',
  'published_at',
  'acked_at',
] as const;

export function toBatchRecord(row: BatchRow): BatchRecord {
  return {
    ...row,
    sequence: Number(row.sequence),
    min_policy_version: Number(row.min_policy_version),
    max_policy_version: Number(row.max_policy_version),
    last_ready_at: Number(row.last_ready_at),
    lease_expires_at: row.lease_expires_at?.getTime() ?? null,
    created_at: row.created_at.getTime(),
    published_at: row.published_at?.getTime() ?? null,
    acked_at: row.acked_at?.getTime() ?? null,
  };
}

/**
 * Writes a batch in one statement: its row, its members (one array per column, whatever the batch
 * size) and its groups marked batched. Idempotent on batch_id: a batch re-created after a crash
 * before commit is the same row, and its members are then not inserted again. (The members' and
 * groups' references to the new row are checked at the end of the statement, when it exists.)
 */
export async function insertBatch(tx: Knex.Transaction, assembler: string, batch: NewBatch): Promise<void> {
  const members = batch.members;
  await tx.raw(
    `with inserted as (
       insert into grpo_batches (batch_id, assembler, run_id, sequence, event_id, group_ids, rollout_ids, member_count, advantage_mode,
                                 reward_fn, reward_fn_version, min_policy_version, max_policy_version, payload_jsonl, payload_parquet,
                                 last_ready_at, status, created_at)
       values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'available', ?)
       on conflict (batch_id) do nothing
       returning batch_id
     ), members as (
       insert into grpo_batch_members (batch_id, position, rollout_id, group_id, task_id, policy_version, attempt, reward, advantage, reward_event_id)
       select inserted.batch_id, m.* from inserted,
         unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::int[], ?::float8[], ?::float8[], ?::text[])
           as m(position, rollout_id, group_id, task_id, policy_version, attempt, reward, advantage, reward_event_id)
     )
     update grpo_groups set status = 'batched', batch_id = ?, updated_at = now()
     where assembler = ? and group_id = any(?::text[])`,
    [
      batch.batch_id,
      assembler,
      batch.run_id,
      batch.sequence,
      batch.event_id,
      JSON.stringify(batch.group_ids),
      JSON.stringify(batch.rollout_ids),
      batch.member_count,
      batch.advantage_mode,
      batch.reward_fn,
      batch.reward_fn_version,
      batch.min_policy_version,
      batch.max_policy_version,
      batch.payload_jsonl,
      batch.payload_parquet,
      batch.last_ready_at,
      new Date(batch.created_at),
      members.map((_, position) => position),
      members.map((m) => m.rollout_id),
      members.map((m) => m.group_id),
      members.map((m) => m.task_id),
      members.map((m) => m.policy_version),
      members.map((m) => m.attempt),
      members.map((m) => m.reward),
      members.map((m) => m.advantage),
      members.map((m) => m.reward_event_id),
      batch.batch_id,
      assembler,
      [...batch.group_ids],
    ],
  );
}

export async function unpublishedBatches(db: Knex, assembler: string, limit: number): Promise<BatchRecord[]> {
  const rows = await db('grpo_batches')
    .where('assembler', assembler)
    .whereNull('published_at')
    .orderBy([{ column: 'created_at' }, { column: 'run_id' }, { column: 'sequence' }])
    .limit(limit)
    .select([...BATCH_COLUMNS]);
  return (rows as BatchRow[]).map(toBatchRecord);
}

export async function markPublished(db: Knex, batchId: string, at: number): Promise<void> {
  await db('grpo_batches').where('batch_id', batchId).whereNull('published_at').update({ published_at: new Date(at) });
}

export async function findBatch(db: Knex | Knex.Transaction, assembler: string, batchId: string, lock = false): Promise<BatchRecord | null> {
  const query = db('grpo_batches').where({ assembler, batch_id: batchId });
  if (lock) query.forUpdate();
  const row = (await query.first([...BATCH_COLUMNS])) as BatchRow | undefined;
  return row === undefined ? null : toBatchRecord(row);
}

export interface BatchFilter {
  readonly runId?: string;
  readonly status?: BatchStatus;
  readonly limit: number;
}

export async function listBatches(db: Knex, assembler: string, filter: BatchFilter): Promise<BatchRecord[]> {
  const query = db('grpo_batches').where('assembler', assembler);
  if (filter.runId !== undefined) query.where('run_id', filter.runId);
  if (filter.status !== undefined) query.where('status', filter.status);
  const rows = await query.orderBy([{ column: 'created_at' }, { column: 'run_id' }, { column: 'sequence' }]).limit(filter.limit).select([...BATCH_COLUMNS]);
  return (rows as BatchRow[]).map(toBatchRecord);
}

export interface StoredBatchMember {
  readonly position: number;
  readonly rollout_id: string;
  readonly group_id: string;
  readonly task_id: string;
  readonly policy_version: number;
  readonly attempt: number | null;
  readonly reward: number;
  readonly advantage: number;
  readonly reward_event_id: string;
}

export async function membersOf(db: Knex, batchId: string): Promise<StoredBatchMember[]> {
  const rows = await db('grpo_batch_members').where('batch_id', batchId).orderBy('position').select('*');
  return rows.map((r: Record<string, unknown>) => ({
    position: r.position as number,
    rollout_id: r.rollout_id as string,
    group_id: r.group_id as string,
    task_id: r.task_id as string,
    policy_version: Number(r.policy_version),
    attempt: r.attempt as number | null,
    reward: r.reward as number,
    advantage: r.advantage as number,
    reward_event_id: r.reward_event_id as string,
  }));
}
