import { isLedgerError, ValidationError } from '@rollout-ledger/contracts';
import { dbHashReward, parseTaskDefined } from '@rollout-ledger/rewards';
import { buildTrajectory, toOpenAIMessages } from '@rollout-ledger/trajectory';
import { byRollout, fixtureText, ofType, TAU2_FIXTURE } from './import.fixture';
import { importFile } from './import-file';
import { mapTau2Termination } from './tau2.importer';

const text = fixtureText(TAU2_FIXTURE);
const source = JSON.parse(text) as { simulations: { id: string; messages: Record<string, unknown>[] }[] };
const options = { runId: 'run-t2-1', fallbackTime: 0 };

describe('tau2 import', () => {
  const { events, summary } = importFile('tau2', text, options);
  const trajectories = [...byRollout(events).values()].map(buildTrajectory);

  it('groups simulations by task, in trial order', () => {
    expect(summary).toMatchObject({ format: 'tau2', rollouts: 4, groups: 2, tasks: 2, passed: 2 });
    expect(trajectories.map((t) => [t.task_id, t.group_size, t.attempt, t.labels['source_trial']])).toEqual([
      ['airline-6', 2, 0, '0'],
      ['airline-6', 2, 1, '1'],
      ['airline-40', 2, 0, '0'],
      ['airline-40', 2, 1, '1'],
    ]);
    expect(trajectories[0]).toMatchObject({
      domain: 'airline',
      sampling: { temperature: 0, top_p: null, max_tokens: null },
      user_simulator: { model: 'gpt-4.1-2025-04-14' },
      duration_ms: 25_400,
      started_at: Date.parse('2025-07-02T14:01:00.123Z'),
    });
    expect((trajectories[0].tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual([
      'get_reservation_details',
      'get_user_details',
      'update_reservation_passengers',
    ]);
  });

  it('turns reward_info into RewardAssigned(import) with the checks as components', () => {
    const rewards = ofType(events, 'RewardAssigned');
    expect(rewards.map((r) => [r.reward, r.source])).toEqual([
      [1, 'import'],
      [0, 'import'],
      [1, 'import'],
      [0, 'import'],
    ]);
    expect(rewards[1].components).toEqual({ db_match: 1, db_reward: 1, breakdown_db: 1, breakdown_nl_assertion: 0, action_match_rate: 1, nl_assertions_met_rate: 0 });
    expect(rewards[3].components).toEqual({ db_match: 0, db_reward: 0, breakdown_db: 0, action_match_rate: 0.5 });
    expect(JSON.parse(rewards[3].details ?? '{}')).toMatchObject({ reward_info: { reward_basis: ['DB'] }, agent_cost: 0.0063, seed: 301 });
  });

  it('maps termination reasons and keeps the original in the labels', () => {
    expect(trajectories.map((t) => [t.termination_reason, t.labels['tau2_termination_reason']])).toEqual([
      ['user_stop', 'user_stop'],
      ['transfer_to_human', 'agent_stop'],
      ['user_stop', 'user_stop'],
      ['user_stop', 'user_stop'],
    ]);
    expect(mapTau2Termination('max_steps', [])).toBe('max_turns');
    expect(mapTau2Termination('too_many_errors', [])).toBe('error');
    expect(mapTau2Termination('something_new', [])).toBe('something_new');
  });

  it('records tool calls with JSON-string arguments, and tool errors from the error flag', () => {
    const calls = ofType(events, 'ToolCallRecorded');
    const failed = calls.filter((c) => c.status === 'error');
    expect(failed.map((c) => [c.tool_call_id, c.name, c.arguments, c.error])).toEqual([
      ['call_r40t0a', 'get_reservation_details', '{"reservation_id":"3RK2T8"}', 'Error: Reservation 3RK2T8 not found'],
      ['call_r40t1a', 'get_reservation_details', '{"reservation_id":"3RK2T8"}', 'Error: Reservation 3RK2T8 not found'],
    ]);
    const update = calls.find((c) => c.tool_call_id === 'call_r40t1c');
    expect(JSON.parse(update?.arguments ?? '{}')).toEqual({ reservation_id: '3RK2T9', passengers: [{ first_name: 'Anya', last_name: 'Garcia', dob: '1992-11-12' }, { first_name: 'Mei', last_name: 'Garcia', dob: '1998-12-13' }] });
    expect(update).toMatchObject({ requestor: 'assistant', status: 'ok', turn_index: 10 });
  });

  it('keeps every message: the OpenAI rendering matches the source conversation', () => {
    const bySim = new Map(source.simulations.map((s) => [s.id, s.messages]));
    for (const trajectory of trajectories) {
      const original = bySim.get(trajectory.labels['source_simulation_id']) ?? [];
      const expected = original.map((m) => {
        const calls = m['tool_calls'] as { id: string; name: string; arguments: unknown }[] | null;
        if (m['role'] === 'tool') return { role: 'tool', tool_call_id: m['id'], content: m['content'] };
        if (m['role'] === 'assistant') {
          return {
            role: 'assistant',
            content: m['content'],
            ...(calls ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) } : {}),
          };
        }
        return { role: m['role'], content: m['content'] };
      });
      expect(toOpenAIMessages(trajectory)).toEqual(expected);
    }
    expect(trajectories[0].turns[1].usage).toBeNull();
    expect(trajectories[0].turns[0].usage).toEqual({ completion_tokens: 48, prompt_tokens: 2890 });
  });

  it('defines tasks so that db-hash@1 recomputes tau2 db_match', () => {
    const tasks = ofType(events, 'TaskDefined').map(parseTaskDefined);
    expect(tasks.map((t) => [t.task_id, t.evaluation.actions.length, t.evaluation.reward_basis])).toEqual([
      ['airline-6', 1, ['DB', 'COMMUNICATE']],
      ['airline-40', 2, ['DB', 'COMMUNICATE']],
    ]);
    expect(tasks[1].user_instruction).toContain('Anya Garcia');
    const byId = new Map(tasks.map((t) => [t.task_id, t]));
    const recomputed = trajectories.map((t) => dbHashReward.score(t, byId.get(t.task_id ?? '')!).reward);
    expect(recomputed).toEqual([1, 1, 1, 0]);
  });

  it('rejects a malformed file before producing anything, naming the simulation and the path', () => {
    const broken = JSON.parse(text) as { simulations: Record<string, unknown>[] };
    (broken.simulations[2]['messages'] as Record<string, unknown>[])[2] = { role: 'assistant', content: null, tool_calls: [{ id: 'c', name: 'x', arguments: '{"a":1}' }] };
    broken.simulations[3]['task_id'] = '999';
    let caught: unknown;
    try {
      importFile('tau2', JSON.stringify(broken), options);
    } catch (error) {
      caught = error;
    }
    expect(isLedgerError(caught, 'VALIDATION_FAILED')).toBe(true);
    expect((caught as ValidationError).issues.map((i) => [i.index, i.path])).toEqual([
      [2, 'simulations[2].messages[2].tool_calls[0].arguments'],
      [3, 'simulations[3].task_id'],
    ]);
    expect((caught as Error).message).toMatch(/simulations\[2\]\.messages\[2\]\.tool_calls\[0\]\.arguments \(simulation 7f3c2a10-[0-9a-f-]+, task 6\): must be an object/);
  });
});
