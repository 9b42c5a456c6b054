import { ValidationError } from '@rollout-ledger/contracts';
import { asScore, expectArray, expectId, expectNumber, expectRecord, expectString, IssueLog, isRecord, type ReadContext } from './json-checks';
import { parseOpenAIMessage, type ImportedMessage } from './openai-message.format';

export interface TauBenchTask {
  readonly user_id: string | null;
  readonly actions: readonly { readonly name: string; readonly kwargs: Readonly<Record<string, unknown>> }[];
  readonly instruction: string | null;
  readonly outputs: readonly string[];
  readonly raw: Readonly<Record<string, unknown>>;
}

/** One trial of a tau-bench v1 results file (design §8). */
export interface TauBenchRun {
  /** Position in the file (error messages name it). */
  readonly index: number;
  readonly task_id: string;
  readonly trial: number;
  readonly reward: number;
  readonly task: TauBenchTask;
  /** `info` minus `task`: source, user_cost, reward_info, as in the file. */
  readonly info: Readonly<Record<string, unknown>>;
  /** r_actions, r_outputs… from `info.reward_info.info`. */
  readonly components: Readonly<Record<string, number>>;
  readonly gt_data_hash: string | null;
  readonly traj: readonly ImportedMessage[];
}

/**
 * Reads a whole tau-bench v1 results file, or throws one ValidationError listing every problem
 * (`runs[3] (task 5, trial 1): traj[4].tool_calls[0].function.name: must be a string`).
 */
export function parseTauBenchFile(json: unknown): TauBenchRun[] {
  const log = new IssueLog();
  const runs = expectArray(json, 'runs', { log }) ?? [];
  const parsed = runs.map((raw, index) => parseRun(raw, index, { log, index }));
  if (runs.length === 0 && log.issues.length === 0) log.add(undefined, 'runs', 'the file holds no runs');
  throwIfIssues('tau-bench', log, (index) => label(runs[index]));
  return parsed.filter((run): run is TauBenchRun => run !== undefined);
}

function parseRun(raw: unknown, index: number, ctx: ReadContext): TauBenchRun | undefined {
  const path = `runs[${index}]`;
  const run = expectRecord(raw, path, ctx);
  if (!run) return undefined;
  const task_id = expectId(run['task_id'], `${path}.task_id`, ctx);
  const trial = expectNumber(run['trial'], `${path}.trial`, ctx, true) ?? 0;
  const reward = expectNumber(run['reward'], `${path}.reward`, ctx) ?? 0;
  const info = expectRecord(run['info'], `${path}.info`, ctx) ?? {};
  const task = parseTask(info['task'], `${path}.info.task`, ctx);
  const traj = (expectArray(run['traj'], `${path}.traj`, ctx) ?? []).map((m, i) => parseOpenAIMessage(m, `${path}.traj[${i}]`, ctx));
  const rewardInfo = isRecord(info['reward_info']) ? info['reward_info'] : {};
  const scores = isRecord(rewardInfo['info']) ? rewardInfo['info'] : {};
  const components: Record<string, number> = {};
  for (const key of ['r_actions', 'r_outputs']) {
    const score = asScore(scores[key]);
    if (score !== null) components[key] = score;
  }
  const hash = scores['gt_data_hash'];
  const { task: _task, ...rest } = info;
  void _task;
  return {
    index,
    task_id,
    trial,
    reward,
    task,
    info: rest,
    components,
    gt_data_hash: typeof hash === 'string' ? hash : null,
    traj: traj.filter((m): m is ImportedMessage => m !== undefined),
  };
}

function parseTask(raw: unknown, path: string, ctx: ReadContext): TauBenchTask {
  const task = expectRecord(raw, path, ctx) ?? {};
  const actions = (expectArray(task['actions'] ?? [], `${path}.actions`, ctx) ?? []).flatMap((a, i) => {
    const action = expectRecord(a, `${path}.actions[${i}]`, ctx);
    if (!action) return [];
    const name = expectString(action['name'], `${path}.actions[${i}].name`, ctx) ?? '';
    const kwargs = expectRecord(action['kwargs'] ?? {}, `${path}.actions[${i}].kwargs`, ctx) ?? {};
    return [{ name, kwargs }];
  });
  const outputs = (expectArray(task['outputs'] ?? [], `${path}.outputs`, ctx) ?? []).map((o, i) => expectString(o, `${path}.outputs[${i}]`, ctx) ?? '');
  return {
    user_id: expectString(task['user_id'], `${path}.user_id`, ctx, true),
    actions,
    instruction: expectString(task['instruction'], `${path}.instruction`, ctx, true),
    outputs,
    raw: task,
  };
}

function label(raw: unknown): string {
  if (!isRecord(raw)) return '';
  return ` (task ${String(raw['task_id'])}, trial ${String(raw['trial'])})`;
}

/** One ValidationError for the whole file; the message names the first runs and paths. */
export function throwIfIssues(format: string, log: IssueLog, describeRun: (index: number) => string): void {
  if (log.issues.length === 0) return;
  const lines = log.issues.slice(0, 10).map((issue) => `  ${issue.path}${issue.index === undefined ? '' : describeRun(issue.index)}: ${issue.reason}`);
  const more = log.issues.length > 10 ? `\n  … and ${log.issues.length - 10} more` : '';
  throw new ValidationError(`Invalid ${format} file (${log.issues.length} problem${log.issues.length === 1 ? '' : 's'}); nothing was published:\n${lines.join('\n')}${more}`, log.issues);
}
