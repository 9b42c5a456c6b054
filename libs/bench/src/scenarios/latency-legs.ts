import type { BenchFigure } from '../bench-scenario';

/** p in [0, 1]: the nearest-rank percentile, 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0).toFixed(2));
}

/** When the assembler stamped each batch (its step's clock) and its first lease (the lease statement's clock), epoch ms. */
export interface BatchStamps {
  readonly createdAt: number;
  readonly leasedAt: number;
}

/** A lease as the benchmark's trainer saw it arrive. */
export interface LeaseArrival {
  readonly batchId: string;
  /** Wall-clock ms when the lease response arrived. */
  readonly at: number;
}

/**
 * reward → leasable in three legs, from the assembler's own stamps (same host, same clock): the last
 * reward's publish acknowledged → the step that batched it takes its clock, after its first query
 * (Kafka delivery, decoding, the fetch queue, the transaction's start); → the lease statement takes
 * its clock (the rest of that step and its commit, the notification, the waiting request's
 * wake-up); → the lease arriving at the trainer (the statement's round trip, the HTTP response).
 */
export function latencyLegs<L extends LeaseArrival>(phase: string, leases: readonly L[], lastReward: (lease: L) => number, stamps: ReadonlyMap<string, BatchStamps>): BenchFigure[] {
  const legs = { to_step: [] as number[], step_to_lease: [] as number[], lease_to_trainer: [] as number[] };
  for (const lease of leases) {
    const stamp = stamps.get(lease.batchId);
    const reward = lastReward(lease);
    if (stamp === undefined || !Number.isFinite(reward)) continue;
    legs.to_step.push(stamp.createdAt - reward);
    legs.step_to_lease.push(stamp.leasedAt - stamp.createdAt);
    legs.lease_to_trainer.push(lease.at - stamp.leasedAt);
  }
  if (legs.to_step.length === 0) return [];
  const what = {
    to_step: 'last reward published → the assembler step that batches it takes its clock, after its first query (Kafka delivery, decoding, queueing behind earlier steps, the transaction start)',
    step_to_lease: 'that step starts → the lease statement runs (the rest of the step and its commit, the notification, the waiting lease request waking)',
    lease_to_trainer: 'the lease statement → the lease arrives at the trainer (its round trip and the HTTP response)',
  } as const;
  return (Object.keys(legs) as (keyof typeof legs)[]).map((leg) => ({
    name: `grpo.${phase}.leg_${leg}_p50`,
    value: percentile(legs[leg], 0.5),
    unit: 'ms',
    note: `${what[leg]}; p99 ${percentile(legs[leg], 0.99)} ms over ${legs[leg].length} batches, from the assembler's stamps (created_at, leased_at)`,
  }));
}

