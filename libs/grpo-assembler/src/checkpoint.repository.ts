import type { Knex } from 'knex';
import type { StoredGroup } from './group.repository';
import { partitionKey } from './pending-events.buffer';
import type { TrainerVersion } from './trainer-versions';

export interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export interface StepStart {
  /** The next offset to read of each partition asked for (0 when none is stored), keyed by partitionKey(). */
  readonly checkpoints: Map<string, bigint>;
  /** The policy versions trainers reported. */
  readonly versions: TrainerVersion[];
  /** The stored rows of the groups asked for, locked for the step (missing ones are simply absent). */
  readonly groups: Map<string, StoredGroup>;
}

/**
 * One row of grpo_step_start. A 'group' row puts the position of the group's first event in
 * topic, kafka_partition and next_offset (its kafka_topic, kafka_partition and first_offset).
 */
interface StepStartRow {
  readonly kind: 'checkpoint' | 'trainer' | 'group';
  readonly topic: string | null;
  readonly kafka_partition: number | null;
  readonly next_offset: string | null;
  readonly trainer_id: string | null;
  readonly run_id: string | null;
  readonly policy_version: string | null;
  readonly group_id: string | null;
  readonly status: StoredGroup['status'] | null;
  readonly state: StoredGroup['state'] | null;
}

/**
 * Starts a state-changing step of one assembler in one round trip (grpo_step_start): serialises
 * it against every other step of that assembler, across processes — batch sequences and group
 * membership are decided by one writer at a time — then reads the partitions' checkpoints, the
 * trainers' policy versions and the step's groups (locked) as they stand after the lock.
 */
export async function startStep(tx: Knex.Transaction, assembler: string, partitions: readonly PartitionRef[], groupIds: readonly string[] = []): Promise<StepStart> {
  const checkpoints = new Map<string, bigint>(partitions.map((p) => [partitionKey(p.topic, p.partition), 0n]));
  const versions: TrainerVersion[] = [];
  const groups = new Map<string, StoredGroup>();
  const result = await tx.raw<{ rows: StepStartRow[] }>('select * from grpo_step_start(?, ?::text[], ?::integer[], ?::text[])', [
    assembler,
    partitions.map((p) => p.topic),
    partitions.map((p) => p.partition),
    [...groupIds],
  ]);
  for (const row of result.rows) {
    if (row.kind === 'checkpoint') checkpoints.set(partitionKey(row.topic as string, row.kafka_partition as number), BigInt(row.next_offset as string));
    else if (row.kind === 'trainer') versions.push({ trainer_id: row.trainer_id as string, run_id: row.run_id, policy_version: Number(row.policy_version) });
    else {
      const group = { group_id: row.group_id as string, status: row.status as StoredGroup['status'], state: row.state as StoredGroup['state'], kafka_topic: row.topic, kafka_partition: row.kafka_partition, first_offset: row.next_offset };
      groups.set(group.group_id, group);
    }
  }
  return { checkpoints, versions, groups };
}

/** A partition's next offset to read, written in the step that applied the records before it. */
export interface CheckpointWrite extends PartitionRef {
  readonly nextOffset: bigint;
}

/** Upserts the checkpoints given as one array per column: a statement alone, or a CTE of a larger one. */
export const UPSERT_CHECKPOINTS_SQL = `insert into consumer_checkpoints (consumer_group, topic, "partition", next_offset, updated_at)
       select ?, c.topic, c.kafka_partition, c.next_offset, now() from unnest(?::text[], ?::int[], ?::bigint[]) as c(topic, kafka_partition, next_offset)
       on conflict (consumer_group, topic, "partition") do update set next_offset = excluded.next_offset, updated_at = excluded.updated_at`;

/** The bindings of UPSERT_CHECKPOINTS_SQL. */
export function checkpointBindings(consumerGroup: string, positions: readonly CheckpointWrite[]): (string | number[] | string[])[] {
  return [consumerGroup, positions.map((p) => p.topic), positions.map((p) => p.partition), positions.map((p) => p.nextOffset.toString())];
}

export async function writeCheckpoints(tx: Knex.Transaction, consumerGroup: string, positions: readonly CheckpointWrite[]): Promise<void> {
  if (positions.length === 0) return;
  await tx.raw(UPSERT_CHECKPOINTS_SQL, checkpointBindings(consumerGroup, positions));
}
