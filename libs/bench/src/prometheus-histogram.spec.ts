import { histogramDelta, histogramMean, readHistogram, readValue, shareAbove } from './prometheus-histogram';

const exposition = (a: [number, number, number, number], sum: number) => `# HELP rollout_ledger_grpo_step_seconds one step
# TYPE rollout_ledger_grpo_step_seconds histogram
rollout_ledger_grpo_step_seconds_bucket{le="0.05",assembler="a"} ${a[0]}
rollout_ledger_grpo_step_seconds_bucket{le="0.1",assembler="a"} ${a[1]}
rollout_ledger_grpo_step_seconds_bucket{le="+Inf",assembler="a"} ${a[2]}
rollout_ledger_grpo_step_seconds_sum{assembler="a"} ${sum}
rollout_ledger_grpo_step_seconds_count{assembler="a"} ${a[2]}
rollout_ledger_grpo_step_seconds_bucket{le="0.1",assembler="b"} ${a[3]}
rollout_ledger_grpo_step_seconds_bucket{le="+Inf",assembler="b"} ${a[3]}
rollout_ledger_grpo_step_seconds_count{assembler="b"} ${a[3]}
rollout_ledger_grpo_step_seconds_sum{assembler="b"} 0.5
rollout_ledger_grpo_fetch_wait_seconds_count{assembler="a"} 999
`;

describe('Prometheus histogram snapshots', () => {
  it('sums one histogram over its label sets and ignores the other metrics', () => {
    const h = readHistogram(exposition([2, 5, 8, 4], 1.5), 'rollout_ledger_grpo_step_seconds');
    expect(h.count).toBe(12);
    expect(h.sum).toBeCloseTo(2.0);
    expect([...h.buckets.entries()]).toEqual([
      [0.05, 2],
      [0.1, 9],
      [Number.POSITIVE_INFINITY, 12],
    ]);
  });

  it('gives what was observed between two snapshots: mean and share above a bucket', () => {
    const before = readHistogram(exposition([2, 5, 8, 4], 1.5), 'rollout_ledger_grpo_step_seconds');
    const after = readHistogram(exposition([3, 7, 14, 4], 2.7), 'rollout_ledger_grpo_step_seconds');
    const phase = histogramDelta(before, after);
    expect(phase.count).toBe(6);
    expect(histogramMean(phase)).toBeCloseTo(0.2);
    // 6 steps, 2 of them up to 100 ms: 4 above.
    expect(shareAbove(phase, 0.1)).toBeCloseTo(4 / 6);
    expect(shareAbove(phase, 0.05)).toBeCloseTo(5 / 6);
  });

  it('reports 0 for a phase that observed nothing, even before the histogram exists', () => {
    const same = readHistogram(exposition([1, 1, 1, 0], 0.01), 'rollout_ledger_grpo_step_seconds');
    const none = histogramDelta(same, same);
    expect(histogramMean(none)).toBe(0);
    expect(shareAbove(none, 0.1)).toBe(0);
    const missing = readHistogram('', 'rollout_ledger_grpo_step_seconds');
    expect(missing.count).toBe(0);
    expect(shareAbove(histogramDelta(missing, missing), 0.1)).toBe(0);
  });

  it('refuses a bound that is not one of the buckets', () => {
    const h = readHistogram(exposition([2, 5, 8, 4], 1.5), 'rollout_ledger_grpo_step_seconds');
    expect(() => shareAbove(h, 0.2)).toThrow(/no bucket le="0.2" \(it has 0.05, 0.1, Infinity\)/);
  });

  it('reads a counter summed over its label sets, not a metric whose name it only prefixes, and 0 when it is absent', () => {
    const text = `# TYPE rollout_ledger_process_process_cpu_seconds_total counter
rollout_ledger_process_process_cpu_seconds_total 12.5
rollout_ledger_process_process_cpu_user_seconds_total 10
rollout_ledger_grpo_batches_total{assembler="a"} 3
rollout_ledger_grpo_batches_total{assembler="b"} 4
`;
    expect(readValue(text, 'rollout_ledger_process_process_cpu_seconds_total')).toBe(12.5);
    expect(readValue(text, 'rollout_ledger_grpo_batches_total')).toBe(7);
    expect(readValue(text, 'rollout_ledger_missing_total')).toBe(0);
  });
});
