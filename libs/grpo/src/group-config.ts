import { ValidationError, type FieldIssue, type RewardSource } from '@rollout-ledger/contracts';
import type { AdvantageMode } from './advantage-mode';

export interface GroupRewardFn {
  /** Unset: any reward function. */
  readonly name?: string;
  /** Unset: the latest version that has a reward. */
  readonly version?: string;
  /** Default 'online'. */
  readonly source?: RewardSource | 'any';
}

export interface GroupConfig {
  /** Default: the latest online reward. */
  readonly rewardFn?: GroupRewardFn;
  /** Default 'grpo'. */
  readonly advantageMode?: AdvantageMode;
  /** No staleness filter unless both this and trainerPolicyVersion are set. */
  readonly maxStaleness?: number;
  readonly trainerPolicyVersion?: number;
  readonly excludedTerminationReasons: readonly string[];
  /** Measured from the group's first event to `now`. */
  readonly timeoutMs: number;
  /** Complete members a partial (timed-out or thinned) group needs; capped at the group's size. */
  readonly minGroupSize: number;
}

export function validateGroupConfig(config: GroupConfig): GroupConfig {
  const issues: FieldIssue[] = [];
  if (!(Number.isFinite(config.timeoutMs) && config.timeoutMs > 0)) issues.push({ path: 'timeoutMs', reason: 'must be a positive number' });
  if (!(Number.isInteger(config.minGroupSize) && config.minGroupSize >= 1)) issues.push({ path: 'minGroupSize', reason: 'must be an integer ≥ 1' });
  if (config.maxStaleness !== undefined && !(Number.isFinite(config.maxStaleness) && config.maxStaleness >= 0)) {
    issues.push({ path: 'maxStaleness', reason: 'must be a number ≥ 0' });
  }
  if (config.trainerPolicyVersion !== undefined && !Number.isFinite(config.trainerPolicyVersion)) {
    issues.push({ path: 'trainerPolicyVersion', reason: 'must be a finite number' });
  }
  if (issues.length > 0) throw new ValidationError(`invalid group config: ${issues.map((i) => `${i.path} ${i.reason}`).join('; ')}`, issues);
  return config;
}
