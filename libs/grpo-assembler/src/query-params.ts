import { ValidationError } from '@rollout-ledger/contracts';

/** Parses an optional query-string value against a closed set of choices. */
export function optionalChoice<T extends string>(value: unknown, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new ValidationError(`${name} must be one of ${choices.join(', ')}`, [{ path: name, reason: `must be one of ${choices.join(', ')}` }]);
}

export function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') return value;
  throw new ValidationError(`${name} must be given once`, [{ path: name, reason: 'must be a single string' }]);
}

export function limitOf(value: unknown, fallback = 100, max = 1_000): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= max)) throw new ValidationError(`limit must be an integer in [1, ${max}]`, [{ path: 'limit', reason: `must be in [1, ${max}]` }]);
  return n;
}
