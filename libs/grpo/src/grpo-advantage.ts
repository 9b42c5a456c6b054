import { ValidationError } from '@rollout-ledger/contracts';
import type { AdvantageMode } from './advantage-mode';

/** verl's epsilon in compute_grpo_outcome_advantage. */
export const GRPO_EPSILON = 1e-6;

/**
 * A_i = (r_i − mean) / (std + 1e-6) with the unbiased (n − 1) std, as verl's
 * compute_grpo_outcome_advantage. A group of one gets mean 0 and std 1 (A = r / (1 + 1e-6) ≈ r):
 * torch.std of a single element is NaN (n − 1 = 0), so verl special-cases it rather than poison the
 * batch, and we keep the same numbers so trainers see identical advantages.
 */
export function grpo(rewards: readonly number[]): number[] {
  assertFinite(rewards);
  if (rewards.length === 1) return rewards.map((r) => r / (1 + GRPO_EPSILON));
  const mean = meanOf(rewards);
  const std = unbiasedStd(rewards, mean);
  return rewards.map((r) => (r - mean) / (std + GRPO_EPSILON));
}

/** Dr. GRPO (verl norm_adv_by_std_in_grpo=False): A_i = r_i − mean; a group of one has mean 0 as in verl. */
export function grpoNoStd(rewards: readonly number[]): number[] {
  assertFinite(rewards);
  if (rewards.length === 1) return [...rewards];
  const mean = meanOf(rewards);
  return rewards.map((r) => r - mean);
}

/**
 * RLOO: A_i = r_i − mean of the other G − 1 rewards. A group of one has no "others" and gets 0
 * (verl leaves the raw score there; we choose no signal over an unbaselined one).
 */
export function rloo(rewards: readonly number[]): number[] {
  assertFinite(rewards);
  const n = rewards.length;
  if (n === 1) return [0];
  const sum = rewards.reduce((acc, r) => acc + r, 0);
  return rewards.map((r) => r - (sum - r) / (n - 1));
}

export function computeAdvantages(mode: AdvantageMode, rewards: readonly number[]): number[] {
  switch (mode) {
    case 'grpo':
      return grpo(rewards);
    case 'grpo_no_std':
      return grpoNoStd(rewards);
    case 'rloo':
      return rloo(rewards);
    default: {
      const unknown: never = mode;
      throw new ValidationError(`unknown advantage mode ${String(unknown)}`);
    }
  }
}

function meanOf(values: readonly number[]): number {
  return values.reduce((acc, v) => acc + v, 0) / values.length;
}

function unbiasedStd(values: readonly number[], mean: number): number {
  const squares = values.reduce((acc, v) => acc + (v - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

// Keeps NaN out of every advantage: a non-finite reward would spread to the whole group.
function assertFinite(rewards: readonly number[]): void {
  const issues = rewards.flatMap((r, index) => (Number.isFinite(r) ? [] : [{ index, path: 'reward', reason: `not a finite number: ${r}` }]));
  if (rewards.length === 0) throw new ValidationError('advantages need at least one reward', [{ path: 'rewards', reason: 'empty' }]);
  if (issues.length > 0) throw new ValidationError('rewards must be finite numbers', issues);
}
