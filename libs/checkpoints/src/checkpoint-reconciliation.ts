/**
 * What a consumer group's stored checkpoints mean against the Kafka it is about to read. Pure: the
 * caller reads the stored rows and the partitions' offset ranges, this decides.
 *
 * A checkpoint is the next offset to read, taken from records that were in the partition, so it
 * never exceeds the partition's high watermark for as long as the topic exists. One beyond the
 * end, or one for a partition that is not there, was taken on an earlier incarnation of the topic
 * (deleted and recreated) or on another cluster; so is every checkpoint written while a different
 * cluster id was recorded. Kept, such a checkpoint would make the consumer skip the new records
 * below it without a word. They are reset to the partition's first offset: the consumers
 * deduplicate on event_id, so re-reading is safe where skipping is not.
 */

export interface StoredCheckpoint {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}

/** A partition's offsets now: low = first offset still stored, high = the high watermark. */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
}

export type ResetReason = 'cluster_changed' | 'beyond_end' | 'partition_gone';

export interface CheckpointReset {
  readonly topic: string;
  readonly partition: number;
  readonly from: bigint;
  /** Where reading starts again: the partition's first offset (0 for a partition that is gone). */
  readonly to: bigint;
  readonly reason: ResetReason;
}

/** Records between a checkpoint and the partition's first offset were deleted (retention) before the group read them. */
export interface RetentionGap {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
  readonly low: bigint;
}

export interface ReconciliationInput {
  readonly stored: readonly StoredCheckpoint[];
  readonly ranges: readonly PartitionRange[];
  /** The cluster id recorded with the group's checkpoints; null when none is recorded yet. */
  readonly recordedClusterId: string | null;
  readonly clusterId: string;
}

export interface ReconciliationPlan {
  readonly resets: readonly CheckpointReset[];
  readonly gaps: readonly RetentionGap[];
  /** The cluster id must be recorded (first start, or the cluster changed). */
  readonly recordCluster: boolean;
}

const slot = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export function planReconciliation(input: ReconciliationInput): ReconciliationPlan {
  const ranges = new Map(input.ranges.map((r) => [slot(r.topic, r.partition), r]));
  const clusterChanged = input.recordedClusterId !== null && input.recordedClusterId !== input.clusterId;
  const resets: CheckpointReset[] = [];
  const gaps: RetentionGap[] = [];
  for (const c of input.stored) {
    const range = ranges.get(slot(c.topic, c.partition));
    const base = { topic: c.topic, partition: c.partition, from: c.nextOffset };
    if (range === undefined) {
      if (c.nextOffset > 0n) resets.push({ ...base, to: 0n, reason: clusterChanged ? 'cluster_changed' : 'partition_gone' });
    } else if (clusterChanged) {
      if (c.nextOffset !== range.low) resets.push({ ...base, to: range.low, reason: 'cluster_changed' });
    } else if (c.nextOffset > range.high) {
      resets.push({ ...base, to: range.low, reason: 'beyond_end' });
    } else if (c.nextOffset < range.low) {
      gaps.push({ topic: c.topic, partition: c.partition, nextOffset: c.nextOffset, low: range.low });
    }
  }
  return { resets, gaps, recordCluster: input.recordedClusterId !== input.clusterId };
}

/** One line per reset or gap, for the log. */
export function describePlan(group: string, clusterId: string, recordedClusterId: string | null, plan: ReconciliationPlan): string[] {
  const lines: string[] = [];
  for (const r of plan.resets) {
    const why =
      r.reason === 'cluster_changed'
        ? `it was taken on Kafka cluster ${recordedClusterId ?? '?'}, this is ${clusterId}`
        : r.reason === 'beyond_end'
          ? 'it is beyond the end of the partition: the topic was recreated, or this is another cluster'
          : 'the partition no longer exists: the topic was recreated with fewer partitions';
    lines.push(`consumer group ${group}: checkpoint of ${r.topic}/${r.partition} at offset ${r.from} reset to ${r.to} (${why}); its records are read again and deduplicated on event_id`);
  }
  for (const g of plan.gaps) {
    lines.push(`consumer group ${group}: ${g.topic}/${g.partition} starts at offset ${g.low} but the group stopped at ${g.nextOffset}: ${g.low - g.nextOffset} record(s) were deleted by retention before it read them`);
  }
  return lines;
}
