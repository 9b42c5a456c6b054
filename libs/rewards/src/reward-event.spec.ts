import { dbHashOutputsReward } from './db-hash-outputs.reward';
import { toRewardAssigned } from './reward-event';
import { airlineTask3Evaluation, taskDefined, trajectoryWith } from './reward.fixture';
import { parseTaskDefined } from './task-ground-truth';

describe('toRewardAssigned', () => {
  it('given a score, then a replay RewardAssigned carries the ids, fn and JSON details', () => {
    const trajectory = trajectoryWith('hash-ok', ['4']);
    const result = dbHashOutputsReward.score(trajectory, parseTaskDefined(taskDefined(airlineTask3Evaluation)));

    expect(toRewardAssigned(trajectory, dbHashOutputsReward, result, { event_id: 'e-9', occurred_at: 500, source: 'replay' })).toEqual({
      event_id: 'e-9',
      rollout_id: 'r-1',
      group_id: 'g-1',
      run_id: 'run-1',
      occurred_at: 500,
      reward: 1,
      components: { db_match: 1, outputs: 1 },
      reward_fn: 'db-hash-outputs',
      reward_fn_version: '1',
      source: 'replay',
      details: '{"missing_outputs":[]}',
    });
  });

  it('given a NaN component, then it is refused', () => {
    const trajectory = trajectoryWith('hash-ok', []);

    expect(() => toRewardAssigned(trajectory, { name: 'x', version: '1' }, { reward: 1, components: { a: Number.NaN } }, { event_id: 'e', occurred_at: 1, source: 'replay' })).toThrow(
      /components\.a|non-finite/,
    );
  });
});
