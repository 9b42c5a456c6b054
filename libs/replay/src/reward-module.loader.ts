import { isAbsolute, resolve } from 'node:path';
import type { RewardFunction } from '@rollout-ledger/rewards';
import { RewardModuleError } from './replay.errors';

/**
 * Loads custom reward functions from a CommonJS module (plain JS, or compiled TS/ESM interop):
 * `module.exports = fn`, `= [fn, …]`, `exports.default = …` or `exports.rewardFunctions = [...]`,
 * where each fn is `{ name, version, score(trajectory, task) }` like the built-ins.
 */
export function loadRewardModule(modulePath: string, cwd: string): RewardFunction[] {
  const path = isAbsolute(modulePath) ? modulePath : resolve(cwd, modulePath);
  let loaded: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the user names the module at run time
    loaded = require(path);
  } catch (error) {
    throw new RewardModuleError(`cannot load reward module ${path}: ${(error as Error).message}`, path, { cause: error });
  }
  const functions = rewardFunctionsIn(loaded);
  if (functions.length === 0) {
    throw new RewardModuleError(`reward module ${path} exports no reward function ({ name, version, score(trajectory, task) })`, path);
  }
  return functions;
}

export function rewardFunctionsIn(exported: unknown): RewardFunction[] {
  if (isRewardFunction(exported)) return [exported];
  if (Array.isArray(exported)) return exported.filter(isRewardFunction);
  if (typeof exported !== 'object' || exported === null) return [];
  const record = exported as Record<string, unknown>;
  for (const key of ['default', 'rewardFunctions', 'rewardFunction']) {
    if (record[key] !== undefined) {
      const found = rewardFunctionsIn(record[key]);
      if (found.length > 0) return found;
    }
  }
  return Object.values(record).filter(isRewardFunction);
}

function isRewardFunction(value: unknown): value is RewardFunction {
  if (typeof value !== 'object' || value === null) return false;
  const fn = value as Partial<RewardFunction>;
  return typeof fn.name === 'string' && typeof fn.version === 'string' && typeof fn.score === 'function';
}
