import { reward } from './trajectory.fixture';
import { rewardOf, selectReward } from './reward-selection';
import { buildTrajectory } from './trajectory.projection';

describe('rewardOf', () => {
  const trajectory = buildTrajectory([
    reward({ event_id: 'e1', reward_fn: 'db-hash', reward_fn_version: '1', source: 'online', reward: 1, occurred_at: 100 }),
    reward({ event_id: 'e2', reward_fn: 'db-hash-outputs', reward_fn_version: '1', source: 'online', reward: 0, occurred_at: 200 }),
    reward({ event_id: 'e3', reward_fn: 'db-hash', reward_fn_version: '2', source: 'replay', reward: 0.5, occurred_at: 300 }),
    reward({ event_id: 'e4', reward_fn: 'db-hash', reward_fn_version: '1', source: 'replay', reward: 0.25, occurred_at: 300 }),
  ]);

  it('given no selector, then the latest online reward is chosen', () => {
    expect(rewardOf(trajectory)?.event_id).toBe('e2');
  });

  it('given a reward fn only, then the online one of that fn is chosen', () => {
    expect(rewardOf(trajectory, { reward_fn: 'db-hash' })?.reward).toBe(1);
  });

  it('given source replay and two matches at the same time, then event_id breaks the tie', () => {
    expect(rewardOf(trajectory, { reward_fn: 'db-hash', source: 'replay' })?.event_id).toBe('e4');
  });

  it('given source any and an exact version, then that version is chosen whatever its source', () => {
    expect(rewardOf(trajectory, { reward_fn_version: '2', source: 'any' })?.reward).toBe(0.5);
  });

  it('given nothing matches, then null', () => {
    expect(rewardOf(trajectory, { reward_fn: 'length-penalized' })).toBeNull();
    expect(selectReward([], {})).toBeNull();
  });
});
