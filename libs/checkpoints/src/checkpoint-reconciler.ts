import { describePlan, planReconciliation, type CheckpointReset, type PartitionRange, type ReconciliationPlan } from './checkpoint-reconciliation';

/** A statement on the caller's open transaction, with $1-style placeholders (pg's client.query, or knexQuery()). */
export type SqlQuery = (text: string, values: readonly unknown[]) => Promise<{ rows: readonly unknown[] }>;

/** What Kafka says now, read after the checkpoints are locked. */
export interface KafkaOffsets {
  clusterId(): Promise<string>;
  ranges(topics: readonly string[]): Promise<PartitionRange[]>;
}

export interface Reconciliation {
  readonly clusterId: string;
  readonly recordedClusterId: string | null;
  readonly plan: ReconciliationPlan;
  /** What to log: one warning per reset or retention gap. */
  readonly warnings: readonly string[];
}

const lockCluster = `SELECT kafka_cluster_id FROM consumer_kafka_clusters WHERE consumer_group = $1 FOR UPDATE`;
const lockCheckpoints = `SELECT topic, partition, next_offset::text AS next_offset FROM consumer_checkpoints
WHERE consumer_group = $1 AND topic = ANY($2::text[]) ORDER BY topic, partition FOR UPDATE`;
/** Not GREATEST, unlike the consumers' own advance: this one moves a checkpoint back on purpose. */
const resetCheckpoints = `UPDATE consumer_checkpoints c SET next_offset = x.next_offset, updated_at = now()
FROM unnest($2::text[], $3::int[], $4::bigint[]) AS x(topic, partition, next_offset)
WHERE c.consumer_group = $1 AND c.topic = x.topic AND c.partition = x.partition`;
const recordCluster = `INSERT INTO consumer_kafka_clusters (consumer_group, kafka_cluster_id, updated_at) VALUES ($1, $2, now())
ON CONFLICT (consumer_group) DO UPDATE SET kafka_cluster_id = excluded.kafka_cluster_id, updated_at = excluded.updated_at`;

/**
 * Run at a consumer's start, inside a transaction the caller commits: locks the group's
 * checkpoints of these topics (so no instance of the group advances them meanwhile), reads
 * Kafka's offsets after the lock, resets the checkpoints that cannot belong to this Kafka (see
 * planReconciliation) and records the cluster id. A checkpoint written by a running instance was
 * taken below a high watermark that has only grown since, so it is never mistaken for a stale one.
 */
export async function reconcileCheckpoints(query: SqlQuery, kafka: KafkaOffsets, consumerGroup: string, topics: readonly string[]): Promise<Reconciliation> {
  const recorded = (await query(lockCluster, [consumerGroup])).rows as readonly { kafka_cluster_id: string }[];
  const locked = (await query(lockCheckpoints, [consumerGroup, [...topics]])).rows as readonly { topic: string; partition: number; next_offset: string }[];
  const clusterId = await kafka.clusterId();
  const ranges = await kafka.ranges(topics);
  const recordedClusterId = recorded[0]?.kafka_cluster_id ?? null;
  const stored = locked.map((row) => ({ topic: row.topic, partition: row.partition, nextOffset: BigInt(row.next_offset) }));
  const plan = planReconciliation({ stored, ranges, recordedClusterId, clusterId });
  if (plan.resets.length > 0) await query(resetCheckpoints, resetBindings(consumerGroup, plan.resets));
  if (plan.recordCluster) await query(recordCluster, [consumerGroup, clusterId]);
  return { clusterId, recordedClusterId, plan, warnings: describePlan(consumerGroup, clusterId, recordedClusterId, plan) };
}

function resetBindings(consumerGroup: string, resets: readonly CheckpointReset[]): unknown[] {
  return [consumerGroup, resets.map((r) => r.topic), resets.map((r) => r.partition), resets.map((r) => r.to.toString())];
}

/** Minimal shape of a knex transaction, so this library does not load knex. */
interface KnexLike {
  raw(sql: string, bindings: readonly unknown[]): PromiseLike<unknown>;
}

/** SqlQuery over a knex transaction: rewrites $n placeholders to knex's positional ? bindings. */
export function knexQuery(tx: KnexLike): SqlQuery {
  return async (text, values) => {
    const bindings: unknown[] = [];
    const sql = text.replace(/\$(\d+)/g, (_, n: string) => {
      bindings.push(values[Number(n) - 1]);
      return '?';
    });
    return (await tx.raw(sql, bindings)) as { rows: unknown[] };
  };
}
