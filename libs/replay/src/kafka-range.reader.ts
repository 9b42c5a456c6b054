import { LedgerConsumer, type ConsumedRecord, type EventSerde, type KafkaAdmin, type KafkaConnectionOptions } from '@rollout-ledger/kafka';
import type { TopicRange } from './kafka-range.plan';

export interface KafkaRangeReadOptions {
  readonly connection: KafkaConnectionOptions;
  readonly serde: EventSerde;
  /** A fresh group per replay: its only job is to carry the start offsets (it is deleted after). */
  readonly groupId: string;
  /** Give up on partitions short of their end after this long without records (see below). */
  readonly idleTimeoutMs: number;
}

export interface KafkaRangeReadResult {
  readonly records: number;
  readonly notes: readonly string[];
}

/**
 * Reads every record in the given offset ranges once, then stops. The start offsets are set on a
 * fresh consumer group before it joins (the same as seeking every partition), the end offsets were
 * captured before reading; a partition is done when a record at or past its end offset was seen.
 * Transaction markers take offsets but are never delivered, so a partition whose range ends on one
 * cannot reach its end: after `idleTimeoutMs` without records such partitions are closed and named.
 */
export async function readKafkaRanges(
  admin: KafkaAdmin,
  options: KafkaRangeReadOptions,
  ranges: readonly TopicRange[],
  onRecords: (records: readonly ConsumedRecord[]) => void,
  onProgress: (records: number) => void,
): Promise<KafkaRangeReadResult> {
  const open = new Map<string, bigint>();
  for (const range of ranges) {
    for (const p of range.partitions) if (p.end > p.start) open.set(slot(range.topic, p.partition), p.end);
  }
  if (open.size === 0) return { records: 0, notes: [] };
  // A fresh group starts at the low watermark anyway; setOffsets costs a group join and a fetch
  // wait, so it is only paid for partitions that start later.
  for (const range of ranges) {
    const seek = range.partitions.filter((p) => p.end > p.start && p.start > p.low).map((p) => ({ partition: p.partition, offset: String(p.start) }));
    if (seek.length > 0) await admin.setOffsets({ groupId: options.groupId, topic: range.topic, partitions: seek });
  }

  const consumer = new LedgerConsumer({
    ...options.connection,
    groupId: options.groupId,
    topics: [...new Set(ranges.map((r) => r.topic))],
    serde: options.serde,
    autoCommit: false,
  });
  let records = 0;
  const notes: string[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      for (const [key, end] of open) notes.push(`${key} stopped before end offset ${end}: nothing more arrived in ${options.idleTimeoutMs} ms (transaction markers or an open transaction)`);
      open.clear();
      finish();
    }, options.idleTimeoutMs);
  };

  await consumer.connect();
  try {
    await consumer.run(async (batch, context) => {
      const key = slot(context.topic, context.partition);
      const end = open.get(key);
      if (end === undefined) return;
      armIdle();
      const inRange = batch.filter((r) => BigInt(r.message.offset) < end);
      if (inRange.length > 0) onRecords(inRange);
      records += inRange.length;
      onProgress(records);
      const last = batch[batch.length - 1];
      if (last !== undefined && BigInt(last.message.offset) + 1n >= end) open.delete(key);
      if (open.size === 0) finish();
    });
    armIdle();
    await finished;
  } finally {
    clearTimeout(idle);
    await consumer.disconnect();
    await admin.deleteGroups([options.groupId]).catch(() => undefined);
  }
  return { records, notes };
}

function slot(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
