import { ValidationError } from '@rollout-ledger/contracts';
import type { BenchContext, BenchFigure, BenchScenario } from './bench-scenario';
import { processPeakRssBytes, RssSampler } from './rss-sampler';

export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  readonly figures: readonly BenchFigure[];
  readonly duration_s: number;
  /** Highest RSS sampled while the scenario ran. */
  readonly peak_rss_mb: number;
  /** Set when the scenario threw; the others still run. */
  readonly error?: string;
}

export interface BenchRun {
  readonly started_at: string;
  readonly finished_at: string;
  readonly quick: boolean;
  readonly run_tag: string;
  readonly host: { readonly node: string; readonly platform: string; readonly cpus: number; readonly total_memory_mb: number };
  readonly scenarios: readonly ScenarioResult[];
  /** Lifetime peak RSS of the bench process (the OS's maxRSS). */
  readonly peak_rss_mb: number;
}

export interface RunBenchmarksOptions {
  readonly context: BenchContext;
  readonly host: BenchRun['host'];
  readonly now?: () => Date;
}

/** The scenarios named in `only` (comma-separated), in registry order; all when absent. */
export function selectScenarios(all: readonly BenchScenario[], only?: string): BenchScenario[] {
  if (only === undefined || only.trim() === '') return [...all];
  const wanted = only.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = wanted.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    const known = all.map((s) => s.name).join(', ');
    throw new ValidationError(`Unknown benchmark ${unknown.join(', ')}; known: ${known}`, unknown.map((n) => ({ path: '--only', reason: `unknown benchmark ${n}` })));
  }
  return all.filter((s) => wanted.includes(s.name));
}

/** Runs scenarios one after another (they share the machine; in parallel they would skew each other). */
export async function runBenchmarks(scenarios: readonly BenchScenario[], options: RunBenchmarksOptions): Promise<BenchRun> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    options.context.progress(`bench ${scenario.name}: ${scenario.description}`);
    const sampler = new RssSampler();
    const t0 = performance.now();
    sampler.start();
    let figures: readonly BenchFigure[] = [];
    let error: string | undefined;
    try {
      figures = await scenario.run(options.context);
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
      options.context.progress(`bench ${scenario.name} failed: ${error}`);
    }
    const peak = sampler.stop();
    results.push({
      name: scenario.name,
      description: scenario.description,
      figures,
      duration_s: round((performance.now() - t0) / 1000, 2),
      peak_rss_mb: round(peak / 1024 / 1024, 1),
      ...(error === undefined ? {} : { error }),
    });
  }
  return {
    started_at: started.toISOString(),
    finished_at: now().toISOString(),
    quick: options.context.quick,
    run_tag: options.context.runTag,
    host: options.host,
    scenarios: results,
    peak_rss_mb: round(processPeakRssBytes() / 1024 / 1024, 1),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
