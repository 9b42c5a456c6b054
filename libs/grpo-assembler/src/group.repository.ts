import type { Knex } from 'knex';
import type { RolloutEvent } from '@rollout-ledger/contracts';
import type { FilteredGroup, GroupState, ReadyGroup } from '@rollout-ledger/grpo';

export type GroupStatus = 'pending' | 'ready' | 'batched' | 'filtered';

export interface StoredGroup {
  readonly group_id: string;
  readonly status: GroupStatus;
  readonly state: GroupState;
}

interface GroupRow {
  group_id: string;
  status: GroupStatus;
  state: GroupState;
}

/** Locks and reads the groups named (missing ones are simply absent). */
export async function lockGroups(tx: Knex.Transaction, assembler: string, groupIds: readonly string[]): Promise<Map<string, StoredGroup>> {
  if (groupIds.length === 0) return new Map();
  const rows = (await tx('grpo_groups')
    .where('assembler', assembler)
    .whereIn('group_id', [...groupIds])
    .forUpdate()
    .select('group_id', 'status', 'state')) as GroupRow[];
  return new Map(rows.map((row) => [row.group_id, row]));
}

export async function saveGroupStates(tx: Knex.Transaction, assembler: string, groups: readonly StoredGroup[]): Promise<void> {
  if (groups.length === 0) return;
  await tx('grpo_groups')
    .insert(
      groups.map((g) => ({
        assembler,
        group_id: g.group_id,
        run_id: g.state.run_id,
        status: g.status,
        state: JSON.stringify(g.state),
        first_event_at: g.state.first_event_at,
        updated_at: tx.fn.now(),
      })),
    )
    .onConflict(['assembler', 'group_id'])
    .merge(['run_id', 'state', 'first_event_at', 'updated_at']);
}

/**
 * Keeps every event of an undecided group (turns included) so its trajectories can be built later.
 * One INSERT … SELECT FROM unnest(arrays): six bind parameters whatever the count, which keeps
 * query building and parsing off the hot path (a multi-row VALUES list costs far more per row).
 */
export async function storeEvents(tx: Knex.Transaction, assembler: string, events: readonly RolloutEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.raw(
    `insert into grpo_group_events (assembler, event_id, group_id, rollout_id, event_type, payload)
     select ?, e.event_id, e.group_id, e.rollout_id, e.event_type, e.payload::jsonb
     from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) as e(event_id, group_id, rollout_id, event_type, payload)
     on conflict (assembler, event_id) do nothing`,
    [
      assembler,
      events.map((e) => e.data.event_id),
      events.map((e) => e.data.group_id),
      events.map((e) => e.data.rollout_id),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
}

export async function eventsOfGroups(tx: Knex.Transaction, assembler: string, groupIds: readonly string[]): Promise<RolloutEvent[]> {
  const rows = await tx('grpo_group_events')
    .where('assembler', assembler)
    .whereIn('group_id', [...groupIds])
    .select<{ event_type: RolloutEvent['type']; payload: RolloutEvent['data'] }[]>('event_type', 'payload');
  return rows.map((row) => ({ type: row.event_type, data: row.payload }) as RolloutEvent);
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
  await dropEvents(tx, assembler, [group.group_id]);
}

export async function markBatched(tx: Knex.Transaction, assembler: string, groupIds: readonly string[], batchId: string): Promise<void> {
  await tx('grpo_groups')
    .where('assembler', assembler)
    .whereIn('group_id', [...groupIds])
    .update({ status: 'batched', batch_id: batchId, updated_at: tx.fn.now() });
  await dropEvents(tx, assembler, groupIds);
}

/** Pending groups the sweep must look at: those past the timeout, or all of them. */
export async function pendingGroups(tx: Knex.Transaction, assembler: string, startedBefore: number | null): Promise<StoredGroup[]> {
  const query = tx('grpo_groups').where({ assembler, status: 'pending' });
  if (startedBefore !== null) query.where('first_event_at', '<=', startedBefore);
  return (await query.forUpdate().select('group_id', 'status', 'state')) as GroupRow[];
}

export async function readyGroupsOf(tx: Knex.Transaction, assembler: string, runId: string): Promise<StoredGroup[]> {
  return (await tx('grpo_groups').where({ assembler, status: 'ready', run_id: runId }).forUpdate().select('group_id', 'status', 'state')) as GroupRow[];
}

export async function runsWithReadyGroups(tx: Knex.Transaction, assembler: string): Promise<string[]> {
  const rows = await tx('grpo_groups').where({ assembler, status: 'ready' }).distinct<{ run_id: string }[]>('run_id');
  return rows.map((r) => r.run_id);
}

async function dropEvents(tx: Knex.Transaction, assembler: string, groupIds: readonly string[]): Promise<void> {
  await tx('grpo_group_events').where('assembler', assembler).whereIn('group_id', [...groupIds]).delete();
}
