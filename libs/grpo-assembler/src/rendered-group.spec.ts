import type { RolloutEvent } from '@rollout-ledger/contracts';
import { buildBatchMembers, buildGroup, evaluateGroup, type AssembledBatch, type ReadyGroup } from '@rollout-ledger/grpo';
import { jsonlChunks, payloadRowOf, toJsonlPayload } from './batch-payload';
import { trajectoriesOf } from './group-trajectories';
import { renderGroup, renderKey } from './rendered-group';

const base = (rollout_id: string, event_id: string, occurred_at: number) => ({ event_id, rollout_id, group_id: 'g', run_id: 'run', occurred_at });

function rollout(rollout_id: string, attempt: number, reward: number): RolloutEvent[] {
  return [
    {
      type: 'RolloutStarted',
      data: { ...base(rollout_id, `s-${rollout_id}`, 1), task_id: 't', domain: 'retail', group_size: 2, policy_version: 1, attempt, system_prompt: 'sys', tools: '[]', user_simulator: null, sampling: null, labels: {} },
    },
    {
      type: 'TurnRecorded',
      data: { ...base(rollout_id, `t-${rollout_id}`, 2), turn_index: 0, role: 'assistant', content: 'hello', tool_calls: [], tool_call_id: null, name: null, trainable: true, token_ids: [5, 6], logprobs: [-0.1, -0.2], policy_version: null, usage: null },
    },
    { type: 'RolloutCompleted', data: { ...base(rollout_id, `d-${rollout_id}`, 3), termination_reason: 'user_stop', num_turns: 1, final_state_hash: null, duration_ms: null } },
    { type: 'RewardAssigned', data: { ...base(rollout_id, `w-${rollout_id}`, 4), reward, components: {}, reward_fn: 'db-hash', reward_fn_version: '1', source: 'online', details: null } },
  ] as RolloutEvent[];
}

describe('rendered group', () => {
  const events = [...rollout('r-0', 0, 1), ...rollout('r-1', 1, 0)];
  const ready = evaluateGroup(buildGroup('g', events), { excludedTerminationReasons: [], timeoutMs: 1_000, minGroupSize: 2 }, 10) as ReadyGroup;

  it('given a ready group, then its rows and JSONL are those the batch would build from the same events', () => {
    const rendered = renderGroup(ready, events);
    const built = buildBatchMembers({ groups: [ready] } as unknown as AssembledBatch, (id) => trajectoriesOf(events).get(id));
    expect(rendered.members.map((m) => m.row)).toEqual(built.map(payloadRowOf));
    expect(Buffer.concat(jsonlChunks('b', rendered.members.map((m) => m.tail))).toString('utf8')).toBe(toJsonlPayload('b', built));
  });

  it('given a decision with another advantage, then its key differs (the cached rows are not reused)', () => {
    const other = { ...ready, members: ready.members.map((m) => ({ ...m, advantage: m.advantage * 2 })) };
    expect(renderKey(other)).not.toBe(renderKey(ready));
    expect(renderKey({ ...ready })).toBe(renderKey(ready));
  });

  it('given a member without a trajectory, then rendering fails loudly', () => {
    expect(() => renderGroup(ready, events.filter((e) => e.data.rollout_id !== 'r-1'))).toThrow(/no trajectory for rollout r-1/);
  });
});
