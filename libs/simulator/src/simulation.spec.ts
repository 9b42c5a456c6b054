import { validateEvent, type RolloutEvent, type TypedEvent } from '@rollout-ledger/contracts';
import { dbHashReward, parseTaskDefined } from '@rollout-ledger/rewards';
import { buildTrajectory } from '@rollout-ledger/trajectory';
import { generate, planSimulation, taskPassProbability, type SimulationOptions } from './simulation';
import { loadTau2Catalog } from './task-catalog.loader';

const catalog = loadTau2Catalog();
const base: SimulationOptions = { seed: 42, runId: 'sim-run', catalog, taskCount: 12, groupSize: 4, passRate: 0.5 };

function rollouts(events: readonly TypedEvent[]): RolloutEvent[][] {
  const map = new Map<string, RolloutEvent[]>();
  for (const e of events) {
    if (e.type === 'TaskDefined' || e.type === 'BatchAssembled') continue;
    map.set(e.data.rollout_id, [...(map.get(e.data.rollout_id) ?? []), e as RolloutEvent]);
  }
  return [...map.values()];
}

describe('rollout simulator', () => {
  const events = [...generate(base)];
  const trajectories = rollouts(events).map(buildTrajectory);

  it('loads the real tau2 airline and retail tasks', () => {
    expect(catalog.filter((t) => t.domain === 'airline')).toHaveLength(50);
    expect(catalog.filter((t) => t.domain === 'retail')).toHaveLength(114);
    expect(catalog[0].task_id).toBe('airline-0');
  });

  it('is a pure function of its options: same events and ids every time, all ids unique', () => {
    expect([...generate(base)]).toEqual(events);
    const ids = events.map((e) => e.data.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    // TaskDefined ids depend on the task only; everything else changes with the seed.
    const rolloutIds43 = new Set([...generate({ ...base, seed: 43 })].filter((e) => e.type !== 'TaskDefined').map((e) => e.data.event_id));
    expect(ids.filter((id) => rolloutIds43.has(id))).toEqual([]);
  });

  it('emits only events the Avro contract accepts', () => {
    const invalid = events.flatMap((e) => validateEvent(e.type, e.data).map((issue) => `${e.type} ${issue.path}: ${issue.reason}`));
    expect(invalid).toEqual([]);
  });

  it('rolls each task out G times as one group, TaskDefined first', () => {
    expect(trajectories).toHaveLength(12 * 4);
    const firstRollout = events.findIndex((e) => e.type === 'RolloutStarted');
    expect(events.slice(0, firstRollout).map((e) => e.type)).toEqual(['TaskDefined']);
    expect(events.filter((e) => e.type === 'TaskDefined')).toHaveLength(12);
    const groups = new Map<string, number[]>();
    for (const t of trajectories) groups.set(t.group_id ?? '', [...(groups.get(t.group_id ?? '') ?? []), t.attempt ?? -1]);
    expect([...groups.values()].every((attempts) => attempts.join() === '0,1,2,3')).toBe(true);
    expect(trajectories.every((t) => t.status === 'completed' && t.group_size === 4 && t.run_id === 'sim-run')).toBe(true);
  });

  it('scores reward 1 exactly when the final state hash is the expected one, and db-hash@1 agrees', () => {
    const tasks = new Map(events.filter((e) => e.type === 'TaskDefined').map((e) => [e.data.task_id, parseTaskDefined(e.data as never)]));
    for (const t of trajectories) {
      const task = tasks.get(t.task_id ?? '')!;
      const online = t.rewards.find((r) => r.source === 'online' && r.reward_fn === 'db-hash' && r.reward_fn_version === '1');
      expect(online?.reward).toBe(t.final_state_hash === task.evaluation.expected_state_hash ? 1 : 0);
      expect(dbHashReward.score(t, task).reward).toBe(online?.reward);
      expect(online?.components).toEqual({ db_match: online?.reward });
    }
  });

  it('replays the gold actions with their real names and arguments in passing rollouts', () => {
    const passing = trajectories.filter((t) => t.rewards[0].reward === 1);
    expect(passing.length).toBeGreaterThan(0);
    for (const t of passing) {
      const task = catalog.find((c) => c.task_id === t.task_id)!;
      const made = Object.values(t.tool_calls).filter((c) => c.status === 'ok').map((c) => `${c.name} ${c.arguments}`);
      for (const action of task.task.actions.filter((a) => a.name !== 'transfer_to_human_agents')) {
        expect(made).toContain(`${action.name} ${JSON.stringify(action.arguments)}`);
      }
    }
  });

  it('has MUA-RL-like shape: ~20 turns, tool results, some tool errors, several endings', () => {
    const many = rollouts([...generate({ ...base, taskCount: 60, groupSize: 8 })]).map(buildTrajectory);
    const turns = many.map((t) => t.turns.length);
    const mean = turns.reduce((a, b) => a + b, 0) / turns.length;
    expect(mean).toBeGreaterThan(14);
    expect(mean).toBeLessThan(28);
    const calls = many.flatMap((t) => Object.values(t.tool_calls));
    expect(calls.some((c) => c.status === 'error' && c.error?.startsWith('Error'))).toBe(true);
    expect(new Set(many.map((t) => t.termination_reason))).toEqual(new Set(['user_stop', 'agent_stop', 'transfer_to_human', 'max_turns', 'context_limit', 'error']));
    const sizes = many.flatMap((t) => t.turns.map((turn) => (turn.content ?? '').length));
    expect(Math.max(...sizes)).toBeGreaterThan(1000);
    expect(many.every((t) => t.turns[0].role === 'system' && t.turns[1].role === 'user')).toBe(true);
  });

  it('holds the pass rate near the requested one while tasks differ in difficulty', () => {
    const all = rollouts([...generate({ ...base, taskCount: 80, groupSize: 8, passRate: 0.3 })]).map(buildTrajectory);
    const rate = all.filter((t) => t.rewards[0].reward === 1).length / all.length;
    expect(rate).toBeGreaterThan(0.22);
    expect(rate).toBeLessThan(0.38);
    expect(taskPassProbability(0, 1, 'x')).toBe(0);
    expect(taskPassProbability(1, 1, 'x')).toBe(1);
    expect(new Set(catalog.slice(0, 5).map((t) => taskPassProbability(0.5, 1, t.task_id))).size).toBe(5);
  });

  it('adds token fields on assistant turns only when asked, and advances policy versions', () => {
    expect(trajectories.flatMap((t) => t.turns).every((turn) => turn.token_ids === null)).toBe(true);
    const tokens = rollouts([...generate({ ...base, tokenFields: true, rollouts: 40, groupsPerPolicyVersion: 3, policyVersion: 5 })]).map(buildTrajectory);
    for (const turn of tokens.flatMap((t) => t.turns)) {
      if (turn.role === 'assistant') expect(turn.token_ids?.length).toBe(turn.logprobs?.length);
      else expect(turn.token_ids).toBeNull();
    }
    expect([...new Set(tokens.map((t) => t.policy_version))]).toEqual([5, 6, 7, 8]);
    const plan = planSimulation({ ...base, runs: 6, tokenFields: 0.5 });
    expect(plan.runs.map((r) => r.run_id)).toEqual(['sim-run-0', 'sim-run-1', 'sim-run-2', 'sim-run-3', 'sim-run-4', 'sim-run-5']);
    expect(new Set(plan.runs.map((r) => r.token_fields))).toEqual(new Set([true, false]));
  });

  it('streams lazily: a million-rollout simulation yields its first events at once', () => {
    const iterator = generate({ ...base, rollouts: 1_000_000 });
    const first = Array.from({ length: 100 }, () => iterator.next().value as TypedEvent);
    expect(first.filter((e) => e.type === 'RolloutStarted').length).toBeGreaterThan(1);
    expect(planSimulation({ ...base, rollouts: 1_000_000 }).groupsPerRun).toBe(250_000);
  });

  it('interleaves a group like parallel workers without changing the events', () => {
    const interleaved = [...generate({ ...base, taskCount: 2, interleave: true })];
    const plain = [...generate({ ...base, taskCount: 2 })];
    expect(interleaved).not.toEqual(plain);
    expect([...interleaved].sort((a, b) => a.data.event_id.localeCompare(b.data.event_id))).toEqual([...plain].sort((a, b) => a.data.event_id.localeCompare(b.data.event_id)));
  });

  it('refuses options that cannot work', () => {
    expect(() => planSimulation({ ...base, taskCount: 999 })).toThrow(/taskCount must be 1..164/);
    expect(() => planSimulation({ ...base, passRate: 1.5 })).toThrow(/passRate/);
  });
});
