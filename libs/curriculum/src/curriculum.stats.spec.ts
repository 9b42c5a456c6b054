import { isLedgerError } from '@rollout-ledger/contracts';
import { bandOf, computeCurriculum } from './curriculum.stats';
import type { AttemptRecord } from './curriculum.types';

function attempt(task_id: string, policy_version: number, occurred_at: number, reward: number, domain = 'retail'): AttemptRecord {
  return { task_id, domain, policy_version, occurred_at, reward };
}

const records: AttemptRecord[] = [
  // retail-1: passes 3 of 4 overall; the last two attempts 1 of 2.
  attempt('retail-1', 1, 10, 1),
  attempt('retail-1', 2, 20, 1),
  attempt('retail-1', 3, 30, 0),
  attempt('retail-1', 3, 40, 1),
  // retail-0: never passes; a reward of 0.95 is below the default threshold 1.
  attempt('retail-0', 3, 35, 0.95),
  attempt('retail-0', 1, 15, 0),
  // airline-7: always passes.
  attempt('airline-7', 2, 25, 1, 'airline'),
  attempt('airline-7', 3, 45, 1, 'airline'),
];

describe('computeCurriculum', () => {
  it('given all attempts, then pass rate, mean reward and band per task, sorted by domain then task', () => {
    expect(computeCurriculum(records, { window: { kind: 'all' } })).toEqual([
      { task_id: 'airline-7', domain: 'airline', attempts: 2, passes: 2, pass_rate: 1, mean_reward: 1, band: 'too_easy', min_policy_version: 2, max_policy_version: 3, last_attempt_at: 45 },
      { task_id: 'retail-0', domain: 'retail', attempts: 2, passes: 0, pass_rate: 0, mean_reward: 0.475, band: 'too_hard', min_policy_version: 1, max_policy_version: 3, last_attempt_at: 35 },
      { task_id: 'retail-1', domain: 'retail', attempts: 4, passes: 3, pass_rate: 0.75, mean_reward: 0.75, band: 'learnable', min_policy_version: 1, max_policy_version: 3, last_attempt_at: 40 },
    ]);
  });

  it('given the last 2 attempts per task, then only those count', () => {
    const stats = computeCurriculum([...records].reverse(), { window: { kind: 'attempts', last: 2 } });

    expect(stats.find((s) => s.task_id === 'retail-1')).toMatchObject({ attempts: 2, passes: 1, pass_rate: 0.5, min_policy_version: 3 });
  });

  it('given the last 1 policy version, then attempts of older versions are left out and tasks without any disappear', () => {
    const stats = computeCurriculum(records, { window: { kind: 'policy_versions', last: 1 } });

    expect(stats.map((s) => [s.task_id, s.attempts, s.passes])).toEqual([
      ['airline-7', 1, 1],
      ['retail-0', 1, 0],
      ['retail-1', 2, 1],
    ]);
  });

  it('given the last 2 distinct versions with gaps in numbering, then versions 20 and 30 are kept', () => {
    const stats = computeCurriculum([attempt('t', 0, 1, 1), attempt('t', 20, 2, 0), attempt('t', 30, 3, 1)], { window: { kind: 'policy_versions', last: 2 } });

    expect(stats[0]).toMatchObject({ attempts: 2, passes: 1, min_policy_version: 20 });
  });

  it('given a pass threshold of 0.9, then 0.95 passes', () => {
    const stats = computeCurriculum(records, { window: { kind: 'all' }, passThreshold: 0.9 });

    expect(stats.find((s) => s.task_id === 'retail-0')).toMatchObject({ passes: 1, pass_rate: 0.5, band: 'learnable' });
  });

  it('given no records, then no stats', () => {
    expect(computeCurriculum([], { window: { kind: 'all' } })).toEqual([]);
  });
});

describe('bandOf', () => {
  it('given the default thresholds, then the edges belong to the outer bands', () => {
    const t = { hi: 0.9, lo: 0.1 };

    expect([0, 0.1, 0.11, 0.89, 0.9, 1].map((r) => bandOf(r, t))).toEqual(['too_hard', 'too_hard', 'learnable', 'learnable', 'too_easy', 'too_easy']);
  });
});

describe('curriculum option validation', () => {
  it.each([
    [{ lo: 0.5, hi: 0.5 }, 'lo', 'lo must be below hi (lo=0.5, hi=0.5)'],
    [{ lo: -0.1 }, 'lo', 'lo must be within [0, 1], got -0.1'],
    [{ hi: 1.5 }, 'hi', 'hi must be within [0, 1], got 1.5'],
    [{ passThreshold: Number.NaN }, 'passThreshold', 'passThreshold must be a finite number'],
  ])('given %p, then a VALIDATION_FAILED names %p', (overrides, path, message) => {
    expect.assertions(3);
    try {
      computeCurriculum(records, { window: { kind: 'all' }, ...overrides });
    } catch (error) {
      expect(isLedgerError(error, 'VALIDATION_FAILED')).toBe(true);
      expect((error as Error).message).toContain(message);
      expect((error as { issues: { path: string }[] }).issues[0]?.path).toBe(path);
    }
  });

  it('given a window of 0 attempts, then window.last is named', () => {
    expect(() => computeCurriculum(records, { window: { kind: 'attempts', last: 0 } })).toThrow('window.last must be an integer ≥ 1, got 0');
  });

  it('given lo=0 and hi=1, then they are accepted', () => {
    expect(computeCurriculum(records, { window: { kind: 'all' }, lo: 0, hi: 1 })).toHaveLength(3);
  });

  it('given 200,000 attempts of one task, then it aggregates them all (linear, no argument-spread limits)', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => attempt('retail-9', i % 50, 1_000 + i, i % 4 === 0 ? 1 : 0));
    expect(computeCurriculum(many, { window: { kind: 'all' } })).toEqual([
      { task_id: 'retail-9', domain: 'retail', attempts: 200_000, passes: 50_000, pass_rate: 0.25, mean_reward: 0.25, band: 'learnable', min_policy_version: 0, max_policy_version: 49, last_attempt_at: 200_999 },
    ]);
    expect(computeCurriculum(many, { window: { kind: 'attempts', last: 4 } })[0]).toMatchObject({ attempts: 4, passes: 1, min_policy_version: 46, max_policy_version: 49 });
  });
});
