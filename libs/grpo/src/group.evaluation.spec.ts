import type { RolloutEvent } from '@rollout-ledger/contracts';
import { validateGroupConfig, type GroupConfig } from './group-config';
import { completed, rewarded, rollout, started } from './group.fixture';
import { evaluateGroup } from './group.evaluation';
import { buildGroup } from './group.state';

const config: GroupConfig = { excludedTerminationReasons: ['error'], timeoutMs: 60_000, minGroupSize: 2 };
const NOW = 10_000;

function evaluate(events: readonly RolloutEvent[], overrides: Partial<GroupConfig> = {}, now = NOW) {
  return evaluateGroup(buildGroup('g-1', events), { ...config, ...overrides }, now);
}

describe('evaluateGroup', () => {
  it('given all four rollouts complete with rewards [1,0,0,0], then the group is ready with verl GRPO advantages', () => {
    const decision = evaluate([...rollout(3, 0), ...rollout(0, 1), ...rollout(2, 0), ...rollout(1, 0)]);

    expect(decision).toMatchObject({ status: 'ready', group_id: 'g-1', task_id: 'airline-3', partial: false, ready_at: 2_100 });
    if (decision.status !== 'ready') throw new Error('expected ready');
    expect(decision.members.map((m) => m.rollout_id)).toEqual(['r-0', 'r-1', 'r-2', 'r-3']);
    expect(decision.members[0]?.advantage).toBeCloseTo(1.499997, 6);
    expect(decision.members[1]?.advantage).toBeCloseTo(-0.499999, 6);
  });

  it('given rloo as the mode, then members carry leave-one-out advantages', () => {
    const decision = evaluate([...rollout(0, 1), ...rollout(1, 0), ...rollout(2, 0), ...rollout(3, 0)], { advantageMode: 'rloo' });

    expect(decision.status === 'ready' && decision.members.map((m) => m.advantage)).toEqual([1, -1 / 3, -1 / 3, -1 / 3]);
  });

  it('given no RolloutStarted yet, then the group is pending with an unknown size', () => {
    expect(evaluate([completed('r-0'), rewarded('r-0', 1)])).toEqual({ status: 'pending', group_id: 'g-1', complete: 0, expected: null });
  });

  it('given three of four complete before the timeout, then it is pending', () => {
    expect(evaluate([...rollout(0, 1), ...rollout(1, 0), ...rollout(2, 0), started(3)])).toEqual({
      status: 'pending',
      group_id: 'g-1',
      complete: 3,
      expected: 4,
    });
  });

  it('given a completed rollout without the configured reward, then it does not count as complete', () => {
    const events = [...rollout(0, 1), ...rollout(1, 0), ...rollout(2, 0), started(3), completed('r-3'), rewarded('r-3', 1, { source: 'replay' })];

    expect(evaluate(events)).toMatchObject({ status: 'pending', complete: 3 });
    expect(evaluate(events, { rewardFn: { name: 'db-hash', source: 'any' } })).toMatchObject({ status: 'ready' });
  });

  it('given all rewards equal with G > 1, then it is filtered as zero_variance', () => {
    const decision = evaluate([...rollout(0, 1), ...rollout(1, 1), ...rollout(2, 1), ...rollout(3, 1)]);

    expect(decision).toMatchObject({ status: 'filtered', reason: 'zero_variance', rollout_ids: ['r-0', 'r-1', 'r-2', 'r-3'] });
    expect(decision.status === 'filtered' && decision.message).toBe('all 4 rewards equal 1: no gradient signal (DAPO dynamic sampling)');
  });

  it('given a group of one, then it is ready (no zero-variance filter) with A = r / (1 + 1e-6)', () => {
    const decision = evaluate([started(0, { group_size: 1 }), completed('r-0'), rewarded('r-0', 1)]);

    expect(decision.status === 'ready' && decision.members.map((m) => m.advantage)).toEqual([1 / 1.000001]);
  });

  it('given the oldest member 3 versions behind with max staleness 2, then it is filtered stale, even before completion', () => {
    const events = [...rollout(0, 1, { policy_version: 7 }), ...rollout(1, 0), started(2), started(3)];

    expect(evaluate(events, { trainerPolicyVersion: 10, maxStaleness: 2 })).toMatchObject({ status: 'filtered', reason: 'stale' });
    expect(evaluate(events, { trainerPolicyVersion: 9, maxStaleness: 2 })).toMatchObject({ status: 'pending' });
  });

  it('given one member with an excluded termination and minGroupSize 2, then the rest form a partial ready group', () => {
    const decision = evaluate([...rollout(0, 1), ...rollout(1, 0), ...rollout(2, 0), ...rollout(3, 1, { termination_reason: 'error' })]);

    expect(decision).toMatchObject({ status: 'ready', partial: true, excluded_rollout_ids: ['r-3'] });
    expect(decision.status === 'ready' && decision.members.map((m) => m.rollout_id)).toEqual(['r-0', 'r-1', 'r-2']);
  });

  it('given three excluded of four and minGroupSize 2, then it is filtered without waiting for the fourth', () => {
    const events = [...rollout(0, 1, { termination_reason: 'error' }), ...rollout(1, 0, { termination_reason: 'error' }), ...rollout(2, 0, { termination_reason: 'error' })];

    expect(evaluate(events)).toMatchObject({ status: 'filtered', reason: 'excluded_termination' });
  });

  it('given a timeout with two of four complete and minGroupSize 2, then a partial group is emitted at first event + timeout', () => {
    const decision = evaluate([...rollout(0, 1), ...rollout(1, 0), started(2)], {}, 61_000);

    expect(decision).toMatchObject({ status: 'ready', partial: true, ready_at: 61_000 });
  });

  it('given a timeout with one of four complete and minGroupSize 2, then it is dropped as timeout_dropped', () => {
    const events = [...rollout(0, 1), started(1)];

    expect(evaluate(events, {}, 60_999)).toMatchObject({ status: 'pending' });
    expect(evaluate(events, {}, 61_000)).toMatchObject({ status: 'filtered', reason: 'timeout_dropped' });
  });

  it('given an invalid config, then validation names each parameter', () => {
    expect(() => validateGroupConfig({ ...config, timeoutMs: 0, minGroupSize: 1.5, maxStaleness: -1 })).toThrow(
      'invalid group config: timeoutMs must be a positive number; minGroupSize must be an integer ≥ 1; maxStaleness must be a number ≥ 0',
    );
    expect(validateGroupConfig(config)).toBe(config);
  });
});
