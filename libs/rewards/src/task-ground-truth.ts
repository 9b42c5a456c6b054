import { ValidationError, type FieldIssue, type TaskDefined } from '@rollout-ledger/contracts';

export interface ExpectedAction {
  readonly name: string;
  /** tau2 `arguments`, or tau-bench v1 `kwargs`. */
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly action_id: string | null;
  /** tau2: who should call it (assistant or user); null when not said. */
  readonly requestor: string | null;
}

/** What a task's `evaluation` JSON may carry (tau-bench v1 and tau2 evaluation_criteria). */
export interface TaskEvaluation {
  readonly expected_state_hash: string | null;
  /** tau-bench v1 `outputs`: strings the agent must say. */
  readonly outputs: readonly string[];
  /** tau2 `communicate_info`: checked by the same rule as outputs. */
  readonly communicate_info: readonly string[];
  readonly actions: readonly ExpectedAction[];
  readonly nl_assertions: readonly string[];
  /** tau2: which checks make up the reward (DB, COMMUNICATE, ACTION, NL_ASSERTION, …). */
  readonly reward_basis: readonly string[];
}

export interface TaskGroundTruth {
  readonly task_id: string;
  readonly domain: string;
  readonly description: string | null;
  readonly user_instruction: string | null;
  readonly evaluation: TaskEvaluation;
}

export function parseTaskDefined(event: TaskDefined): TaskGroundTruth {
  let raw: unknown;
  try {
    raw = JSON.parse(event.evaluation);
  } catch (error) {
    throw new ValidationError(`task ${event.task_id}: evaluation is not valid JSON`, [{ path: 'evaluation', reason: String(error) }]);
  }
  return {
    task_id: event.task_id,
    domain: event.domain,
    description: event.description,
    user_instruction: event.user_instruction,
    evaluation: parseEvaluation(raw, `task ${event.task_id}`),
  };
}

/** Accepts the evaluation object itself or a whole tau2 task (unwrapping `evaluation_criteria`). */
export function parseEvaluation(raw: unknown, label = 'task'): TaskEvaluation {
  const issues: FieldIssue[] = [];
  const root = isRecord(raw) && isRecord(raw['evaluation_criteria']) ? raw['evaluation_criteria'] : raw;
  if (!isRecord(root)) throw new ValidationError(`${label}: evaluation must be a JSON object`, [{ path: 'evaluation', reason: 'not an object' }]);
  const hash = root['expected_state_hash'] ?? null;
  if (hash !== null && typeof hash !== 'string') issues.push({ path: 'evaluation.expected_state_hash', reason: 'must be a string' });
  const evaluation: TaskEvaluation = {
    expected_state_hash: typeof hash === 'string' ? hash : null,
    outputs: stringList(root['outputs'], 'evaluation.outputs', issues),
    communicate_info: stringList(root['communicate_info'], 'evaluation.communicate_info', issues),
    actions: actionList(root['actions'], issues),
    nl_assertions: stringList(root['nl_assertions'], 'evaluation.nl_assertions', issues),
    reward_basis: stringList(root['reward_basis'], 'evaluation.reward_basis', issues),
  };
  if (issues.length > 0) throw new ValidationError(`${label}: invalid evaluation (${issues.map((i) => i.path).join(', ')})`, issues);
  return evaluation;
}

// null and absent mean "none": tau2 writes `nl_assertions: null` for tasks without any.
function stringList(value: unknown, path: string, issues: FieldIssue[]): readonly string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  issues.push({ path, reason: 'must be an array of strings' });
  return [];
}

function actionList(value: unknown, issues: FieldIssue[]): readonly ExpectedAction[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.push({ path: 'evaluation.actions', reason: 'must be an array' });
    return [];
  }
  return value.flatMap((action: unknown, i): ExpectedAction[] => {
    const path = `evaluation.actions[${i}]`;
    if (!isRecord(action) || typeof action['name'] !== 'string') {
      issues.push({ path: `${path}.name`, reason: 'must be a string' });
      return [];
    }
    const args = action['arguments'] ?? action['kwargs'] ?? {};
    if (!isRecord(args)) {
      issues.push({ path: `${path}.arguments`, reason: 'must be an object' });
      return [];
    }
    const id = action['action_id'];
    const requestor = action['requestor'];
    return [{ name: action['name'], arguments: args, action_id: typeof id === 'string' ? id : null, requestor: typeof requestor === 'string' ? requestor : null }];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
