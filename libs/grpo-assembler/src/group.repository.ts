import type { Knex } from 'knex';
import type { FilteredGroup, GroupDecision, GroupState, ReadyGroup } from '@rollout-ledger/grpo';
import { UPSERT_CHECKPOINTS_SQL, checkpointBindings, writeCheckpoints, type CheckpointWrite } from './checkpoint.repository';
import type { GroupPosition } from './pending-events.buffer';

export type GroupStatus = 'pending' | 'ready' | 'batched' | 'filtered';

export interface StoredGroup extends GroupPosition {
  readonly status: GroupStatus;
}

type GroupRow = StoredGroup;

/** Columns read whenever a group may go into a batch: its state and where its events start. */
const GROUP_COLUMNS = ['group_id', 'status', 'state', 'kafka_topic', 'kafka_partition', 'first_offset'] as const;

/** The groups named that are still undecided (pending, or ready and waiting for a batch). */
export async function undecidedGroups(tx: Knex.Transaction, assembler: string, groupIds: readonly string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await tx('grpo_groups')
    .where('assembler', assembler)
    .whereIn('group_id', [...groupIds])
    .whereIn('status', ['pending', 'ready'])
    .select<{ group_id: string }[]>('group_id');
  return new Set(rows.map((r) => r.group_id));
}

/** The first offset of the oldest undecided group of a partition: where reading must start to rebuild them all. */
export async function oldestUndecidedOffset(tx: Knex.Transaction, assembler: string, topic: string, partition: number): Promise<bigint | null> {
  const row = await tx('grpo_groups')
    .where({ assembler, kafka_topic: topic, kafka_partition: partition })
    .whereIn('status', ['pending', 'ready'])
    .min<{ min: string | null }>('first_offset as min')
    .first();
  return row?.min === null || row?.min === undefined ? null : BigInt(row.min);
}

/** A group's new state and the decision taken on it in the same step. */
export interface GroupWrite {
  readonly group_id: string;
  readonly state: GroupState;
  readonly decision: GroupDecision;
  /** Where the group's first event sits; only written when the row is created. */
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: bigint;
}

/**
 * Writes every touched group of a step and the partitions' new checkpoints in one statement:
 * state, status and decision together, so a group that becomes ready costs no second round trip.
 * Rows are sorted by group_id so concurrent writers (another instance's sweep) always lock them in
 * the same order.
 */
export async function saveGroups(tx: Knex.Transaction, assembler: string, groups: readonly GroupWrite[], checkpoints: readonly CheckpointWrite[]): Promise<void> {
  if (groups.length === 0) return writeCheckpoints(tx, assembler, checkpoints);
  const sorted = [...groups].sort((a, b) => (a.group_id < b.group_id ? -1 : a.group_id > b.group_id ? 1 : 0));
  await tx.raw(
    `with checkpoints as (${UPSERT_CHECKPOINTS_SQL})
     insert into grpo_groups (assembler, group_id, run_id, status, state, decision, first_event_at, ready_at, kafka_topic, kafka_partition, first_offset, updated_at)
     select ?, g.group_id, g.run_id, g.status, g.state::jsonb, g.decision::jsonb, g.first_event_at, g.ready_at, g.kafka_topic, g.kafka_partition, g.first_offset, now()
     from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::bigint[])
       as g(group_id, run_id, status, state, decision, first_event_at, ready_at, kafka_topic, kafka_partition, first_offset)
     on conflict (assembler, group_id) do update set
       run_id = excluded.run_id, status = excluded.status, state = excluded.state, decision = excluded.decision,
       first_event_at = excluded.first_event_at, ready_at = excluded.ready_at, updated_at = excluded.updated_at,
       kafka_topic = coalesce(grpo_groups.kafka_topic, excluded.kafka_topic),
       kafka_partition = coalesce(grpo_groups.kafka_partition, excluded.kafka_partition),
       first_offset = coalesce(grpo_groups.first_offset, excluded.first_offset)`,
    [
      ...checkpointBindings(assembler, checkpoints),
      assembler,
      sorted.map((g) => g.group_id),
      sorted.map((g) => g.state.run_id),
      sorted.map((g) => g.decision.status),
      sorted.map((g) => JSON.stringify(g.state)),
      sorted.map((g) => (g.decision.status === 'pending' ? null : JSON.stringify(g.decision))),
      sorted.map((g) => g.state.first_event_at),
      sorted.map((g) => (g.decision.status === 'ready' ? g.decision.ready_at : null)),
      sorted.map((g) => g.topic),
      sorted.map((g) => g.partition),
      sorted.map((g) => g.firstOffset.toString()),
    ],
  );
}

export async function markReady(tx: Knex.Transaction, assembler: string, group: ReadyGroup): Promise<void> {
  await tx('grpo_groups')
    .where({ assembler, group_id: group.group_id })
    .update({ status: 'ready', decision: JSON.stringify(group), ready_at: group.ready_at, updated_at: tx.fn.now() });
}

export async function markFiltered(
  tx: Knex.Transaction,
  assembler: string,
  runId: string | null,
  group: FilteredGroup,
  trainerPolicyVersion: number | undefined,
  now: number,
): Promise<void> {
  await tx('grpo_groups')
    .where({ assembler, group_id: group.group_id })
    .update({ status: 'filtered', decision: JSON.stringify(group), updated_at: tx.fn.now() });
  await logFilter(tx, assembler, runId, group, trainerPolicyVersion, now);
}

/** The audit trail of a filter decision (idempotent per group). */
export async function logFilter(
  tx: Knex.Transaction,
  assembler: string,
  runId: string | null,
  group: FilteredGroup,
  trainerPolicyVersion: number | undefined,
  now: number,
): Promise<void> {
  await tx('grpo_group_filters')
    .insert({
      assembler,
      group_id: group.group_id,
      run_id: runId,
      reason: group.reason,
      message: group.message,
      rollout_ids: JSON.stringify(group.rollout_ids),
      trainer_policy_version: trainerPolicyVersion ?? null,
      filtered_at: new Date(now),
    })
    .onConflict(['assembler', 'group_id'])
    .ignore();
}

/** Pending groups the sweep must look at: those past the timeout, or all of them. */
export async function pendingGroups(tx: Knex.Transaction, assembler: string, startedBefore: number | null): Promise<StoredGroup[]> {
  const query = tx('grpo_groups').where({ assembler, status: 'pending' });
  if (startedBefore !== null) query.where('first_event_at', '<=', startedBefore);
  return (await query.forUpdate().select(...GROUP_COLUMNS)) as GroupRow[];
}

/** A run's ready groups, and the sequence number its next batch takes. */
export interface ReadyGroups {
  readonly groups: StoredGroup[];
  /** One past the run's highest batch sequence (0 for its first); null when no group was read. */
  readonly nextSequence: number | null;
}

/**
 * A run's ready groups, locked, with the run's next batch sequence in the same statement. With
 * `atLeast`, none unless the run has that many: the consumer's steps ask for a full batch's worth,
 * so a step that cannot fill a batch reads (and locks) no group rows, only counts them in the index.
 */
export async function readyGroupsOf(tx: Knex.Transaction, assembler: string, runId: string, atLeast = 0): Promise<ReadyGroups> {
  const query = tx('grpo_groups').where({ assembler, status: 'ready', run_id: runId });
  if (atLeast > 1) {
    query.whereRaw("(select count(*) from grpo_groups c where c.assembler = ? and c.status = 'ready' and c.run_id = ?) >= ?", [assembler, runId, atLeast]);
  }
  const rows = (await query
    .orderBy('group_id')
    .forUpdate()
    .select(...GROUP_COLUMNS, tx.raw('(select coalesce(max(b.sequence) + 1, 0) from grpo_batches b where b.assembler = ? and b.run_id = ?) as next_sequence', [assembler, runId]))) as (GroupRow & { next_sequence: string | number })[];
  const first = rows[0];
  return {
    groups: rows.map(({ next_sequence: _, ...group }) => group),
    nextSequence: first === undefined ? null : Number(first.next_sequence),
  };
}

export async function runsWithReadyGroups(tx: Knex.Transaction, assembler: string): Promise<string[]> {
  const rows = await tx('grpo_groups').where({ assembler, status: 'ready' }).distinct<{ run_id: string }[]>('run_id');
  return rows.map((r) => r.run_id);
}
