import { latencyLegs, percentile, type BatchStamps } from './latency-legs';

describe('reward → leasable legs', () => {
  it('takes the nearest-rank percentile, 0 for no values', () => {
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 0.99)).toBe(5);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('splits each lease at its batch stamps: reward → step → lease statement → trainer', () => {
    const stamps = new Map<string, BatchStamps>([
      ['b1', { createdAt: 1_010, leasedAt: 1_040 }],
      ['b2', { createdAt: 2_020, leasedAt: 2_050 }],
      ['b3', { createdAt: 3_030, leasedAt: 3_090 }],
    ]);
    const rewards: Record<string, number> = { b1: 1_000, b2: 2_000, b3: 3_000 };
    const leases = [
      { batchId: 'b1', at: 1_045 },
      { batchId: 'b2', at: 2_058 },
      { batchId: 'b3', at: 3_099 },
    ];
    const figures = latencyLegs('light', leases, (l) => rewards[l.batchId] as number, stamps);
    expect(figures.map((f) => [f.name, f.value])).toEqual([
      ['grpo.light.leg_to_step_p50', 20],
      ['grpo.light.leg_step_to_lease_p50', 30],
      ['grpo.light.leg_lease_to_trainer_p50', 8],
    ]);
    expect(figures[1]?.note).toContain('p99 60 ms over 3 batches');
  });

  it('leaves out leases without stamps or without a known reward, and gives no figures when none is left', () => {
    const stamps = new Map<string, BatchStamps>([['b1', { createdAt: 110, leasedAt: 150 }]]);
    const leases = [
      { batchId: 'b1', at: 160 },
      { batchId: 'unstamped', at: 500 },
    ];
    const figures = latencyLegs('full', leases, () => 100, stamps);
    expect(figures.map((f) => f.value)).toEqual([10, 40, 10]);
    expect(figures[0]?.note).toContain('over 1 batches');
    expect(latencyLegs('full', leases, () => Number.NaN, stamps)).toEqual([]);
  });
});
