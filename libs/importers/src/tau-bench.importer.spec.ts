import { isLedgerError, ValidationError } from '@rollout-ledger/contracts';
import { dbHashReward, parseTaskDefined } from '@rollout-ledger/rewards';
import { buildTrajectory, toOpenAIMessages } from '@rollout-ledger/trajectory';
import { byRollout, fixtureText, ofType, TAU_BENCH_FIXTURE } from './import.fixture';
import { importFile } from './import-file';

const text = fixtureText(TAU_BENCH_FIXTURE);
const source = JSON.parse(text) as { task_id: number; trial: number; reward: number; traj: Record<string, unknown>[] }[];
const options = { runId: 'run-tb-1', policyVersion: 7, fallbackTime: 1_760_000_000_000 };

describe('tau-bench v1 import', () => {
  const { events, summary } = importFile('tau-bench', text, options);

  it('makes one group per task, sized by its trials, with attempts ranked by trial', () => {
    const started = ofType(events, 'RolloutStarted');
    expect(summary).toMatchObject({ format: 'tau-bench', run_id: 'run-tb-1', rollouts: 5, groups: 2, tasks: 2, passed: 3 });
    const groups = new Map<string, typeof started>();
    for (const s of started) groups.set(s.group_id, [...(groups.get(s.group_id) ?? []), s]);
    expect([...groups.values()].map((g) => [g[0].task_id, g.length, g.map((s) => s.group_size), g.map((s) => s.attempt)])).toEqual([
      ['tau-bench-retail-12', 3, [3, 3, 3], [0, 1, 2]],
      ['tau-bench-retail-31', 2, [2, 2], [0, 1]],
    ]);
    expect(started.every((s) => s.domain === 'retail' && s.policy_version === 7 && s.run_id === 'run-tb-1')).toBe(true);
  });

  it('records each trial reward as source=import with its components', () => {
    const rewards = ofType(events, 'RewardAssigned');
    expect(rewards.map((r) => [r.reward, r.components, r.source, r.reward_fn])).toEqual([
      [1, { r_actions: 1 }, 'import', 'tau-bench'],
      [1, { r_actions: 1 }, 'import', 'tau-bench'],
      [0, { r_actions: 0 }, 'import', 'tau-bench'],
      [0, { r_outputs: 0 }, 'import', 'tau-bench'],
      [1, { r_outputs: 1 }, 'import', 'tau-bench'],
    ]);
    expect(JSON.parse(rewards[0].details ?? '{}').reward_info.info.gt_data_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('defines each task with its instruction, expected actions, outputs and hash; db-hash recomputes r_actions', () => {
    const tasks = ofType(events, 'TaskDefined');
    expect(tasks.map((t) => t.task_id)).toEqual(['tau-bench-retail-12', 'tau-bench-retail-31']);
    const [cancel, lookup] = tasks.map(parseTaskDefined);
    expect(cancel.user_instruction).toContain('Ava Moore');
    expect(cancel.evaluation.actions.map((a) => [a.name, a.arguments])).toEqual([
      ['find_user_id_by_name_zip', { first_name: 'Ava', last_name: 'Moore', zip: '94110' }],
      ['cancel_pending_order', { order_id: '#W4817420', reason: 'no longer needed' }],
    ]);
    expect(lookup.evaluation.outputs).toEqual(['1249.12']);
    const rollouts = [...byRollout(events).values()].map(buildTrajectory);
    const recomputed = rollouts.filter((t) => t.task_id === cancel.task_id).map((t) => dbHashReward.score(t, cancel).reward);
    expect(recomputed).toEqual([1, 1, 0]);
  });

  it('keeps every conversation verbatim: an OpenAI rendering reproduces the source traj', () => {
    const rollouts = [...byRollout(events).values()].map(buildTrajectory);
    rollouts.forEach((trajectory, i) => {
      const original = source[i].traj.map((m) => {
        const calls = m['tool_calls'] as { id: string; type: string; function: { name: string; arguments: string } }[] | null | undefined;
        if (m['role'] === 'assistant') return { role: 'assistant', content: m['content'], ...(calls ? { tool_calls: calls } : {}) };
        if (m['role'] === 'tool') return { role: 'tool', tool_call_id: m['tool_call_id'], content: m['content'] };
        return { role: m['role'], content: m['content'] };
      });
      expect(toOpenAIMessages(trajectory)).toEqual(original);
    });
  });

  it('records tool executions, errors included, and the termination reason', () => {
    const calls = ofType(events, 'ToolCallRecorded');
    expect(calls).toHaveLength(3 * 3 + 3 + 2); // 3 per cancel trial, 3 in the failed lookup, 2 in the good one
    const failed = calls.find((c) => c.tool_call_id === 'call_Px5Wd1Qb');
    expect(failed).toMatchObject({ name: 'get_order_details', arguments: '{"order_id": "W6239298"}', status: 'error', error: 'Error: order not found', result: null });
    expect(ofType(events, 'RolloutCompleted').map((c) => c.termination_reason)).toEqual(['user_stop', 'user_stop', 'user_stop', 'transfer_to_human', 'user_stop']);
  });

  it('derives every id from run id and source ids: a rerun gives the same events, another run id other ids', () => {
    const again = importFile('tau-bench', text, options).events;
    expect(again).toEqual(events);
    const ids = events.map((e) => e.data.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    const other = importFile('tau-bench', text, { ...options, runId: 'run-tb-2' }).events.filter((e) => e.type !== 'TaskDefined');
    expect(other.some((e) => ids.includes(e.data.event_id))).toBe(false);
    // Without --run-id the run id comes from the file's bytes.
    expect(importFile('tau-bench', text, { fallbackTime: 0 }).summary.run_id).toMatch(/^tau-bench-[0-9a-f]{12}$/);
  });

  it('rejects a malformed file as a whole, naming the run and the field path', () => {
    const broken = JSON.parse(text) as Record<string, unknown>[];
    (broken[3]['traj'] as Record<string, unknown>[])[4] = { role: 'assistant', content: null, tool_calls: [{ id: 'x', function: { name: 42, arguments: '{}' } }] };
    delete broken[1]['reward'];
    let caught: unknown;
    try {
      importFile('tau-bench', JSON.stringify(broken), options);
    } catch (error) {
      caught = error;
    }
    expect(isLedgerError(caught, 'VALIDATION_FAILED')).toBe(true);
    const issues = (caught as ValidationError).issues;
    expect(issues.map((i) => [i.index, i.path])).toEqual([
      [1, 'runs[1].reward'],
      [3, 'runs[3].traj[4].tool_calls[0].function.name'],
    ]);
    expect((caught as Error).message).toContain('runs[3].traj[4].tool_calls[0].function.name (task 31, trial 0): must be a string');
    expect(() => importFile('tau-bench', '{"not": "an array"}', options)).toThrow(/runs: must be an array/);
    expect(() => importFile('tau-bench', '[{', options)).toThrow(/not valid JSON/);
  });
});
