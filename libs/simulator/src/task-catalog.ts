import { ValidationError, type TaskDefined } from '@rollout-ledger/contracts';
import { IssueLog, parseTau2Task, tau2ExpectedStateHash, tau2TaskDefined, type Tau2Task } from '@rollout-ledger/importers';
import { inferToolSchemas } from './tool-schemas';

/** A task the simulator can roll out: the real tau2 task and what the events need of it. */
export interface SimTask {
  readonly task_id: string;
  readonly domain: string;
  readonly task: Tau2Task;
  readonly expected_state_hash: string;
  /** JSON array of the domain's tool schemas (OpenAI function format). */
  readonly tools: string;
  /** What the simulated user is told (TaskDefined.user_instruction). */
  readonly user_instruction: string | null;
  definition(occurredAt: number): TaskDefined;
}

export interface TaskFile {
  readonly domain: string;
  /** The parsed JSON of a tau2 task file (an array of tasks). */
  readonly json: unknown;
}

/** Tasks of several tau2 task files, domain by domain in the given order, tasks in file order. */
export function buildTaskCatalog(files: readonly TaskFile[]): SimTask[] {
  return files.flatMap((file) => {
    const tasks = parseTau2TaskList(file.json, file.domain);
    const tools = JSON.stringify(inferToolSchemas(tasks));
    return tasks.map((task): SimTask => {
      // Built once: digesting the whole task per rollout would dominate generation time.
      const template = tau2TaskDefined(file.domain, task, 0);
      return {
        task_id: template.task_id,
        domain: file.domain,
        task,
        expected_state_hash: tau2ExpectedStateHash(file.domain, task),
        tools,
        user_instruction: template.user_instruction,
        definition: (occurredAt) => ({ ...template, occurred_at: occurredAt }),
      };
    });
  });
}

export function parseTau2TaskList(json: unknown, domain: string): Tau2Task[] {
  const log = new IssueLog();
  if (!Array.isArray(json)) throw new ValidationError(`${domain} task file must be a JSON array of tasks`, [{ path: '(file)', reason: 'not an array' }]);
  const tasks = json.flatMap((raw, index) => parseTau2Task(raw, `[${index}]`, { log, index }) ?? []);
  if (log.issues.length > 0) {
    throw new ValidationError(`Invalid ${domain} task file: ${log.issues.slice(0, 5).map((i) => `${i.path}: ${i.reason}`).join('; ')}`, log.issues);
  }
  return tasks;
}
