import { ValidationError } from '@rollout-ledger/contracts';
import { resolveCurriculumOptions, type ResolvedCurriculumOptions } from './curriculum-options';
import type { AttemptRecord, CurriculumOptions, CurriculumWindow, DifficultyBand, TaskCurriculumStats } from './curriculum.types';

/** Per task statistics over the window, sorted by domain, then task_id. */
export function computeCurriculum(records: readonly AttemptRecord[], options: CurriculumOptions): TaskCurriculumStats[] {
  const resolved = resolveCurriculumOptions(options);
  assertFiniteRewards(records);
  const byTask = new Map<string, AttemptRecord[]>();
  for (const record of applyVersionWindow(records, resolved.window)) {
    const key = `${record.domain}\u0000${record.task_id}`;
    // Appended in place: copying the task's list on every record made this quadratic per task.
    const attempts = byTask.get(key);
    if (attempts === undefined) byTask.set(key, [record]);
    else attempts.push(record);
  }
  return [...byTask.values()]
    .map((attempts) => taskStats(applyAttemptWindow(attempts, resolved.window), resolved))
    .sort((a, b) => compare(a.domain, b.domain) || compare(a.task_id, b.task_id));
}

export function bandOf(passRate: number, thresholds: { readonly hi: number; readonly lo: number }): DifficultyBand {
  if (passRate >= thresholds.hi) return 'too_easy';
  if (passRate <= thresholds.lo) return 'too_hard';
  return 'learnable';
}

// "Last K policy versions" is global so every task is judged against the same recent policies;
// versions are the distinct values present, since checkpoints need not be numbered contiguously.
function applyVersionWindow(records: readonly AttemptRecord[], window: CurriculumWindow): readonly AttemptRecord[] {
  if (window.kind !== 'policy_versions') return records;
  const versions = [...new Set(records.map((r) => r.policy_version))].sort((a, b) => b - a).slice(0, window.last);
  const kept = new Set(versions);
  return records.filter((r) => kept.has(r.policy_version));
}

function applyAttemptWindow(attempts: readonly AttemptRecord[], window: CurriculumWindow): readonly AttemptRecord[] {
  if (window.kind !== 'attempts') return attempts;
  // Ties on time fall back to policy version then reward so the window does not depend on input order.
  const newestFirst = [...attempts].sort((a, b) => b.occurred_at - a.occurred_at || b.policy_version - a.policy_version || b.reward - a.reward);
  return newestFirst.slice(0, window.last);
}

function taskStats(attempts: readonly AttemptRecord[], options: ResolvedCurriculumOptions): TaskCurriculumStats {
  const first = attempts[0] as AttemptRecord;
  // One pass; rewards are summed in attempt order as before, so mean_reward is bit-for-bit the same.
  // (Math.min(...xs) would also overflow the call stack on a task with ~100k attempts.)
  let passes = 0;
  let sum = 0;
  let minVersion = Infinity;
  let maxVersion = -Infinity;
  let lastAt = -Infinity;
  for (const attempt of attempts) {
    if (attempt.reward >= options.passThreshold) passes++;
    sum += attempt.reward;
    if (attempt.policy_version < minVersion) minVersion = attempt.policy_version;
    if (attempt.policy_version > maxVersion) maxVersion = attempt.policy_version;
    if (attempt.occurred_at > lastAt) lastAt = attempt.occurred_at;
  }
  const pass_rate = passes / attempts.length;
  return {
    task_id: first.task_id,
    domain: first.domain,
    attempts: attempts.length,
    passes,
    pass_rate,
    mean_reward: sum / attempts.length,
    band: bandOf(pass_rate, options),
    min_policy_version: minVersion,
    max_policy_version: maxVersion,
    last_attempt_at: lastAt,
  };
}

function assertFiniteRewards(records: readonly AttemptRecord[]): void {
  const issues = records.flatMap((r, index) => (Number.isFinite(r.reward) ? [] : [{ index, path: 'reward', reason: `not finite: ${r.reward}` }]));
  if (issues.length > 0) throw new ValidationError('attempt rewards must be finite numbers', issues);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
