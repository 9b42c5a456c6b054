import { isLedgerError } from '@rollout-ledger/contracts';
import { dbHashOutputsReward } from './db-hash-outputs.reward';
import { dbHashReward } from './db-hash.reward';
import { createLengthPenalized, lengthPenalizedReward } from './length-penalized.reward';
import { airlineTask3Evaluation, taskDefined, trajectoryWith } from './reward.fixture';
import { parseTaskDefined } from './task-ground-truth';

const task = parseTaskDefined(taskDefined(airlineTask3Evaluation));

describe('db-hash@1', () => {
  it('given the expected final hash, then reward 1', () => {
    expect(dbHashReward.score(trajectoryWith('hash-ok', []), task)).toEqual({ reward: 1, components: { db_match: 1 } });
  });

  it('given another hash or none, then reward 0', () => {
    expect(dbHashReward.score(trajectoryWith('hash-bad', []), task).reward).toBe(0);
    expect(dbHashReward.score(trajectoryWith(null, []), task).reward).toBe(0);
  });

  it('given a task without an expected hash, then REWARD_INPUT_MISSING rather than a false 0', () => {
    const noHash = parseTaskDefined(taskDefined({ actions: [] }));

    expect(() => dbHashReward.score(trajectoryWith('hash-ok', []), noHash)).toThrow(expect.objectContaining({ code: 'REWARD_INPUT_MISSING' }));
  });
});

describe('db-hash-outputs@1', () => {
  it('given the hash and the required "4" said by the assistant, then reward 1', () => {
    const result = dbHashOutputsReward.score(trajectoryWith('hash-ok', ['Hello', 'You can bring 4 suitcases.']), task);

    expect(result).toEqual({ reward: 1, components: { db_match: 1, outputs: 1 }, details: { missing_outputs: [] } });
  });

  it('given the hash but the output never said, then reward 0 with outputs 0', () => {
    const result = dbHashOutputsReward.score(trajectoryWith('hash-ok', ['You can bring three suitcases.']), task);

    expect(result).toEqual({ reward: 0, components: { db_match: 1, outputs: 0 }, details: { missing_outputs: ['4'] } });
  });

  it('given the tau-bench rule, then commas are dropped from the message and case is ignored', () => {
    const v1 = parseTaskDefined(taskDefined({ expected_state_hash: 'hash-ok', outputs: ['1000', 'Refund'] }));

    expect(dbHashOutputsReward.score(trajectoryWith('hash-ok', ['A REFUND of $1,000 is on its way']), v1).reward).toBe(1);
    expect(dbHashOutputsReward.score(trajectoryWith('hash-ok', ['A refund of 1 000']), v1).reward).toBe(0);
  });

  it('given outputs said but the wrong hash, then reward 0 with db_match 0', () => {
    expect(dbHashOutputsReward.score(trajectoryWith('hash-bad', ['4']), task).components).toEqual({ db_match: 0, outputs: 1 });
  });
});

describe('length-penalized@1', () => {
  it('given 23 turns with budget 20 and λ .01, then reward 1 − .03', () => {
    const result = lengthPenalizedReward.score(trajectoryWith('hash-ok', [], 23), task);

    expect(result.reward).toBeCloseTo(0.97, 12);
    expect(result.components).toEqual({ db_match: 1, base_reward: 1, excess_turns: 3, length_penalty: 0.03 });
  });

  it('given a failure over budget, then the reward goes below 0 (not clamped)', () => {
    expect(lengthPenalizedReward.score(trajectoryWith('hash-bad', [], 30), task).reward).toBeCloseTo(-0.1, 12);
  });

  it('given turns within budget, then no penalty', () => {
    expect(lengthPenalizedReward.score(trajectoryWith('hash-ok', [], 20), task).reward).toBe(1);
  });

  it('given custom parameters, then they are used', () => {
    const fn = createLengthPenalized({ lambda: 0.1, budget: 2, version: '2-lambda0.1' });

    expect(fn.score(trajectoryWith('hash-ok', ['a', 'b', 'c', 'd']), task).reward).toBeCloseTo(0.8, 12);
    expect(`${fn.name}@${fn.version}`).toBe('length-penalized@2-lambda0.1');
  });
});

describe('error typing', () => {
  it('is a LedgerError with its code', () => {
    try {
      dbHashReward.score(trajectoryWith('x', []), parseTaskDefined(taskDefined({})));
    } catch (error) {
      expect(isLedgerError(error, 'REWARD_INPUT_MISSING')).toBe(true);
    }
    expect.assertions(1);
  });
});
