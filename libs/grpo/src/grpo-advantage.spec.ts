import { isLedgerError } from '@rollout-ledger/contracts';
import { parseAdvantageMode } from './advantage-mode';
import { computeAdvantages, grpo, grpoNoStd, rloo } from './grpo-advantage';

describe('grpo advantage', () => {
  it('given rewards [1,0,0,0], then mean .25 and unbiased std .5 give A = .75/.500001 and −.25/.500001', () => {
    const advantages = grpo([1, 0, 0, 0]);

    expect(advantages[0]).toBeCloseTo(1.4999970000059999, 12);
    expect(advantages.slice(1)).toEqual([-0.25 / 0.500001, -0.25 / 0.500001, -0.25 / 0.500001]);
    expect(advantages[1]).toBeCloseTo(-0.49999900000199997, 12);
  });

  it('given rewards [1,1,0,0], then the unbiased std (√(1/3)) is used, not the population one (.5)', () => {
    const std = Math.sqrt(1 / 3);

    expect(grpo([1, 1, 0, 0])).toEqual([0.5 / (std + 1e-6), 0.5 / (std + 1e-6), -0.5 / (std + 1e-6), -0.5 / (std + 1e-6)]);
    expect(grpo([1, 1, 0, 0])[0]).toBeCloseTo(0.866024, 5);
  });

  it('given a group of one, then mean 0 and std 1 as verl, so A ≈ r', () => {
    expect(grpo([1])).toEqual([1 / 1.000001]);
    expect(grpo([0])).toEqual([0]);
    expect(grpoNoStd([0.7])).toEqual([0.7]);
    expect(rloo([1])).toEqual([0]);
  });

  it('given all rewards equal, then every advantage is 0 and none is NaN', () => {
    for (const mode of ['grpo', 'grpo_no_std', 'rloo'] as const) {
      expect(computeAdvantages(mode, [1, 1, 1])).toEqual([0, 0, 0]);
    }
  });

  it('given Dr. GRPO, then A = r − mean without dividing by std', () => {
    expect(grpoNoStd([1, 0, 0, 0])).toEqual([0.75, -0.25, -0.25, -0.25]);
  });

  it('given RLOO on [1,0,0,0], then A_1 = 1 − 0 and A_others = 0 − 1/3', () => {
    expect(rloo([1, 0, 0, 0])).toEqual([1, -1 / 3, -1 / 3, -1 / 3]);
    expect(rloo([1, 0])).toEqual([1, -1]);
  });

  it('given a NaN or an empty group, then it refuses rather than emit NaN', () => {
    expect(() => grpo([1, Number.NaN])).toThrow(/finite/);
    expect(() => rloo([])).toThrow(/at least one/);
  });
});

describe('parseAdvantageMode', () => {
  it('given a known mode, then it is returned', () => {
    expect(parseAdvantageMode('grpo_no_std')).toBe('grpo_no_std');
  });

  it('given an unknown mode, then a VALIDATION_FAILED names the allowed values', () => {
    expect(() => parseAdvantageMode('ppo')).toThrow('unknown advantage mode "ppo"; allowed: grpo, grpo_no_std, rloo');
    try {
      parseAdvantageMode('GRPO');
    } catch (error) {
      expect(isLedgerError(error, 'VALIDATION_FAILED')).toBe(true);
    }
  });
});
