import { createAdmin, kafkaError, type KafkaAdmin, type KafkaConnectionOptions } from '@rollout-ledger/kafka';
import { ErrorCodes } from '@rollout-ledger/contracts';
import { boundOffset, type PartitionRange, type ReplayBound } from './replay-bounds';
import { ReplayOptionsError, ReplayRangeExpiredError } from './replay.errors';

export interface PlannedPartition extends PartitionRange {
  /** The low watermark when planned: where a fresh consumer group starts. */
  readonly low: bigint;
}

export interface TopicRange {
  readonly topic: string;
  readonly partitions: readonly PlannedPartition[];
  /** E.g. a time bound that fell before the oldest retained record. */
  readonly notes: readonly string[];
}

/**
 * The offsets to read per partition, fixed before reading starts: the end is the high watermark
 * (or the `to` bound) captured now, so events appended while replay runs — its own included — are
 * not read. A start below the low watermark means retention deleted part of the range.
 */
export async function planTopicRange(admin: KafkaAdmin, topic: string, from?: ReplayBound, to?: ReplayBound): Promise<TopicRange> {
  // kafkajs retries an unknown topic for many seconds; a missing topic is a typo, say so at once.
  const known = await admin.listTopics().catch((error: unknown) => {
    throw kafkaError(ErrorCodes.kafkaAdminFailed, 'Cannot list the Kafka topics', error);
  });
  if (!known.includes(topic)) throw new ReplayOptionsError(`topic ${topic} does not exist (set ROLLOUT_EVENTS_TOPIC / TASK_DEFINITIONS_TOPIC)`, topic);
  try {
    const watermarks = await admin.fetchTopicOffsets(topic);
    const fromTimes = from?.kind === 'time' ? await offsetsAt(admin, topic, from.at) : new Map<number, bigint>();
    const toTimes = to?.kind === 'time' ? await offsetsAt(admin, topic, to.at) : new Map<number, bigint>();
    const notes: string[] = [];
    const partitions = watermarks
      .map((w) => {
        const low = BigInt(w.low);
        const high = BigInt(w.high);
        const start = boundOffset(from, w.partition, low, fromTimes.get(w.partition));
        if (start < low && from !== undefined) throw new ReplayRangeExpiredError(topic, w.partition, String(start), String(low));
        if (from?.kind === 'time' && low > 0n && start === low) {
          notes.push(`${topic} partition ${w.partition}: the range starts at the oldest retained offset ${low}; older events may be gone (retention) — --source store has them`);
        }
        const end = boundOffset(to, w.partition, high, toTimes.get(w.partition));
        return { partition: w.partition, low, start: clamp(start, low, high), end: clamp(end, low, high) };
      })
      .sort((a, b) => a.partition - b.partition);
    return { topic, partitions, notes };
  } catch (error) {
    throw kafkaError(ErrorCodes.kafkaAdminFailed, `Cannot read the offsets of ${topic}`, error);
  }
}

// Kafka answers the first offset whose record timestamp is ≥ the time (the high watermark if none).
async function offsetsAt(admin: KafkaAdmin, topic: string, at: number): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, at);
  return new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));
}

function clamp(value: bigint, low: bigint, high: bigint): bigint {
  return value < low ? low : value > high ? high : value;
}

export function rangeSize(range: TopicRange): number {
  return range.partitions.reduce((sum, p) => sum + Number(p.end > p.start ? p.end - p.start : 0n), 0);
}

export async function withAdmin<T>(connection: KafkaConnectionOptions, fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = createAdmin(connection);
  try {
    await admin.connect();
  } catch (error) {
    throw kafkaError(ErrorCodes.kafkaAdminFailed, 'Cannot connect the Kafka admin client', error);
  }
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}
