import type { Knex } from 'knex';
import { partitionKey } from './pending-events.buffer';

/** The next offset to read per partition, stored in the same transaction as the state it covers. */
export async function readCheckpoint(tx: Knex.Transaction, consumerGroup: string, topic: string, partition: number): Promise<bigint> {
  const row = await tx('consumer_checkpoints')
    .where({ consumer_group: consumerGroup, topic, partition })
    .first<{ next_offset: string } | undefined>('next_offset');
  return row === undefined ? 0n : BigInt(row.next_offset);
}

export async function writeCheckpoint(tx: Knex.Transaction, consumerGroup: string, topic: string, partition: number, nextOffset: bigint): Promise<void> {
  await tx('consumer_checkpoints')
    .insert({ consumer_group: consumerGroup, topic, partition, next_offset: nextOffset.toString(), updated_at: tx.fn.now() })
    .onConflict(['consumer_group', 'topic', 'partition'])
    .merge(['next_offset', 'updated_at']);
}

/**
 * Serialises every state-changing transaction of one assembler, across processes: batch
 * sequences and group membership are decided by one writer at a time. 0x67727030 ("grp0") is
 * this lib's advisory-lock class, so it cannot collide with other users of hashtext keys.
 */
export async function lockAssembler(tx: Knex.Transaction, assembler: string): Promise<void> {
  await tx.raw('select pg_advisory_xact_lock(?::int, hashtext(?))', [0x67727030, assembler]);
}

export interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

/** The checkpoints of several partitions in one round trip, keyed by partitionKey(). */
export async function readCheckpoints(tx: Knex.Transaction, consumerGroup: string, partitions: readonly PartitionRef[]): Promise<Map<string, bigint>> {
  const found = new Map<string, bigint>(partitions.map((p) => [partitionKey(p.topic, p.partition), 0n]));
  const rows = await tx('consumer_checkpoints')
    .where('consumer_group', consumerGroup)
    .whereIn(['topic', 'partition'], partitions.map((p) => [p.topic, p.partition]))
    .select<{ topic: string; partition: number; next_offset: string }[]>('topic', 'partition', 'next_offset');
  for (const row of rows) found.set(partitionKey(row.topic, row.partition), BigInt(row.next_offset));
  return found;
}

export async function writeCheckpoints(tx: Knex.Transaction, consumerGroup: string, positions: readonly (PartitionRef & { readonly nextOffset: bigint })[]): Promise<void> {
  if (positions.length === 0) return;
  await tx('consumer_checkpoints')
    .insert(positions.map((p) => ({ consumer_group: consumerGroup, topic: p.topic, partition: p.partition, next_offset: p.nextOffset.toString(), updated_at: tx.fn.now() })))
    .onConflict(['consumer_group', 'topic', 'partition'])
    .merge(['next_offset', 'updated_at']);
}
