import type { RolloutEvent } from '@rollout-ledger/contracts';
import { buildGroup, evaluateGroup, type ReadyGroup } from '@rollout-ledger/grpo';
import { rewardFnsUsed, trajectoriesOf } from './group-trajectories';

function reward(rollout_id: string, value: number, reward_fn: string, event_id: string): RolloutEvent {
  return {
    type: 'RewardAssigned',
    data: { event_id, rollout_id, group_id: 'g', run_id: 'run', occurred_at: 3, reward: value, components: {}, reward_fn, reward_fn_version: '1', source: 'online', details: null },
  };
}

function start(rollout_id: string, attempt: number): RolloutEvent {
  return {
    type: 'RolloutStarted',
    data: { event_id: `s-${rollout_id}`, rollout_id, group_id: 'g', run_id: 'run', occurred_at: 1, task_id: 't', domain: 'retail', group_size: 2, policy_version: 1, attempt, system_prompt: null, tools: '[]', user_simulator: null, sampling: null, labels: {} },
  };
}

function done(rollout_id: string): RolloutEvent {
  return { type: 'RolloutCompleted', data: { event_id: `d-${rollout_id}`, rollout_id, group_id: 'g', run_id: 'run', occurred_at: 2, termination_reason: 'user_stop', num_turns: 0, final_state_hash: null, duration_ms: null } };
}

describe('group trajectories', () => {
  const events = [start('r-0', 0), done('r-0'), reward('r-0', 1, 'db-hash', 'w-0'), start('r-1', 1), done('r-1'), reward('r-1', 0, 'db-hash-outputs', 'w-1')];

  it('given the events of a group, then one trajectory per rollout is built', () => {
    const trajectories = trajectoriesOf(events);
    expect([...trajectories.keys()]).toEqual(['r-0', 'r-1']);
    expect(trajectories.get('r-1')?.attempt).toBe(1);
  });

  it('given a group scored by two functions, then both are named, sorted', () => {
    const state = buildGroup('g', events);
    const ready = evaluateGroup(state, { excludedTerminationReasons: [], timeoutMs: 1_000, minGroupSize: 2 }, 10) as ReadyGroup;
    expect(rewardFnsUsed([ready], new Map([['g', state]]))).toEqual({ reward_fn: 'db-hash,db-hash-outputs', reward_fn_version: '1' });
  });
});
