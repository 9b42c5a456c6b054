import { createDefaultRewardRegistry, formatRewardFnRef, parseRewardFnRef, type RewardFunction, type RewardRegistry } from '@rollout-ledger/rewards';
import { createHttpRewardFunction } from './http-reward.function';
import { loadRewardModule } from './reward-module.loader';
import type { ReplayBaseline } from './rollout.scoring';

export interface RewardServiceSettings {
  readonly url: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
}

export interface RewardFnSelection {
  /** `name@version` to score with. */
  readonly rewardFn: string;
  /** `name@version` of the "before" side; online rewards when absent. */
  readonly baseline?: string;
  /** Modules with custom functions, registered beside the built-ins. */
  readonly modules?: readonly string[];
  /** An HTTP reward service, registered under `rewardFn`. */
  readonly service?: RewardServiceSettings;
  readonly cwd: string;
}

export interface ResolvedRewardFns {
  readonly registry: RewardRegistry;
  readonly rewardFn: RewardFunction;
  readonly baseline: ReplayBaseline;
}

/** Built-ins + custom modules + the HTTP service, then the function to score with and the baseline. */
export function resolveRewardFns(selection: RewardFnSelection): ResolvedRewardFns {
  const registry = createDefaultRewardRegistry();
  for (const path of selection.modules ?? []) for (const fn of loadRewardModule(path, selection.cwd)) registry.register(fn);
  const target = parseRewardFnRef(selection.rewardFn);
  if (selection.service !== undefined) {
    registry.register(createHttpRewardFunction({ ...selection.service, name: target.name, version: target.version }));
  }
  const rewardFn = registry.resolve(target);
  if (selection.baseline === undefined) return { registry, rewardFn, baseline: { kind: 'online' } };
  const ref = formatRewardFnRef(parseRewardFnRef(selection.baseline));
  return { registry, rewardFn, baseline: { kind: 'reward-fn', ref, fn: registry.has(ref) ? registry.resolve(ref) : null } };
}
