import { ValidationError } from '@rollout-ledger/contracts';

/** `tools` travels as a JSON string; a value that is not a JSON array is poison, not retriable. */
export function parseTools(json: string): readonly unknown[] {
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
