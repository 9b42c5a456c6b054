import type { TaskDefined } from '@rollout-ledger/contracts';
import { contentDigest, deterministicUuid } from './deterministic-id';
import { describe, expectArray, expectId, expectRecord, expectString, isRecord, type ReadContext } from './json-checks';

export interface Tau2Action {
  readonly action_id: string | null;
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  /** tau2: assistant or user (telecom users act too); absent means assistant. */
  readonly requestor: string | null;
}

/** A tau2-bench task (`airline_tasks.json`, `retail_tasks.json`, or `tasks` of a results.json). */
export interface Tau2Task {
  readonly id: string;
  /** The task object as it was in the file: nothing is dropped on the way to TaskDefined. */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly purpose: string | null;
  readonly instructions: Tau2Instructions;
  readonly actions: readonly Tau2Action[];
  readonly communicate_info: readonly string[];
  readonly nl_assertions: readonly string[];
  readonly reward_basis: readonly string[];
}

export interface Tau2Instructions {
  readonly domain: string | null;
  readonly reason_for_call: string | null;
  readonly known_info: string | null;
  readonly unknown_info: string | null;
  readonly task_instructions: string | null;
  /** tau2 also allows a plain string. */
  readonly text: string | null;
}

/** Our task id for a tau2 task: `<domain>-<id>` (tau2 ids repeat across domains). */
export function tau2TaskId(domain: string, id: string): string {
  return `${domain}-${id}`;
}

export function parseTau2Task(raw: unknown, path: string, ctx: ReadContext): Tau2Task | undefined {
  const task = expectRecord(raw, path, ctx);
  if (!task) return undefined;
  const id = expectId(task['id'], `${path}.id`, ctx);
  const description = task['description'];
  const purpose = typeof description === 'string' ? description : isRecord(description) ? stringOrNull(description['purpose']) : null;
  const scenario = task['user_scenario'];
  const instructionsRaw = isRecord(scenario) ? scenario['instructions'] : undefined;
  const criteria = task['evaluation_criteria'];
  const criteriaPath = `${path}.evaluation_criteria`;
  let actions: Tau2Action[] = [];
  if (criteria !== null && criteria !== undefined) {
    const record = expectRecord(criteria, criteriaPath, ctx);
    const list = record?.['actions'];
    if (list !== null && list !== undefined) actions = parseActions(list, `${criteriaPath}.actions`, ctx);
  }
  const criteriaRecord = isRecord(criteria) ? criteria : {};
  return {
    id,
    raw: task,
    purpose,
    instructions: parseInstructions(instructionsRaw),
    actions,
    communicate_info: stringList(criteriaRecord['communicate_info'], `${criteriaPath}.communicate_info`, ctx),
    nl_assertions: stringList(criteriaRecord['nl_assertions'], `${criteriaPath}.nl_assertions`, ctx),
    reward_basis: stringList(criteriaRecord['reward_basis'], `${criteriaPath}.reward_basis`, ctx),
  };
}

function parseActions(value: unknown, path: string, ctx: ReadContext): Tau2Action[] {
  const list = expectArray(value, path, ctx) ?? [];
  return list.flatMap((item, i): Tau2Action[] => {
    const action = expectRecord(item, `${path}[${i}]`, ctx);
    if (!action) return [];
    const name = expectString(action['name'], `${path}[${i}].name`, ctx) ?? '';
    const args = action['arguments'] ?? {};
    if (!isRecord(args)) {
      ctx.log.add(ctx.index, `${path}[${i}].arguments`, `must be an object, got ${describe(args)}`);
      return [];
    }
    return [{ action_id: stringOrNull(action['action_id']), name, arguments: args, requestor: stringOrNull(action['requestor']) }];
  });
}

function parseInstructions(value: unknown): Tau2Instructions {
  if (typeof value === 'string') {
    return { domain: null, reason_for_call: null, known_info: null, unknown_info: null, task_instructions: null, text: value };
  }
  const r = isRecord(value) ? value : {};
  return {
    domain: stringOrNull(r['domain']),
    reason_for_call: stringOrNull(r['reason_for_call']),
    known_info: stringOrNull(r['known_info']),
    unknown_info: stringOrNull(r['unknown_info']),
    task_instructions: stringOrNull(r['task_instructions']),
    text: null,
  };
}

/** The instruction as the simulated user reads it (tau2 renders the structured form the same way). */
export function renderTau2Instructions(instructions: Tau2Instructions): string | null {
  if (instructions.text !== null) return instructions.text;
  const parts = [
    ['Domain', instructions.domain],
    ['Reason for call', instructions.reason_for_call],
    ['Known info', instructions.known_info],
    ['Unknown info', instructions.unknown_info],
    ['Task instructions', instructions.task_instructions],
  ].filter((entry): entry is [string, string] => entry[1] !== null && entry[1] !== '');
  return parts.length === 0 ? null : parts.map(([label, text]) => `${label}:\n${text}`).join('\n\n');
}

/**
 * tau2 decides DB correctness by replaying the gold actions on the initial state and comparing
 * database hashes, but writes neither hash to its results. The expected state is fully determined
 * by (domain, task, initial_state, gold actions), so we name it by a digest of exactly those: an
 * imported rollout that tau2 judged db_match carries it as final_state_hash, a simulated passing
 * rollout does too, and `db-hash@1` recomputes the same reward from either.
 */
export function tau2ExpectedStateHash(domain: string, task: Tau2Task): string {
  return contentDigest({ benchmark: 'tau2', domain, id: task.id, initial_state: task.raw['initial_state'] ?? null, actions: task.actions });
}

/** The TaskDefined of a tau2 task: ground truth for reward functions, the whole task kept in `source`. */
export function tau2TaskDefined(domain: string, task: Tau2Task, occurredAt: number): TaskDefined {
  const task_id = tau2TaskId(domain, task.id);
  const evaluation = {
    expected_state_hash: tau2ExpectedStateHash(domain, task),
    actions: task.actions,
    outputs: [],
    communicate_info: task.communicate_info,
    nl_assertions: task.nl_assertions,
    reward_basis: task.reward_basis,
    source: { benchmark: 'tau2', domain, task: task.raw },
  };
  return {
    event_id: deterministicUuid('TaskDefined', task_id, contentDigest(evaluation)),
    task_id,
    domain,
    description: task.purpose ?? task.instructions.reason_for_call,
    user_instruction: renderTau2Instructions(task.instructions),
    evaluation: JSON.stringify(evaluation),
    occurred_at: occurredAt,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function stringList(value: unknown, path: string, ctx: ReadContext): readonly string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  ctx.log.add(ctx.index, path, `must be an array of strings or null, got ${describe(value)}`);
  return [];
}
