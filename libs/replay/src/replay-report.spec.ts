import type { RewardAssigned } from '@rollout-ledger/contracts';
import { buildReplayReport } from './replay-report';
import { formatReplayReport } from './replay-report.format';
import type { RolloutOutcome } from './rollout.scoring';

const meta = { reward_fn: 'f@2', baseline: 'online', pass_threshold: 0.5 };

function scored(rollout_id: string, task_id: string, domain: string, before: number | null, after: number, publication: 'new' | 'present' | 'conflict' = 'new'): RolloutOutcome {
  return { status: 'scored', rollout_id, task_id, domain, before, after, publication, event: { rollout_id } as RewardAssigned };
}

describe('buildReplayReport', () => {
  const outcomes: RolloutOutcome[] = [
    scored('a', 't1', 'retail', 0, 1),
    scored('b', 't1', 'retail', 1, 0, 'present'),
    scored('c', 't1', 'retail', 1, 0.9),
    scored('d', 't2', 'airline', 0, 0.4, 'conflict'),
    scored('e', 't2', 'airline', null, 1),
    { status: 'skipped', rollout_id: 'f', task_id: null, domain: null, reason: 'no-start', detail: '' },
    { status: 'skipped', rollout_id: 'g', task_id: 't2', domain: 'airline', reason: 'incomplete', detail: '' },
  ];

  it('counts changes and flips against the pass threshold, means over the right rollouts', () => {
    const report = buildReplayReport(outcomes, meta);
    expect(report).toMatchObject({
      rollouts_seen: 7,
      rollouts_scored: 5,
      with_baseline: 4,
      // a, b, c and d changed; only a and b crossed the threshold (c stays a pass at 0.9, d a fail at 0.4).
      rewards_changed: 4,
      flips_0_to_1: 1,
      flips_1_to_0: 1,
      to_publish: 3,
      already_present: 1,
      conflicts: 1,
      skipped: { incomplete: 1, 'no-start': 1 },
    });
    expect(report.mean_before).toBeCloseTo(0.5);
    expect(report.mean_after).toBeCloseTo((1 + 0 + 0.9 + 0.4 + 1) / 5);
  });

  it('breaks the diff down per task and per domain, sorted by key', () => {
    const report = buildReplayReport(outcomes, meta);
    expect(report.by_domain).toEqual([
      { key: 'airline', rollouts_scored: 2, with_baseline: 1, rewards_changed: 1, flips_0_to_1: 0, flips_1_to_0: 0, mean_before: 0, mean_after: 0.7 },
      { key: 'retail', rollouts_scored: 3, with_baseline: 3, rewards_changed: 3, flips_0_to_1: 1, flips_1_to_0: 1, mean_before: 2 / 3, mean_after: 1.9 / 3 },
    ]);
    expect(report.by_task.map((t) => t.key)).toEqual(['t1', 't2']);
  });

  it('does not count rounding noise as a change, and a higher threshold moves the flips', () => {
    const noise = buildReplayReport([scored('a', 't', 'd', 0.3, 0.3 + 1e-12)], meta);
    expect(noise.rewards_changed).toBe(0);
    const strict = buildReplayReport(outcomes, { ...meta, pass_threshold: 0.95 });
    expect(strict.flips_1_to_0).toBe(2);
  });

  it('is the same report whatever order the outcomes come in, and prints as a table', () => {
    const reversed = buildReplayReport([...outcomes].reverse(), meta);
    expect(JSON.stringify(reversed)).toBe(JSON.stringify(buildReplayReport(outcomes, meta)));
    const text = formatReplayReport(reversed, ['source            memory']);
    expect(text).toContain('flips             0→1 1   1→0 1');
    expect(text).toMatch(/retail\s+3\s+3\s+1\s+1\s+0\.667\s+0\.633/);
  });

  it('has no means when nothing was scored', () => {
    const empty = buildReplayReport([], meta);
    expect(empty).toMatchObject({ rollouts_scored: 0, mean_before: null, mean_after: null, by_task: [], by_domain: [] });
  });
});
