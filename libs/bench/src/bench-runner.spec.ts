import type { ConnectionConfig } from '@rollout-ledger/config';
import { benchResultFileName, formatBenchTable } from './bench-report';
import { runBenchmarks, selectScenarios } from './bench-runner';
import type { BenchScenario } from './bench-scenario';
import { BENCH_SCENARIOS } from './scenarios';

const fast: BenchScenario = { name: 'fast', description: 'a figure', run: async (c) => [{ name: 'fast.ops', value: c.quick ? 10 : 1234.567, unit: 'ops/s', note: 'n=1' }, { name: 'fast.half', value: 5, unit: 'ops/s', baseline: 'fast.ops', ratio: 0.5 }] };
const broken: BenchScenario = { name: 'broken', description: 'throws', run: async () => { throw new Error('no broker'); } };
const context = { connection: {} as ConnectionConfig, quick: false, runTag: 'tag', progress: () => undefined };
const host = { node: 'v20', platform: 'linux-x64', cpus: 2, total_memory_mb: 4096 };

describe('bench runner', () => {
  it('lists the produce benchmark among the registered scenarios, names unique', () => {
    const names = BENCH_SCENARIOS.map((s) => s.name);
    expect(names).toContain('produce');
    expect(new Set(names).size).toBe(names.length);
  });

  it('selects by --only and refuses unknown names', () => {
    expect(selectScenarios([fast, broken]).map((s) => s.name)).toEqual(['fast', 'broken']);
    expect(selectScenarios([fast, broken], 'broken').map((s) => s.name)).toEqual(['broken']);
    expect(() => selectScenarios([fast, broken], 'fast,nope')).toThrow(/Unknown benchmark nope; known: fast, broken/);
  });

  it('runs every scenario, records failures without stopping, measures RSS and prints the table', async () => {
    const run = await runBenchmarks([broken, fast], { context, host, now: () => new Date('2026-12-01T10:00:00.000Z') });
    expect(run.scenarios.map((s) => [s.name, s.error ?? null, s.figures.length])).toEqual([
      ['broken', 'Error: no broker', 0],
      ['fast', null, 2],
    ]);
    expect(run.scenarios[1].peak_rss_mb).toBeGreaterThan(0);
    expect(run.peak_rss_mb).toBeGreaterThanOrEqual(run.scenarios[1].peak_rss_mb);
    const table = formatBenchTable(run).split('\n');
    expect(table[0]).toMatch(/^name\s+value\s+unit\s+baseline\s+ratio\s+note$/);
    expect(table.find((l) => l.startsWith('fast.ops'))).toMatch(/^fast\.ops\s+1,235\s+ops\/s\s+n=1$/);
    expect(table.find((l) => l.startsWith('fast.half'))).toMatch(/fast\.ops\s+0\.5×/);
    expect(table.some((l) => /^broken\s+FAILED.*no broker/.test(l))).toBe(true);
    expect(table.some((l) => /^fast\.peak_rss\s+[\d.]+\s+MB/.test(l))).toBe(true);
    expect(benchResultFileName(new Date('2026-12-01T10:00:00.000Z'))).toBe('2026-12-01T10-00-00-000Z.json');
  });
});
