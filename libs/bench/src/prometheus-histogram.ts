/**
 * One histogram of a Prometheus text exposition (`/metrics`), summed over its label sets: how a
 * benchmark reads what a served process measured about itself during a phase (two snapshots, the
 * difference between them).
 */
export interface HistogramSnapshot {
  readonly count: number;
  readonly sum: number;
  /** Upper bound (`le`, Infinity for `+Inf`) → cumulative count of observations up to it. */
  readonly buckets: ReadonlyMap<number, number>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/;
const LE = /(?:^|[{,])le="([^"]*)"/;

export function readHistogram(exposition: string, name: string): HistogramSnapshot {
  let count = 0;
  let sum = 0;
  const buckets = new Map<number, number>();
  for (const line of exposition.split('\n')) {
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const [, metric, labels = '', raw] = match;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    if (metric === `${name}_count`) count += value;
    else if (metric === `${name}_sum`) sum += value;
    else if (metric === `${name}_bucket`) {
      const le = LE.exec(labels)?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    }
  }
  return { count, sum, buckets };
}

/** A counter or gauge of the exposition, summed over its label sets; 0 when it is not there. */
export function readValue(exposition: string, name: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    const match = SAMPLE.exec(line);
    if (match === null || match[1] !== name) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/** What was observed between two snapshots of the same histogram. */
export function histogramDelta(before: HistogramSnapshot, after: HistogramSnapshot): HistogramSnapshot {
  const buckets = new Map<number, number>();
  for (const [bound, n] of after.buckets) buckets.set(bound, n - (before.buckets.get(bound) ?? 0));
  return { count: after.count - before.count, sum: after.sum - before.sum, buckets };
}

/** Mean observation; 0 when nothing was observed. */
export function histogramMean(histogram: HistogramSnapshot): number {
  return histogram.count === 0 ? 0 : histogram.sum / histogram.count;
}

/** Share (0–1) of the observations above `bound`, which must be one of the histogram's buckets; 0 when nothing was observed. */
export function shareAbove(histogram: HistogramSnapshot, bound: number): number {
  if (histogram.count === 0) return 0;
  const upTo = histogram.buckets.get(bound);
  if (upTo === undefined) throw new Error(`the histogram has no bucket le="${bound}" (it has ${[...histogram.buckets.keys()].join(', ')})`);
  return (histogram.count - upTo) / histogram.count;
}
