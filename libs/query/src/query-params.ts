import { ValidationError, type FieldIssue } from '@rollout-ledger/contracts';

export type RawParams = Readonly<Record<string, unknown>>;

/**
 * Reads query-string parameters one by one and collects every problem, so a request with three
 * bad filters is told about all three at once (400 with one issue per parameter).
 */
export class ParamReader {
  readonly issues: FieldIssue[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly raw: RawParams) {}

  string(name: string): string | undefined {
    this.used.add(name);
    const value = this.raw[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      this.issues.push({ path: name, reason: 'must be given once, as a single value' });
      return undefined;
    }
    return value;
  }

  int(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) return this.fail(name, `must be an integer, got "${raw}"`);
    return this.inRange(name, Number(raw), range);
  }

  number(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) return this.fail(name, `must be a finite number, got "${raw}"`);
    return this.inRange(name, value, range);
  }

  bool(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = raw.trim().toLowerCase();
    if (['1', 'true', 'yes'].includes(value)) return true;
    if (['0', 'false', 'no'].includes(value)) return false;
    return this.fail(name, `must be true or false, got "${raw}"`);
  }

  /** ISO 8601 or epoch milliseconds → epoch milliseconds. */
  time(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = /^\d+$/.test(raw.trim()) ? Number(raw) : Date.parse(raw);
    if (!Number.isFinite(value)) return this.fail(name, `must be an ISO 8601 time or epoch milliseconds, got "${raw}"`);
    return value;
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!(choices as readonly string[]).includes(raw)) return this.fail(name, `must be one of ${choices.join(', ')}, got "${raw}"`);
    return raw as T;
  }

  /** Runs a parser from another library and files its ValidationError under this parameter. */
  parsed<T>(name: string, parse: (raw: string) => T): T | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      return parse(raw);
    } catch (error) {
      return this.fail(name, error instanceof Error ? error.message : String(error));
    }
  }

  fail(name: string, reason: string): undefined {
    this.issues.push({ path: name, reason });
    return undefined;
  }

  /** Unknown parameters are mistakes (a typo would otherwise silently widen the result). */
  rejectUnknown(ignored: readonly string[] = []): void {
    for (const name of Object.keys(this.raw)) {
      if (!this.used.has(name) && !ignored.includes(name)) this.issues.push({ path: name, reason: 'unknown parameter' });
    }
  }

  throwIfInvalid(what: string): void {
    if (this.issues.length === 0) return;
    const summary = this.issues.map((issue) => `${issue.path} ${issue.reason}`).join('; ');
    throw new ValidationError(`invalid ${what}: ${summary}`, this.issues);
  }

  private inRange(name: string, value: number, range: { min?: number; max?: number }): number | undefined {
    if (range.min !== undefined && value < range.min) return this.fail(name, `must be ≥ ${range.min}, got ${value}`);
    if (range.max !== undefined && value > range.max) return this.fail(name, `must be ≤ ${range.max}, got ${value}`);
    return value;
  }
}
