import { parseRewardFnRef, type RewardFnRef } from '@rollout-ledger/rewards';
import { ParamReader } from './query-params';

/**
 * The filters shared by the rollout list, task stats, curriculum and every export. All optional;
 * ranges are inclusive; times are epoch milliseconds on `started_at`.
 */
export interface RolloutFilter {
  readonly run_id?: string;
  readonly task_id?: string;
  readonly domain?: string;
  readonly min_policy_version?: number;
  readonly max_policy_version?: number;
  /** Which reward the reward range (and every "reward" column) reads; unset = the online reward. */
  readonly reward_fn?: RewardFnRef;
  readonly min_reward?: number;
  readonly max_reward?: number;
  readonly termination_reason?: string;
  readonly has_tool_error?: boolean;
  readonly since?: number;
  readonly until?: number;
}

export const ROLLOUT_FILTER_PARAMS = [
  'run_id',
  'task_id',
  'domain',
  'policy_version',
  'min_policy_version',
  'max_policy_version',
  'reward_fn',
  'min_reward',
  'max_reward',
  'termination_reason',
  'has_tool_error',
  'since',
  'until',
] as const;

/** Reads the filter parameters; problems are collected in the reader (call throwIfInvalid). */
export function readRolloutFilter(reader: ParamReader): RolloutFilter {
  const exact = reader.parsed('policy_version', parsePolicyVersionRange);
  const filter: RolloutFilter = {
    run_id: reader.string('run_id'),
    task_id: reader.string('task_id'),
    domain: reader.string('domain'),
    min_policy_version: reader.int('min_policy_version') ?? exact?.min,
    max_policy_version: reader.int('max_policy_version') ?? exact?.max,
    reward_fn: reader.parsed('reward_fn', parseRewardFnRef),
    min_reward: reader.number('min_reward'),
    max_reward: reader.number('max_reward'),
    termination_reason: reader.string('termination_reason'),
    has_tool_error: reader.bool('has_tool_error'),
    since: reader.time('since'),
    until: reader.time('until'),
  };
  checkRange(reader, filter.min_policy_version, filter.max_policy_version, 'min_policy_version', 'max_policy_version');
  checkRange(reader, filter.min_reward, filter.max_reward, 'min_reward', 'max_reward');
  checkRange(reader, filter.since, filter.until, 'since', 'until');
  return compact(filter);
}

/** `7` (exactly 7) or `3..7` (inclusive; either side may be left open: `3..`, `..7`). */
export function parsePolicyVersionRange(raw: string): { min?: number; max?: number } {
  const match = /^\s*(-?\d+)?\s*(\.\.)?\s*(-?\d+)?\s*$/.exec(raw);
  if (!match || (match[1] === undefined && match[3] === undefined) || (match[2] === undefined && match[3] !== undefined && match[1] !== undefined)) {
    throw new Error(`must be N or A..B, got "${raw}"`);
  }
  const low = match[1] === undefined ? undefined : Number(match[1]);
  const high = match[3] === undefined ? undefined : Number(match[3]);
  if (match[2] === undefined) return { min: low ?? high, max: low ?? high };
  return { min: low, max: high };
}

function checkRange(reader: ParamReader, low: number | undefined, high: number | undefined, lowName: string, highName: string): void {
  if (low !== undefined && high !== undefined && low > high) reader.fail(lowName, `must not exceed ${highName} (${low} > ${high})`);
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
