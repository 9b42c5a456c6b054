import type { EventTypes, RolloutEvent } from '@rollout-ledger/contracts';
import { buildTrajectory } from '@rollout-ledger/trajectory';
import { buildBatchMember } from './batch-member.builder';
import { completed, started } from './group.fixture';

function turn(turn_index: number, overrides: Partial<EventTypes['TurnRecorded']>): RolloutEvent {
  return {
    type: 'TurnRecorded',
    data: {
      event_id: `t-${turn_index}`,
      rollout_id: 'r-0',
      group_id: 'g-1',
      run_id: 'run-1',
      occurred_at: 1_500 + turn_index,
      turn_index,
      role: 'user',
      content: 'hello',
      tool_calls: [],
      tool_call_id: null,
      name: null,
      trainable: false,
      token_ids: null,
      logprobs: null,
      policy_version: null,
      usage: null,
      ...overrides,
    },
  };
}

describe('buildBatchMember', () => {
  it('given a tokenized trajectory, then the member carries messages, tools, token fields and loss mask', () => {
    const trajectory = buildTrajectory([
      started(0, { system_prompt: 'sys', tools: '[{"type":"function"}]' }),
      turn(0, { token_ids: [1, 2], logprobs: null }),
      turn(1, { role: 'assistant', content: 'ok', trainable: true, token_ids: [3], logprobs: [-0.5] }),
      completed('r-0'),
    ]);

    expect(buildBatchMember(trajectory, { rollout_id: 'r-0', reward: 1, advantage: 1.5 })).toEqual({
      rollout_id: 'r-0',
      group_id: 'g-1',
      task_id: 'airline-3',
      policy_version: 10,
      attempt: 0,
      reward: 1,
      advantage: 1.5,
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'ok' },
      ],
      tools: [{ type: 'function' }],
      token_ids: [1, 2, 3],
      logprobs: [0, 0, -0.5],
      loss_mask: [0, 0, 1],
    });
  });

  it('given a trajectory without token ids, then the token fields are absent', () => {
    const member = buildBatchMember(buildTrajectory([started(0), turn(0, {})]), { reward: 0, advantage: -0.5 });

    expect(member).not.toHaveProperty('token_ids');
    expect(member).not.toHaveProperty('loss_mask');
  });

  it('given the advantage of another rollout, then it is refused', () => {
    expect(() => buildBatchMember(buildTrajectory([started(0)]), { rollout_id: 'r-9', reward: 0, advantage: 0 })).toThrow(/r-9/);
  });

  it('given a trajectory without its RolloutStarted, then it is refused', () => {
    expect(() => buildBatchMember(buildTrajectory([completed('r-0')]), { reward: 0, advantage: 0 })).toThrow(/no RolloutStarted/);
  });
});
