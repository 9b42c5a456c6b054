import { ConfigError, FieldIssue } from '@rollout-ledger/contracts';

/**
 * A tiny declarative parser for environment variables: each variable has a parser and an optional
 * default, and every problem is collected so a wrong configuration is reported in one go.
 */
export interface EnvVar<T> {
  readonly parse: (raw: string, name: string) => T;
  readonly default?: T;
  readonly description: string;
}

export type EnvSpec = Record<string, EnvVar<unknown>>;
export type EnvValues<S extends EnvSpec> = { readonly [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

export class EnvParseError extends Error {}

export function parseEnv<S extends EnvSpec>(spec: S, env: NodeJS.ProcessEnv, section = 'configuration'): EnvValues<S> {
  const issues: FieldIssue[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(spec)) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (variable.default === undefined) issues.push({ path: name, reason: `is required (${variable.description})` });
      else values[name] = variable.default;
      continue;
    }
    try {
      values[name] = variable.parse(raw, name);
    } catch (error) {
      issues.push({ path: name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  if (issues.length > 0) {
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.reason}`).join('\n');
    throw new ConfigError(`Invalid ${section}:\n${lines}`, issues);
  }
  return values as EnvValues<S>;
}

export const env = {
  string(description: string, fallback?: string): EnvVar<string> {
    return { description, default: fallback, parse: (raw) => raw };
  },
  int(description: string, fallback?: number, range: { min?: number; max?: number } = {}): EnvVar<number> {
    return {
      description,
      default: fallback,
      parse: (raw) => {
        if (!/^-?\d+$/.test(raw.trim())) throw new EnvParseError(`must be an integer, got "${raw}"`);
        const value = Number(raw);
        if (range.min !== undefined && value < range.min) throw new EnvParseError(`must be ≥ ${range.min}, got ${value}`);
        if (range.max !== undefined && value > range.max) throw new EnvParseError(`must be ≤ ${range.max}, got ${value}`);
        return value;
      },
    };
  },
  bool(description: string, fallback?: boolean): EnvVar<boolean> {
    return {
      description,
      default: fallback,
      parse: (raw) => {
        const value = raw.trim().toLowerCase();
        if (['1', 'true', 'yes', 'on'].includes(value)) return true;
        if (['0', 'false', 'no', 'off'].includes(value)) return false;
        throw new EnvParseError(`must be true or false, got "${raw}"`);
      },
    };
  },
  url(description: string, fallback: string | undefined, protocols: readonly string[]): EnvVar<string> {
    return {
      description,
      default: fallback,
      parse: (raw) => {
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          throw new EnvParseError(`must be a URL (${protocols.join(', ')}), got "${raw}"`);
        }
        if (!protocols.includes(url.protocol.replace(/:$/, ''))) {
          throw new EnvParseError(`must use ${protocols.join(' or ')}, got "${url.protocol}"`);
        }
        return raw.replace(/\/+$/, '');
      },
    };
  },
  hostPorts(description: string, fallback: readonly string[]): EnvVar<readonly string[]> {
    return {
      description,
      default: fallback,
      parse: (raw) => {
        const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
        if (items.length === 0) throw new EnvParseError('must list at least one host:port');
        for (const item of items) {
          if (!/^[^\s:]+:\d{1,5}$/.test(item)) throw new EnvParseError(`"${item}" is not host:port`);
        }
        return items;
      },
    };
  },
  oneOf<T extends string>(description: string, choices: readonly T[], fallback?: T): EnvVar<T> {
    return {
      description,
      default: fallback,
      parse: (raw) => {
        if (!(choices as readonly string[]).includes(raw)) throw new EnvParseError(`must be one of ${choices.join(', ')}, got "${raw}"`);
        return raw as T;
      },
    };
  },
};
