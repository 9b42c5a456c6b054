import { ValidationError } from '@rollout-ledger/contracts';

export const ADVANTAGE_MODES = ['grpo', 'grpo_no_std', 'rloo'] as const;

export type AdvantageMode = (typeof ADVANTAGE_MODES)[number];

export function parseAdvantageMode(value: string): AdvantageMode {
  const mode = ADVANTAGE_MODES.find((candidate) => candidate === value);
  if (mode === undefined) {
    const allowed = ADVANTAGE_MODES.join(', ');
    throw new ValidationError(`unknown advantage mode "${value}"; allowed: ${allowed}`, [
      { path: 'advantage_mode', reason: `must be one of ${allowed}` },
    ]);
  }
  return mode;
}
