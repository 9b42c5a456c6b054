import { ValidationError, type SamplingParams, type TypedEvent } from '@rollout-ledger/contracts';
import { deterministicUuid } from './deterministic-id';
import { placementOf, rolloutEvents, type GroupPlacement, type ImportedRollout } from './imported-rollout';
import type { ImportOptions } from './import-options';
import { asScore, isRecord } from './json-checks';
import type { ImportedMessage } from './openai-message.format';
import type { ImportResult } from './tau-bench.importer';
import type { Tau2Results, Tau2Simulation } from './tau2.format';
import { renderTau2Instructions, tau2ExpectedStateHash, tau2TaskDefined, tau2TaskId, type Tau2Task } from './tau2-task';

/** tau2 TerminationReason → ours; the original stays in the labels. */
export function mapTau2Termination(reason: string, messages: readonly ImportedMessage[]): string {
  switch (reason) {
    case 'agent_stop':
      return messages.some((m) => m.tool_calls.some((c) => c.name === 'transfer_to_human_agents')) ? 'transfer_to_human' : 'agent_stop';
    case 'user_stop':
      return 'user_stop';
    case 'max_steps':
      return 'max_turns';
    case 'too_many_errors':
    case 'agent_error':
    case 'user_error':
      return 'error';
    default:
      return reason;
  }
}

/**
 * tau2 results → events. Simulations of one task form one group (group_size = simulations of that
 * task in the file, attempt = rank by trial); reward_info becomes RewardAssigned(source=import)
 * with its checks as components and the whole reward_info in details.
 */
export function convertTau2(results: Tau2Results, options: ImportOptions, fileDigest: string): ImportResult {
  const domain = options.domain ?? results.domain;
  if (domain === null) {
    throw new ValidationError('This tau2 file does not name its domain (info.environment_info.domain_name); pass --domain', [{ path: 'info.environment_info.domain_name', reason: 'missing' }]);
  }
  const run_id = options.runId ?? `tau2-${fileDigest.slice(0, 12)}`;
  const tasks = new Map(results.tasks.map((t) => [t.id, t]));
  const context = runContext(results.info);
  const byTask = new Map<string, Tau2Simulation[]>();
  for (const sim of results.simulations) byTask.set(sim.task_id, [...(byTask.get(sim.task_id) ?? []), sim]);
  const firstTime = Math.min(...results.simulations.map((s) => s.start_time ?? options.fallbackTime));
  const events: TypedEvent[] = results.tasks.map((task) => ({ type: 'TaskDefined', data: tau2TaskDefined(domain, task, firstTime) }));
  let passed = 0;
  for (const [sourceTaskId, sims] of byTask) {
    const task_id = tau2TaskId(domain, sourceTaskId);
    const group_id = deterministicUuid('tau2', run_id, 'group', task_id);
    const ordered = [...sims].sort((a, b) => (a.trial ?? 0) - (b.trial ?? 0) || a.index - b.index);
    ordered.forEach((sim, attempt) => {
      const reward = asScore(sim.reward_info?.['reward']) ?? 0;
      if (reward >= 1) passed += 1;
      const rollout = toRollout(sim, tasks.get(sourceTaskId), {
        run_id, group_id, task_id, domain, attempt, group_size: ordered.length, policy_version: options.policyVersion ?? 0, fallback: options.fallbackTime, context,
      });
      events.push(...rolloutEvents(rollout));
    });
  }
  return {
    events,
    summary: { format: 'tau2', run_id, rollouts: results.simulations.length, groups: byTask.size, tasks: results.tasks.length, events: events.length, passed },
  };
}

interface RunContext {
  readonly tools: string;
  readonly sampling: SamplingParams | null;
  readonly userModel: string;
  readonly agentModel: string | null;
}

function runContext(info: Readonly<Record<string, unknown>>): RunContext {
  const env = isRecord(info['environment_info']) ? info['environment_info'] : {};
  const user = isRecord(info['user_info']) ? info['user_info'] : {};
  const agent = isRecord(info['agent_info']) ? info['agent_info'] : {};
  const args = isRecord(agent['llm_args']) ? agent['llm_args'] : null;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    tools: JSON.stringify(toolSchemas(env['tool_defs'])),
    sampling: args ? { temperature: num(args['temperature']), top_p: num(args['top_p']), max_tokens: num(args['max_tokens']) } : null,
    userModel: typeof user['llm'] === 'string' ? user['llm'] : 'unknown',
    agentModel: typeof agent['llm'] === 'string' ? agent['llm'] : null,
  };
}

/** tool_defs is `{name: {name, doc, params}}` in tau2; OpenAI function schemas pass through. */
function toolSchemas(defs: unknown): unknown[] {
  if (Array.isArray(defs)) return defs;
  if (!isRecord(defs)) return [];
  return Object.entries(defs).map(([name, def]) => {
    const d = isRecord(def) ? def : {};
    if (d['type'] === 'function' && isRecord(d['function'])) return d;
    return {
      type: 'function',
      function: { name: typeof d['name'] === 'string' ? d['name'] : name, description: d['doc'] ?? d['description'] ?? '', parameters: d['params'] ?? d['parameters'] ?? { type: 'object', properties: {} } },
    };
  });
}

interface Placement extends GroupPlacement {
  readonly fallback: number;
  readonly context: RunContext;
}

function toRollout(sim: Tau2Simulation, task: Tau2Task | undefined, at: Placement): ImportedRollout {
  const key = ['tau2', at.run_id, sim.id];
  const messages = withToolNames(sim.messages);
  const started = sim.start_time ?? messages.find((m) => m.occurred_at !== null)?.occurred_at ?? at.fallback;
  const duration_ms = sim.duration_s === null ? null : Math.round(sim.duration_s * 1000);
  const info = sim.reward_info;
  const db = info && isRecord(info['db_check']) ? info['db_check'] : null;
  const dbMatch = db ? asScore(db['db_match']) : null;
  return {
    key,
    rollout_id: deterministicUuid(...key, 'rollout'),
    ...placementOf(at),
    system_prompt: messages[0]?.role === 'system' ? messages[0].content : null,
    tools: at.context.tools,
    user_simulator: { model: at.context.userModel, instruction: task ? renderTau2Instructions(task.instructions) : null },
    sampling: at.context.sampling,
    labels: {
      source_format: 'tau2',
      source_simulation_id: sim.id,
      source_task_id: sim.task_id,
      ...(sim.trial === null ? {} : { source_trial: String(sim.trial) }),
      tau2_termination_reason: sim.termination_reason,
      ...(at.context.agentModel ? { agent_model: at.context.agentModel } : {}),
    },
    messages,
    started_at: started,
    completed_at: sim.end_time ?? (duration_ms === null ? started + messages.length + 1 : started + duration_ms),
    termination_reason: mapTau2Termination(sim.termination_reason, messages),
    // tau2 writes no hashes; see tau2ExpectedStateHash for why a match carries the expected one.
    final_state_hash: dbMatch === 1 && task ? tau2ExpectedStateHash(at.domain, task) : null,
    duration_ms,
    reward: {
      reward: asScore(info?.['reward']) ?? 0,
      components: rewardComponents(info),
      reward_fn: 'tau2-bench',
      reward_fn_version: '1',
      details: JSON.stringify({ reward_info: info, ...sim.extra }),
    },
  };
}

/** db_match/db_reward, each reward_breakdown entry, and the share of passed checks per kind. */
export function rewardComponents(info: Readonly<Record<string, unknown>> | null): Record<string, number> {
  const components: Record<string, number> = {};
  if (!info) return components;
  const db = isRecord(info['db_check']) ? info['db_check'] : null;
  if (db) {
    const match = asScore(db['db_match']);
    const reward = asScore(db['db_reward']);
    if (match !== null) components['db_match'] = match;
    if (reward !== null) components['db_reward'] = reward;
  }
  const breakdown = isRecord(info['reward_breakdown']) ? info['reward_breakdown'] : {};
  for (const [kind, value] of Object.entries(breakdown)) {
    const score = asScore(value);
    if (score !== null) components[`breakdown_${kind.toLowerCase()}`] = score;
  }
  const share = (name: string, list: unknown, flag: string) => {
    if (!Array.isArray(list) || list.length === 0) return;
    const met = list.filter((c) => isRecord(c) && (c[flag] === true || c[flag] === 1)).length;
    components[name] = met / list.length;
  };
  share('action_match_rate', info['action_checks'], 'action_match');
  share('communicate_met_rate', info['communicate_checks'], 'met');
  share('nl_assertions_met_rate', info['nl_assertions'], 'met');
  share('env_assertions_met_rate', info['env_assertions'], 'met');
  return components;
}

/** tau2 tool messages carry only the call id; the name comes from the call they answer. */
function withToolNames(messages: readonly ImportedMessage[]): ImportedMessage[] {
  const names = new Map<string, string>();
  return messages.map((m) => {
    for (const call of m.tool_calls) names.set(call.id, call.name);
    return m.role === 'tool' && m.tool_call_id !== null ? { ...m, name: names.get(m.tool_call_id) ?? null } : m;
  });
}
