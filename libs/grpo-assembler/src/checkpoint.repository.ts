import type { Knex } from 'knex';

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
