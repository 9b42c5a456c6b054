import { dbHashReward } from '@rollout-ledger/rewards';
import { rewardFunctionsIn } from './reward-module.loader';

describe('rewardFunctionsIn', () => {
  const custom = { name: 'custom', version: '2', score: () => ({ reward: 1, components: {} }) };

  it('finds a function exported directly, in an array, as default or as rewardFunctions', () => {
    expect(rewardFunctionsIn(custom)).toEqual([custom]);
    expect(rewardFunctionsIn([custom, dbHashReward, 'junk'])).toEqual([custom, dbHashReward]);
    expect(rewardFunctionsIn({ default: custom })).toEqual([custom]);
    expect(rewardFunctionsIn({ __esModule: true, default: [custom] })).toEqual([custom]);
    expect(rewardFunctionsIn({ rewardFunctions: [custom] })).toEqual([custom]);
    expect(rewardFunctionsIn({ mine: custom, helper: () => 1 })).toEqual([custom]);
  });

  it('finds nothing in what only looks close', () => {
    expect(rewardFunctionsIn({ name: 'x', version: 1, score: () => 0 })).toEqual([]);
    expect(rewardFunctionsIn(null)).toEqual([]);
    expect(rewardFunctionsIn(() => 1)).toEqual([]);
  });
});
