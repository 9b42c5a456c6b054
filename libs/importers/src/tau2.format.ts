import type { Role } from '@rollout-ledger/contracts';
import { describe, expectArray, expectId, expectNumber, expectRecord, expectString, IssueLog, isRecord, type ReadContext } from './json-checks';
import type { ImportedMessage, ImportedToolCall } from './openai-message.format';
import { throwIfIssues } from './tau-bench.format';
import { parseTau2Task, type Tau2Task } from './tau2-task';

/** One SimulationRun of a tau2 `results.json`. */
export interface Tau2Simulation {
  readonly index: number;
  readonly id: string;
  readonly task_id: string;
  readonly trial: number | null;
  readonly start_time: number | null;
  readonly end_time: number | null;
  readonly duration_s: number | null;
  readonly termination_reason: string;
  /** reward_info as in the file (null when tau2 did not evaluate). */
  readonly reward_info: Readonly<Record<string, unknown>> | null;
  readonly messages: readonly ImportedMessage[];
  /** The run's other fields (agent_cost, user_cost, seed, …), kept for the reward details. */
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface Tau2Results {
  readonly info: Readonly<Record<string, unknown>>;
  readonly domain: string | null;
  readonly tasks: readonly Tau2Task[];
  readonly simulations: readonly Tau2Simulation[];
}

/** Reads a whole tau2 results.json, or throws one ValidationError listing every problem. */
export function parseTau2Results(json: unknown): Tau2Results {
  const log = new IssueLog();
  const root = expectRecord(json, '(file)', { log }) ?? {};
  const info = root['info'] === undefined ? {} : (expectRecord(root['info'], 'info', { log }) ?? {});
  const env = isRecord(info['environment_info']) ? info['environment_info'] : {};
  const tasks = (expectArray(root['tasks'] ?? [], 'tasks', { log }) ?? []).flatMap((t, i) => parseTau2Task(t, `tasks[${i}]`, { log }) ?? []);
  const rawSims = expectArray(root['simulations'], 'simulations', { log }) ?? [];
  if (rawSims.length === 0 && log.issues.length === 0) log.add(undefined, 'simulations', 'the file holds no simulations');
  const taskIds = new Set(tasks.map((t) => t.id));
  const simulations = rawSims.flatMap((raw, index) => {
    const sim = parseSimulation(raw, index, { log, index });
    if (sim && tasks.length > 0 && !taskIds.has(sim.task_id)) log.add(index, `simulations[${index}].task_id`, `no task with id ${JSON.stringify(sim.task_id)} in tasks`);
    return sim ? [sim] : [];
  });
  throwIfIssues('tau2', log, (index) => {
    const sim = rawSims[index];
    return isRecord(sim) ? ` (simulation ${String(sim['id'])}, task ${String(sim['task_id'])})` : '';
  });
  return { info, domain: typeof env['domain_name'] === 'string' ? env['domain_name'] : null, tasks, simulations };
}

const KNOWN = new Set(['id', 'task_id', 'trial', 'start_time', 'end_time', 'duration', 'termination_reason', 'reward_info', 'messages']);

function parseSimulation(raw: unknown, index: number, ctx: ReadContext): Tau2Simulation | undefined {
  const path = `simulations[${index}]`;
  const sim = expectRecord(raw, path, ctx);
  if (!sim) return undefined;
  const rewardInfo = sim['reward_info'] === null || sim['reward_info'] === undefined ? null : (expectRecord(sim['reward_info'], `${path}.reward_info`, ctx) ?? null);
  if (rewardInfo) expectNumber(rewardInfo['reward'], `${path}.reward_info.reward`, ctx);
  const messages = (expectArray(sim['messages'], `${path}.messages`, ctx) ?? []).flatMap((m, i) => parseTau2Message(m, `${path}.messages[${i}]`, ctx) ?? []);
  return {
    index,
    id: expectId(sim['id'], `${path}.id`, ctx),
    task_id: expectId(sim['task_id'], `${path}.task_id`, ctx),
    trial: expectNumber(sim['trial'], `${path}.trial`, ctx, true),
    start_time: parseTime(sim['start_time'], `${path}.start_time`, ctx),
    end_time: parseTime(sim['end_time'], `${path}.end_time`, ctx),
    duration_s: expectNumber(sim['duration'], `${path}.duration`, ctx, true),
    termination_reason: expectString(sim['termination_reason'], `${path}.termination_reason`, ctx) ?? '',
    reward_info: rewardInfo,
    messages,
    extra: Object.fromEntries(Object.entries(sim).filter(([k]) => !KNOWN.has(k))),
  };
}

const ROLES: readonly Role[] = ['system', 'user', 'assistant', 'tool'];

function parseTau2Message(raw: unknown, path: string, ctx: ReadContext): ImportedMessage | undefined {
  const m = expectRecord(raw, path, ctx);
  if (!m) return undefined;
  const role = m['role'];
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    ctx.log.add(ctx.index, `${path}.role`, `must be one of ${ROLES.join(', ')}, got ${describe(role)}`);
    return undefined;
  }
  const calls = m['tool_calls'] === null || m['tool_calls'] === undefined ? [] : (expectArray(m['tool_calls'], `${path}.tool_calls`, ctx) ?? []);
  const tool_calls = calls.flatMap((c, i) => parseToolCall(c, `${path}.tool_calls[${i}]`, role === 'user' ? 'user' : 'assistant', ctx) ?? []);
  const isTool = role === 'tool';
  const error = m['error'];
  if (isTool && error !== undefined && error !== null && typeof error !== 'boolean') ctx.log.add(ctx.index, `${path}.error`, `must be a boolean, got ${describe(error)}`);
  const usage = isRecord(m['usage']) ? m['usage'] : null;
  const prompt = usage ? usage['prompt_tokens'] : undefined;
  const completion = usage ? usage['completion_tokens'] : undefined;
  return {
    role: role as Role,
    content: expectString(m['content'], `${path}.content`, ctx, true),
    tool_calls,
    tool_call_id: isTool ? expectString(m['id'], `${path}.id`, ctx) : null,
    name: null,
    error: isTool ? error === true : null,
    occurred_at: m['timestamp'] === undefined || m['timestamp'] === null ? null : parseTime(m['timestamp'], `${path}.timestamp`, ctx),
    usage: typeof prompt === 'number' && typeof completion === 'number' ? { prompt_tokens: prompt, completion_tokens: completion } : null,
  };
}

function parseToolCall(raw: unknown, path: string, fallback: 'assistant' | 'user', ctx: ReadContext): ImportedToolCall | undefined {
  const call = expectRecord(raw, path, ctx);
  if (!call) return undefined;
  const args = call['arguments'];
  if (!isRecord(args)) ctx.log.add(ctx.index, `${path}.arguments`, `must be an object, got ${describe(args)}`);
  const requestor = call['requestor'] ?? fallback;
  if (requestor !== 'assistant' && requestor !== 'user') ctx.log.add(ctx.index, `${path}.requestor`, `must be assistant or user, got ${describe(requestor)}`);
  return {
    id: expectString(call['id'], `${path}.id`, ctx) ?? '',
    name: expectString(call['name'], `${path}.name`, ctx) ?? '',
    // JSON.stringify keeps the file's key order, so the string is the object the model produced.
    arguments: JSON.stringify(isRecord(args) ? args : {}),
    requestor: requestor === 'user' ? 'user' : 'assistant',
  };
}

/** tau2 writes ISO-8601 local times without a zone (datetime.now().isoformat()); read as UTC. */
function parseTime(value: unknown, path: string, ctx: ReadContext): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') {
    ctx.log.add(ctx.index, path, `must be an ISO-8601 time string, got ${describe(value)}`);
    return null;
  }
  const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(ms)) {
    ctx.log.add(ctx.index, path, `is not an ISO-8601 time: ${JSON.stringify(value)}`);
    return null;
  }
  return ms;
}
