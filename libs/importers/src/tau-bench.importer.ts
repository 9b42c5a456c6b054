import { ValidationError, type TaskDefined, type TypedEvent } from '@rollout-ledger/contracts';
import { contentDigest, deterministicUuid } from './deterministic-id';
import { inferDomain } from './domain-inference';
import { placementOf, rolloutEvents, type GroupPlacement, type ImportedRollout } from './imported-rollout';
import type { ImportOptions, ImportSummary } from './import-options';
import type { ImportedMessage } from './openai-message.format';
import type { TauBenchRun } from './tau-bench.format';

export interface ImportResult {
  /** TaskDefined first (one per task), then each rollout's events, groups in file order. */
  readonly events: readonly TypedEvent[];
  readonly summary: ImportSummary;
}

/** Our task id of a tau-bench v1 task; apart from tau2's `<domain>-<id>` (different task sets). */
export function tauBenchTaskId(domain: string, taskId: string): string {
  return `tau-bench-${domain}-${taskId}`;
}

/**
 * tau-bench v1 trials → events. The trials of one task form one GRPO group (group_size = trials of
 * that task in the file, attempt = rank by trial); the recorded reward becomes
 * RewardAssigned(source=import) and the task's ground truth a TaskDefined.
 */
export function convertTauBench(runs: readonly TauBenchRun[], options: ImportOptions, fileDigest: string): ImportResult {
  const domain = options.domain ?? inferDomain(runs.flatMap(toolNamesOf));
  if (domain === null) {
    throw new ValidationError('Cannot tell the domain of this tau-bench file from its tool names; pass --domain retail|airline|…', [{ path: 'domain', reason: 'not inferable' }]);
  }
  const run_id = options.runId ?? `tau-bench-${fileDigest.slice(0, 12)}`;
  const policy_version = options.policyVersion ?? 0;
  const byTask = new Map<string, TauBenchRun[]>();
  for (const run of runs) byTask.set(run.task_id, [...(byTask.get(run.task_id) ?? []), run]);
  const tasks: TaskDefined[] = [];
  const rolloutsEvents: TypedEvent[] = [];
  let passed = 0;
  for (const [sourceTaskId, trials] of byTask) {
    const task_id = tauBenchTaskId(domain, sourceTaskId);
    const group_id = deterministicUuid('tau-bench', run_id, 'group', task_id);
    tasks.push(taskDefined(domain, task_id, trials, options.fallbackTime));
    const ordered = [...trials].sort((a, b) => a.trial - b.trial || a.index - b.index);
    ordered.forEach((trial, attempt) => {
      if (trial.reward >= 1) passed += 1;
      rolloutsEvents.push(...rolloutEvents(toRollout(trial, { run_id, group_id, task_id, domain, attempt, group_size: ordered.length, policy_version, time: options.fallbackTime })));
    });
  }
  const events = [...tasks.map((data): TypedEvent => ({ type: 'TaskDefined', data })), ...rolloutsEvents];
  return {
    events,
    summary: { format: 'tau-bench', run_id, rollouts: runs.length, groups: byTask.size, tasks: tasks.length, events: events.length, passed },
  };
}

interface Placement extends GroupPlacement {
  readonly time: number;
}

function toRollout(run: TauBenchRun, at: Placement): ImportedRollout {
  const key = ['tau-bench', at.run_id, run.task_id, run.trial, run.index];
  const system = run.traj[0]?.role === 'system' ? run.traj[0].content : null;
  const r_actions = run.components['r_actions'];
  return {
    key,
    rollout_id: deterministicUuid(...key, 'rollout'),
    ...placementOf(at),
    system_prompt: system,
    // v1 results do not store the tool schemas the agent saw.
    tools: '[]',
    user_simulator: { model: 'unknown', instruction: run.task.instruction },
    sampling: null,
    labels: {
      source_format: 'tau-bench',
      source_task_id: run.task_id,
      source_trial: String(run.trial),
      ...(run.task.user_id ? { user_id: run.task.user_id } : {}),
      ...(typeof run.info['source'] === 'string' ? { info_source: run.info['source'] } : {}),
    },
    messages: run.traj,
    started_at: at.time,
    completed_at: at.time + run.traj.length + 1,
    termination_reason: terminationOf(run.traj),
    // v1 records the expected hash only; the final one equalled it exactly when r_actions = 1.
    final_state_hash: r_actions === 1 ? run.gt_data_hash : null,
    duration_ms: null,
    reward: {
      reward: run.reward,
      components: run.components,
      reward_fn: 'tau-bench',
      reward_fn_version: '1',
      details: JSON.stringify(run.info),
    },
  };
}

/** v1 stops on the user's ###STOP###, on a transfer to a human, or at the step limit. */
export function terminationOf(traj: readonly ImportedMessage[]): string {
  if (traj.some((m) => m.tool_calls.some((c) => c.name === 'transfer_to_human_agents'))) return 'transfer_to_human';
  const lastUser = [...traj].reverse().find((m) => m.role === 'user');
  if (lastUser?.content?.includes('###STOP###')) return 'user_stop';
  return 'max_turns';
}

function taskDefined(domain: string, task_id: string, trials: readonly TauBenchRun[], time: number): TaskDefined {
  const task = trials[0].task;
  const expected = trials.map((t) => t.gt_data_hash).find((h) => h !== null) ?? null;
  const evaluation = {
    expected_state_hash: expected,
    actions: task.actions.map((a) => ({ name: a.name, arguments: a.kwargs })),
    outputs: task.outputs,
    reward_basis: task.outputs.length > 0 ? ['DB', 'OUTPUTS'] : ['DB'],
    source: { benchmark: 'tau-bench', domain, task: task.raw },
  };
  const instruction = task.instruction;
  return {
    event_id: deterministicUuid('TaskDefined', task_id, contentDigest(evaluation)),
    task_id,
    domain,
    description: instruction === null ? null : firstSentence(instruction),
    user_instruction: instruction,
    evaluation: JSON.stringify(evaluation),
    occurred_at: time,
  };
}

function firstSentence(text: string): string {
  const match = /^.*?[.!?](\s|$)/s.exec(text);
  const sentence = (match ? match[0] : text).trim();
  return sentence.length > 200 ? `${sentence.slice(0, 197)}…` : sentence;
}

function toolNamesOf(run: TauBenchRun): string[] {
  return [...run.task.actions.map((a) => a.name), ...run.traj.flatMap((m) => m.tool_calls.map((c) => c.name))];
}
