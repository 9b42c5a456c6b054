import { ValidationError, type FieldIssue } from '@rollout-ledger/contracts';
import type { CurriculumOptions, CurriculumWindow } from './curriculum.types';

export interface ResolvedCurriculumOptions {
  readonly window: CurriculumWindow;
  readonly passThreshold: number;
  readonly hi: number;
  readonly lo: number;
}

export const CURRICULUM_DEFAULTS = { passThreshold: 1, hi: 0.9, lo: 0.1 } as const;

export function resolveCurriculumOptions(options: CurriculumOptions): ResolvedCurriculumOptions {
  const resolved = {
    window: options.window,
    passThreshold: options.passThreshold ?? CURRICULUM_DEFAULTS.passThreshold,
    hi: options.hi ?? CURRICULUM_DEFAULTS.hi,
    lo: options.lo ?? CURRICULUM_DEFAULTS.lo,
  };
  const issues: FieldIssue[] = [];
  const { lo, hi, passThreshold, window } = resolved;
  if (!(Number.isFinite(lo) && lo >= 0 && lo <= 1)) issues.push({ path: 'lo', reason: `must be within [0, 1], got ${lo}` });
  if (!(Number.isFinite(hi) && hi >= 0 && hi <= 1)) issues.push({ path: 'hi', reason: `must be within [0, 1], got ${hi}` });
  if (issues.length === 0 && !(lo < hi)) issues.push({ path: 'lo', reason: `must be below hi (lo=${lo}, hi=${hi})` });
  if (!Number.isFinite(passThreshold)) issues.push({ path: 'passThreshold', reason: `must be a finite number, got ${passThreshold}` });
  if (window.kind !== 'all' && !(Number.isInteger(window.last) && window.last >= 1)) {
    issues.push({ path: 'window.last', reason: `must be an integer ≥ 1, got ${window.last}` });
  }
  if (issues.length > 0) {
    throw new ValidationError(`invalid curriculum options: ${issues.map((i) => `${i.path} ${i.reason}`).join('; ')}`, issues);
  }
  return resolved;
}
