import { ValidationError } from '@rollout-ledger/contracts';

// Every rollout of a task (and most tasks of a domain) carries the same tool schemas, and parsing
// them was the largest single cost of building a trajectory. So a parsed value is kept per JSON
// string and shared; it is deep-frozen so that sharing can never leak a mutation between
// trajectories. Bounded by entry count and string size, oldest entry evicted first.
const CACHE_ENTRIES = 64;
const CACHE_MAX_CHARS = 256 * 1024;
const cache = new Map<string, readonly unknown[]>();

/** `tools` travels as a JSON string; a value that is not a JSON array is poison, not retriable. */
export function parseTools(json: string): readonly unknown[] {
  const cached = cache.get(json);
  if (cached !== undefined) return cached;
  const parsed = deepFreeze(parseArray(json));
  if (json.length <= CACHE_MAX_CHARS) {
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(json, parsed);
  }
  return parsed;
}

function parseArray(json: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ValidationError('RolloutStarted.tools is not valid JSON', [{ path: 'tools', reason: String(error) }]);
  }
  if (!Array.isArray(parsed)) {
    throw new ValidationError('RolloutStarted.tools must be a JSON array', [{ path: 'tools', reason: `got ${typeof parsed}` }]);
  }
  return parsed;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
