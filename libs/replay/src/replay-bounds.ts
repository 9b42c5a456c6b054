import { ReplayOptionsError } from './replay.errors';

/**
 * One end of a replay range. `time` is a Kafka record timestamp (publish time, epoch ms) — for the
 * store, the time the event was recorded; `offsets` are Kafka offsets per partition of the rollout
 * events topic (partitions not named are left unbounded on that side).
 */
export type ReplayBound =
  | { readonly kind: 'time'; readonly at: number }
  | { readonly kind: 'offsets'; readonly offsets: ReadonlyMap<number, bigint> };

const OFFSETS = /^\d+:\d+(,\d+:\d+)*$/;

/** Parses `--from` / `--to`: `0:120,1:95` (partition:offset), epoch ms, or an ISO-8601 time. */
export function parseReplayBound(raw: string, option: string): ReplayBound {
  const text = raw.trim().replace(/\s+/g, '');
  if (OFFSETS.test(text)) {
    const offsets = new Map<number, bigint>();
    for (const pair of text.split(',')) {
      const [partition, offset] = pair.split(':');
      const p = Number(partition);
      if (offsets.has(p)) throw new ReplayOptionsError(`${option}: partition ${p} is given twice`, option);
      offsets.set(p, BigInt(offset));
    }
    return { kind: 'offsets', offsets };
  }
  if (/^\d+$/.test(text)) return { kind: 'time', at: Number(text) };
  // Date.parse accepts "2026-12-01" and full ISO-8601; a bare date means midnight UTC.
  const at = Date.parse(raw.trim());
  if (Number.isNaN(at)) {
    throw new ReplayOptionsError(`${option}: "${raw}" is neither partition:offset[,…], epoch milliseconds, nor an ISO-8601 time`, option);
  }
  return { kind: 'time', at };
}

export function describeBound(bound: ReplayBound | undefined): string {
  if (bound === undefined) return 'open';
  if (bound.kind === 'time') return new Date(bound.at).toISOString();
  return [...bound.offsets].map(([p, o]) => `${p}:${o}`).join(',');
}

/** Offsets of one partition to read: [start, end). */
export interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * The offsets of one partition a bound stands for, given the partition's current low/high
 * watermarks and (for a time bound) the offset Kafka answered for that timestamp.
 */
export function boundOffset(bound: ReplayBound | undefined, partition: number, fallback: bigint, atTime: bigint | undefined): bigint {
  if (bound === undefined) return fallback;
  if (bound.kind === 'offsets') return bound.offsets.get(partition) ?? fallback;
  return atTime ?? fallback;
}
