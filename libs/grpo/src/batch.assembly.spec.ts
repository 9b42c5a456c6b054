import { assembleBatch } from './batch.assembly';
import type { ReadyGroup } from './group-decision.types';

function group(group_id: string, ready_at: number, versions: readonly number[]): ReadyGroup {
  return {
    status: 'ready',
    group_id,
    run_id: 'run-1',
    task_id: `task-${group_id}`,
    domain: 'retail',
    group_size: versions.length,
    advantage_mode: 'grpo',
    partial: false,
    members: versions.map((policy_version, attempt) => ({
      rollout_id: `${group_id}-r${attempt}`,
      attempt,
      task_id: `task-${group_id}`,
      policy_version,
      reward: attempt % 2,
      advantage: 0,
      reward_event_id: `e-${group_id}-${attempt}`,
    })),
    excluded_rollout_ids: [],
    ready_at,
  };
}

describe('assembleBatch', () => {
  const ready = [group('g-c', 30, [5, 6]), group('g-a', 20, [4, 4]), group('g-b', 10, [7, 7]), group('g-d', 20, [9, 9])];

  it('given four ready groups and a batch of two, then the two first ready form the batch, sorted by group_id', () => {
    const plan = assembleBatch(ready, 2);

    expect(plan.batch?.group_ids).toEqual(['g-a', 'g-b']);
    expect(plan.batch?.rollout_ids).toEqual(['g-a-r0', 'g-a-r1', 'g-b-r0', 'g-b-r1']);
    expect(plan.batch?.min_policy_version).toBe(4);
    expect(plan.batch?.max_policy_version).toBe(7);
    expect(plan.rest.map((g) => g.group_id)).toEqual(['g-d', 'g-c']);
  });

  it('given the same groups in another order, then the same batch is assembled', () => {
    expect(assembleBatch([...ready].reverse(), 2)).toEqual(assembleBatch(ready, 2));
  });

  it('given fewer ready groups than a batch, then there is no batch yet', () => {
    expect(assembleBatch(ready, 5)).toEqual({ batch: null, rest: [ready[2], ready[1], ready[3], ready[0]] });
  });

  it('given a batch size of 0, then it is refused', () => {
    expect(() => assembleBatch(ready, 0)).toThrow(/batchGroups must be an integer ≥ 1/);
  });
});
