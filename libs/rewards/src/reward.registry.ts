import { dbHashOutputsReward } from './db-hash-outputs.reward';
import { dbHashReward } from './db-hash.reward';
import { DuplicateRewardFunctionError, UnknownRewardFunctionError } from './reward-errors';
import { formatRewardFnRef, parseRewardFnRef, type RewardFnRef } from './reward-fn-ref';
import type { RewardFunction } from './reward-function';
import { lengthPenalizedReward } from './length-penalized.reward';

export const BUILT_IN_REWARD_FUNCTIONS: readonly RewardFunction[] = [dbHashReward, dbHashOutputsReward, lengthPenalizedReward];

/** Reward functions by `name@version`. Adapters register custom modules and HTTP services here. */
export class RewardRegistry {
  private readonly byRef = new Map<string, RewardFunction>();

  constructor(functions: readonly RewardFunction[] = []) {
    for (const fn of functions) this.register(fn);
  }

  register(fn: RewardFunction): this {
    const ref = formatRewardFnRef(parseRewardFnRef(formatRewardFnRef(fn)));
    if (this.byRef.has(ref)) throw new DuplicateRewardFunctionError(ref);
    this.byRef.set(ref, fn);
    return this;
  }

  resolve(ref: string | RewardFnRef): RewardFunction {
    const key = formatRewardFnRef(typeof ref === 'string' ? parseRewardFnRef(ref) : ref);
    const fn = this.byRef.get(key);
    if (fn === undefined) throw new UnknownRewardFunctionError(key, this.list());
    return fn;
  }

  has(ref: string | RewardFnRef): boolean {
    return this.byRef.has(formatRewardFnRef(typeof ref === 'string' ? parseRewardFnRef(ref) : ref));
  }

  /** Known references, sorted. */
  list(): string[] {
    return [...this.byRef.keys()].sort();
  }
}

export function createDefaultRewardRegistry(): RewardRegistry {
  return new RewardRegistry(BUILT_IN_REWARD_FUNCTIONS);
}
