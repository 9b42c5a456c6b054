import type { RewardAssigned } from '@rollout-ledger/contracts';
import { formatRewardFnRef, type RewardFunction } from '@rollout-ledger/rewards';
import { buildReplayReport, type ReplayReport } from './replay-report';
import type { ReadSummary, ReplayInput, ReplayProgress, RewardPublisher } from './replay.ports';
import { scoreRollout, type ReplayBaseline, type RolloutOutcome } from './rollout.scoring';
import { TaskCatalog } from './task-catalog';
import { TrajectoryAccumulator } from './trajectory.accumulator';

export interface ReplayEngineOptions {
  readonly rewardFn: RewardFunction;
  readonly baseline: ReplayBaseline;
  readonly runId?: string;
  readonly dryRun: boolean;
  /** A reward ≥ this counts as a pass when counting flips. */
  readonly passThreshold: number;
  /** Rollouts scored, then published, per step: a crash loses at most one step's work. */
  readonly batchSize: number;
  /** Reward calls in flight at once (matters for the HTTP reward service). */
  readonly concurrency: number;
}

export interface ReplayTimings {
  readonly read_ms: number;
  readonly score_ms: number;
}

export interface ReplayOutcome {
  readonly report: ReplayReport;
  readonly read: ReadSummary & { readonly rollouts: number; readonly events_outside_run: number };
  readonly published: number;
  readonly dry_run: boolean;
  readonly timings: ReplayTimings;
}

export interface ReplayEngineDeps {
  readonly input: ReplayInput;
  readonly publisher: RewardPublisher;
  readonly progress: ReplayProgress;
  /** Monotonic milliseconds, for the timings only. */
  readonly clock?: () => number;
}

/**
 * Reads the range, rebuilds every trajectory, scores each with the reward function and appends the
 * new RewardAssigned(source=replay) events, step by step in rollout-id order. Events already in
 * the stream (an earlier or crashed run of the same replay) are recognised by their deterministic
 * ids and not appended again.
 */
export async function runReplayEngine(deps: ReplayEngineDeps, options: ReplayEngineOptions): Promise<ReplayOutcome> {
  const clock = deps.clock ?? (() => performance.now());
  const tasks = new TaskCatalog();
  const trajectories = new TrajectoryAccumulator(options.runId);
  const startRead = clock();
  const summary = await deps.input.read({
    onTask: (task) => tasks.add(task),
    onEvent: (event) => trajectories.add(event),
    onProgress: (read, total) => deps.progress.reading(read, total),
  });
  const readMs = clock() - startRead;

  const startScore = clock();
  const ids = trajectories.rolloutIds();
  const outcomes: RolloutOutcome[] = [];
  let published = 0;
  deps.progress.scoring(0, ids.length, 0);
  for (let from = 0; from < ids.length; from += options.batchSize) {
    const step = ids.slice(from, from + options.batchSize);
    const scored = await mapConcurrent(step, options.concurrency, (id) => {
      const trajectory = trajectories.take(id);
      if (trajectory === undefined) throw new Error(`rollout ${id} vanished from the accumulator`);
      return scoreRollout(trajectory, tasks, options.rewardFn, options.baseline);
    });
    const fresh: RewardAssigned[] = scored.flatMap((o) => (o.status === 'scored' && o.publication === 'new' ? [o.event] : []));
    if (!options.dryRun && fresh.length > 0) {
      await deps.publisher.publish(fresh);
      published += fresh.length;
    }
    outcomes.push(...scored.map(compact));
    deps.progress.scoring(outcomes.length, ids.length, published);
  }
  deps.progress.done();

  const report = buildReplayReport(outcomes, {
    reward_fn: formatRewardFnRef(options.rewardFn),
    baseline: options.baseline.kind === 'online' ? 'online' : options.baseline.ref,
    pass_threshold: options.passThreshold,
  });
  return {
    report,
    read: { ...summary, rollouts: ids.length, events_outside_run: trajectories.ignoredEvents },
    published,
    dry_run: options.dryRun,
    timings: { read_ms: readMs, score_ms: clock() - startScore },
  };
}

// The report needs the numbers, not the event bodies (details can be large): keep memory flat.
function compact(outcome: RolloutOutcome): RolloutOutcome {
  if (outcome.status !== 'scored') return outcome;
  return { ...outcome, event: { ...outcome.event, details: null, components: {} } };
}

/** Like Promise.all(items.map(fn)) with at most `limit` calls in flight; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
