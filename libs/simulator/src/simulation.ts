import { ValidationError, type TypedEvent } from '@rollout-ledger/contracts';
import { deterministicUuid } from '@rollout-ledger/importers';
import { simulateRollout } from './rollout.generator';
import { SeededRandom } from './seeded-random';
import type { SimTask } from './task-catalog';

export interface SimulationOptions {
  readonly seed: number;
  /** run_id of the simulated training run; with `runs` > 1, runs are `<runId>-0`, `<runId>-1`, … */
  readonly runId: string;
  readonly runs?: number;
  /** The task pool (see loadTau2Catalog); `taskCount` of them are used, picked by the seed. */
  readonly catalog: readonly SimTask[];
  /** Default: every task of the catalog. */
  readonly taskCount?: number;
  /** G, rollouts per group. Default 8 (MUA-RL). */
  readonly groupSize?: number;
  /** Rollouts per run, in whole groups (rounded up). Default taskCount × groupSize: each task once. */
  readonly rollouts?: number;
  /** Mean share of rollouts that reach the expected state (reward 1). Default 0.5. */
  readonly passRate?: number;
  /** token_ids/logprobs on assistant turns: true for every run, or the share of runs. Default false. */
  readonly tokenFields?: boolean | number;
  /** policy_version of the first groups. Default 0. */
  readonly policyVersion?: number;
  /** Groups per policy version (a training step): MUA-RL steps on 32 prompts. Default 32. */
  readonly groupsPerPolicyVersion?: number;
  /** occurred_at of the first rollout (epoch ms). Default 2026-01-01T00:00:00Z. */
  readonly startTime?: number;
  /** Share of tool calls that fail once before the right call. Default 0.05. */
  readonly toolErrorRate?: number;
  /** Interleave the events of a group's rollouts, as G parallel workers would send them. Default false. */
  readonly interleave?: boolean;
  /** Emit each task's TaskDefined before its first rollout. Default true. */
  readonly taskDefinitions?: boolean;
}

/** What a simulation will produce, without producing it. */
export interface SimulationPlan {
  readonly runs: readonly { readonly run_id: string; readonly token_fields: boolean }[];
  readonly tasks: readonly SimTask[];
  readonly groupSize: number;
  readonly groupsPerRun: number;
  readonly rolloutsPerRun: number;
}

const DEFAULT_START = Date.UTC(2026, 0, 1);

export function planSimulation(options: SimulationOptions): SimulationPlan {
  const groupSize = options.groupSize ?? 8;
  const runCount = options.runs ?? 1;
  const taskCount = options.taskCount ?? options.catalog.length;
  const passRate = options.passRate ?? 0.5;
  const problems = [
    ...(options.catalog.length === 0 ? [{ path: 'catalog', reason: 'no tasks to simulate' }] : []),
    ...(Number.isInteger(groupSize) && groupSize >= 1 ? [] : [{ path: 'groupSize', reason: `must be an integer ≥ 1, got ${groupSize}` }]),
    ...(Number.isInteger(runCount) && runCount >= 1 ? [] : [{ path: 'runs', reason: `must be an integer ≥ 1, got ${runCount}` }]),
    ...(Number.isInteger(taskCount) && taskCount >= 1 && taskCount <= options.catalog.length ? [] : [{ path: 'taskCount', reason: `must be 1..${options.catalog.length}, got ${taskCount}` }]),
    ...(passRate >= 0 && passRate <= 1 ? [] : [{ path: 'passRate', reason: `must be in [0, 1], got ${passRate}` }]),
  ];
  if (problems.length > 0) throw new ValidationError(`Invalid simulation options: ${problems.map((p) => `${p.path} ${p.reason}`).join('; ')}`, problems);
  const order = new SeededRandom('tasks', options.seed);
  const tasks = shuffle(options.catalog, order).slice(0, taskCount);
  const groupsPerRun = Math.ceil((options.rollouts ?? taskCount * groupSize) / groupSize);
  const share = options.tokenFields === true ? 1 : options.tokenFields === false || options.tokenFields === undefined ? 0 : options.tokenFields;
  const runs = Array.from({ length: runCount }, (_, k) => ({
    run_id: runCount === 1 ? options.runId : `${options.runId}-${k}`,
    token_fields: share >= 1 || (share > 0 && new SeededRandom('token-fields', options.seed, k).chance(share)),
  }));
  return { runs, tasks, groupSize, groupsPerRun, rolloutsPerRun: groupsPerRun * groupSize };
}

/**
 * The simulated event stream: a pure function of the options (same options, same events, same
 * ids), produced lazily so millions of events need only one group in memory. Groups cycle
 * through the tasks; every `groupsPerPolicyVersion` groups the policy version advances.
 */
export function* generate(options: SimulationOptions): Generator<TypedEvent> {
  const plan = planSimulation(options);
  const start = options.startTime ?? DEFAULT_START;
  const perVersion = Math.max(1, options.groupsPerPolicyVersion ?? 32);
  const defined = new Set<string>();
  const passRate = options.passRate ?? 0.5;
  for (const [k, run] of plan.runs.entries()) {
    for (let g = 0; g < plan.groupsPerRun; g++) {
      const task = plan.tasks[g % plan.tasks.length];
      const groupStart = start + k * 86_400_000 + g * 2_500;
      if (options.taskDefinitions !== false && !defined.has(task.task_id)) {
        defined.add(task.task_id);
        yield { type: 'TaskDefined', data: task.definition(groupStart) };
      }
      const group_id = deterministicUuid('sim', options.seed, run.run_id, 'group', g);
      const pass_probability = taskPassProbability(passRate, options.seed, task.task_id);
      const rollouts: TypedEvent[][] = [];
      for (let attempt = 0; attempt < plan.groupSize; attempt++) {
        rollouts.push(
          simulateRollout(task, {
            seed: options.seed,
            run_id: run.run_id,
            group_id,
            rollout_id: deterministicUuid('sim', options.seed, run.run_id, 'rollout', g, attempt),
            group_size: plan.groupSize,
            attempt,
            policy_version: (options.policyVersion ?? 0) + Math.floor(g / perVersion),
            started_at: groupStart + attempt * 40,
            pass_probability,
            token_fields: run.token_fields,
            tool_error_rate: options.toolErrorRate ?? 0.05,
          }),
        );
      }
      yield* options.interleave ? roundRobin(rollouts) : rollouts.flat();
    }
  }
}

/**
 * Tasks differ in difficulty around the requested mean: each gets pass_rate ± up to half the
 * distance to the nearer bound, so the mean stays pass_rate and 0 and 1 stay exact.
 */
export function taskPassProbability(passRate: number, seed: number, taskId: string): number {
  const offset = new SeededRandom('difficulty', seed, taskId).next() - 0.5;
  return passRate + offset * 2 * Math.min(passRate, 1 - passRate) * 0.7;
}

function* roundRobin(lists: readonly TypedEvent[][]): Generator<TypedEvent> {
  const longest = Math.max(...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) yield list[i];
}

function shuffle<T>(items: readonly T[], rng: SeededRandom): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
