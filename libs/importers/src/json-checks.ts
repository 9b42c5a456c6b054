import type { FieldIssue } from '@rollout-ledger/contracts';

/**
 * Field-by-field reading of untrusted JSON. Each reader records a FieldIssue (with the run's index
 * and the dotted path) instead of throwing, so one pass over a file reports every problem at once.
 */
export class IssueLog {
  readonly issues: FieldIssue[] = [];

  add(index: number | undefined, path: string, reason: string): void {
    this.issues.push(index === undefined ? { path, reason } : { index, path, reason });
  }
}

export interface ReadContext {
  readonly log: IssueLog;
  /** Index of the run / simulation in the file. */
  readonly index?: number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

export function expectRecord(value: unknown, path: string, ctx: ReadContext): Record<string, unknown> | undefined {
  if (isRecord(value)) return value;
  ctx.log.add(ctx.index, path, `must be an object, got ${describe(value)}`);
  return undefined;
}

export function expectArray(value: unknown, path: string, ctx: ReadContext): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value;
  ctx.log.add(ctx.index, path, `must be an array, got ${describe(value)}`);
  return undefined;
}

/** A string; `null` (and absence) accepted only when `nullable`. */
export function expectString(value: unknown, path: string, ctx: ReadContext, nullable = false): string | null {
  if (typeof value === 'string') return value;
  if (nullable && (value === null || value === undefined)) return null;
  ctx.log.add(ctx.index, path, `must be a string${nullable ? ' or null' : ''}, got ${describe(value)}`);
  return null;
}

export function expectNumber(value: unknown, path: string, ctx: ReadContext, nullable = false): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (nullable && (value === null || value === undefined)) return null;
  ctx.log.add(ctx.index, path, `must be a finite number${nullable ? ' or null' : ''}, got ${describe(value)}`);
  return null;
}

/** Task ids are ints in tau-bench and strings in tau2; both become strings. */
export function expectId(value: unknown, path: string, ctx: ReadContext): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  ctx.log.add(ctx.index, path, `must be a non-empty string or an integer, got ${describe(value)}`);
  return '';
}

/** A 0/1-ish flag: tau2 writes booleans, some exports write 0/1. */
export function asScore(value: unknown): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return null;
}
