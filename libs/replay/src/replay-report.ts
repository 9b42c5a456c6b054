import type { RolloutOutcome, SkipReason } from './rollout.scoring';

/** The diff of one slice (a task, a domain, or everything). */
export interface ReplaySliceStats {
  readonly key: string;
  readonly rollouts_scored: number;
  /** Scored rollouts that had a baseline reward to compare with. */
  readonly with_baseline: number;
  readonly rewards_changed: number;
  /** Failed before (reward < pass threshold), passes after. */
  readonly flips_0_to_1: number;
  readonly flips_1_to_0: number;
  /** Over the rollouts with a baseline; null when there is none. */
  readonly mean_before: number | null;
  /** Over every scored rollout; null when none was scored. */
  readonly mean_after: number | null;
}

export interface ReplayReport extends Omit<ReplaySliceStats, 'key'> {
  readonly reward_fn: string;
  /** `online`, or the `name@version` given as --baseline. */
  readonly baseline: string;
  readonly pass_threshold: number;
  readonly rollouts_seen: number;
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
  /** New RewardAssigned events (published, or that would be in a dry run). */
  readonly to_publish: number;
  /** Already in the stream with identical content: nothing to append (a rerun). */
  readonly already_present: number;
  /** Already in the stream under the same id but with other content: not appended (see README). */
  readonly conflicts: number;
  readonly by_task: readonly ReplaySliceStats[];
  readonly by_domain: readonly ReplaySliceStats[];
}

export interface ReplayReportMeta {
  readonly reward_fn: string;
  readonly baseline: string;
  readonly pass_threshold: number;
}

type Scored = Extract<RolloutOutcome, { status: 'scored' }>;

// Rewards are doubles from arbitrary functions: differences below this are rounding, not change.
const EPSILON = 1e-9;

/** The replay's diff report. Pure: same outcomes (in any order) → same report. */
export function buildReplayReport(outcomes: readonly RolloutOutcome[], meta: ReplayReportMeta): ReplayReport {
  const scored = outcomes.filter((o): o is Scored => o.status === 'scored');
  const skipped: Partial<Record<SkipReason, number>> = {};
  for (const outcome of outcomes) if (outcome.status === 'skipped') skipped[outcome.reason] = (skipped[outcome.reason] ?? 0) + 1;
  const { key: _key, ...overall } = sliceStats('all', scored, meta.pass_threshold);
  void _key;
  return {
    reward_fn: meta.reward_fn,
    baseline: meta.baseline,
    pass_threshold: meta.pass_threshold,
    rollouts_seen: outcomes.length,
    ...overall,
    skipped: sortKeys(skipped),
    to_publish: scored.filter((o) => o.publication === 'new').length,
    already_present: scored.filter((o) => o.publication === 'present').length,
    conflicts: scored.filter((o) => o.publication === 'conflict').length,
    by_task: slices(scored, (o) => o.task_id, meta.pass_threshold),
    by_domain: slices(scored, (o) => o.domain, meta.pass_threshold),
  };
}

function slices(scored: readonly Scored[], keyOf: (o: Scored) => string, threshold: number): ReplaySliceStats[] {
  const groups = new Map<string, Scored[]>();
  for (const outcome of scored) {
    const key = keyOf(outcome);
    const list = groups.get(key) ?? [];
    list.push(outcome);
    groups.set(key, list);
  }
  return [...groups.keys()].sort().map((key) => sliceStats(key, groups.get(key) ?? [], threshold));
}

function sliceStats(key: string, scored: readonly Scored[], threshold: number): ReplaySliceStats {
  const paired = scored.filter((o): o is Scored & { before: number } => o.before !== null);
  const passes = (reward: number) => reward >= threshold;
  return {
    key,
    rollouts_scored: scored.length,
    with_baseline: paired.length,
    rewards_changed: paired.filter((o) => Math.abs(o.after - o.before) > EPSILON).length,
    flips_0_to_1: paired.filter((o) => !passes(o.before) && passes(o.after)).length,
    flips_1_to_0: paired.filter((o) => passes(o.before) && !passes(o.after)).length,
    mean_before: mean(paired.map((o) => o.before)),
    mean_after: mean(scored.map((o) => o.after)),
  };
}

// Sorted first so the float sum (and thus the printed mean) does not depend on input order.
function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
}

function sortKeys<T>(record: Partial<Record<string, T>>): Partial<Record<string, T>> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
