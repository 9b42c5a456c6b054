/** What the demo prints at the end: pure aggregation of what the APIs answered. */
export interface DomainPassRate {
  readonly domain: string;
  readonly attempts: number;
  readonly passes: number;
  readonly pass_rate: number | null;
}

export interface TaskStatsRow {
  readonly domain: string | null;
  readonly attempts: number;
  readonly scored: number;
  readonly passes: number;
}

export function passRateByDomain(tasks: readonly TaskStatsRow[]): DomainPassRate[] {
  const byDomain = new Map<string, { attempts: number; scored: number; passes: number }>();
  for (const task of tasks) {
    const domain = task.domain ?? 'unknown';
    const entry = byDomain.get(domain) ?? { attempts: 0, scored: 0, passes: 0 };
    entry.attempts += task.attempts;
    entry.scored += task.scored;
    entry.passes += task.passes;
    byDomain.set(domain, entry);
  }
  return [...byDomain.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([domain, entry]) => ({ domain, attempts: entry.attempts, passes: entry.passes, pass_rate: entry.scored === 0 ? null : entry.passes / entry.scored }));
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function percent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}
