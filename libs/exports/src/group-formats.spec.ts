import { buildTrajectory, type Trajectory } from '@rollout-ledger/trajectory';
import type { RolloutEvent } from '@rollout-ledger/contracts';
import { dpoRecord } from './dpo.format';
import { parseExportRequest } from './export-request';
import { rlRows } from './rl.format';
import { trlRecord } from './trl.format';

function trajectory(rollout_id: string, answer: string, reward: number | null): Trajectory {
  const env = (n: number) => ({ event_id: `${rollout_id}-${n}`, rollout_id, group_id: 'g', run_id: 'run', occurred_at: 1000 + n });
  const turn = (n: number, role: 'user' | 'assistant', content: string, args?: string): RolloutEvent => ({
    type: 'TurnRecorded',
    data: { ...env(n), turn_index: n, role, content, tool_calls: args ? [{ id: `c${n}`, name: 'f', arguments: args }] : [], tool_call_id: null, name: null, trainable: role === 'assistant', token_ids: null, logprobs: null, policy_version: null, usage: null },
  });
  const events: RolloutEvent[] = [turn(0, 'user', 'question'), turn(1, 'assistant', answer, '{"x":1}')];
  if (reward !== null) {
    events.push({ type: 'RewardAssigned', data: { ...env(5), reward, components: {}, reward_fn: 'db-hash', reward_fn_version: '1', source: 'online', details: null } });
  }
  return buildTrajectory(events);
}

describe('group exports', () => {
  it('rl: advantages over the scored members only; unscored members get null', () => {
    const rows = rlRows([trajectory('a', 'x', 1), trajectory('b', 'y', null), trajectory('c', 'z', 0)], {}, 'grpo_no_std');
    expect(rows.map((r) => [r.rollout_id, r.reward, r.advantage])).toEqual([['a', 1, 0.5], ['b', null, null], ['c', 0, -0.5]]);
  });

  it('dpo: best against worst after the shared prompt; ties and identical conversations give nothing', () => {
    const pair = dpoRecord([trajectory('a', 'bad', 0), trajectory('b', 'good', 1), trajectory('c', 'meh', 0)], {});
    expect(pair).toMatchObject({ chosen_rollout_id: 'b', rejected_rollout_id: 'c', prompt: [{ role: 'user', content: 'question' }] });
    expect(dpoRecord([trajectory('a', 'x', 1), trajectory('b', 'y', 1)], {})).toBeNull();
    expect(dpoRecord([trajectory('a', 'same', 1), trajectory('b', 'same', 0)], {})).toBeNull();
  });

  it('trl: arguments as objects, malformed arguments kept as text', () => {
    const record = trlRecord(trajectory('a', 'x', 1)) as { messages: Array<{ tool_calls?: Array<{ function: { arguments: unknown } }> }> };
    expect(record.messages[1]?.tool_calls?.[0]?.function.arguments).toEqual({ x: 1 });
  });

  it('export requests: file format from --out, refusing combinations a format cannot write', () => {
    expect(parseExportRequest('rl', {}, 'out.parquet').options.fileFormat).toBe('parquet');
    expect(parseExportRequest('rl', {}).options).toEqual({ format: 'rl', fileFormat: 'jsonl', advantage: 'grpo', weights: false });
    expect(() => parseExportRequest('verl', { format_file: 'jsonl' })).toThrow(/verl exports are written as parquet/);
    expect(() => parseExportRequest('dpo', { advantage: 'ppo' })).toThrow(/advantage/);
  });
});
