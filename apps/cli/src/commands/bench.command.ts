import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { BENCH_SCENARIOS, benchResultFileName, formatBenchTable, runBenchmarks, selectScenarios } from '@rollout-ledger/bench';
import { loadConnectionConfig } from '@rollout-ledger/config';
import { projectRoot } from '@rollout-ledger/stack';

interface BenchCliOptions {
  readonly quick?: boolean;
  readonly only?: string;
  readonly out?: string;
}

async function runBench(options: BenchCliOptions): Promise<void> {
  const scenarios = selectScenarios(BENCH_SCENARIOS, options.only);
  const runTag = `bench-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
  const run = await runBenchmarks(scenarios, {
    context: {
      connection: loadConnectionConfig(process.env),
      quick: options.quick === true,
      runTag,
      progress: (message) => process.stderr.write(`${message}\n`),
    },
    host: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, total_memory_mb: Math.round(totalmem() / 1024 / 1024) },
  });
  const dir = resolve(options.out ?? join(projectRoot(), 'bench-results'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, benchResultFileName(new Date(run.started_at)));
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  process.stdout.write(`${formatBenchTable(run)}\nresults: ${file}\n`);
  if (run.scenarios.some((s) => s.error !== undefined)) process.exitCode = 1;
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(`run the benchmarks (${BENCH_SCENARIOS.map((s) => s.name).join(', ')}) against the local stack; prints a table and writes bench-results/<timestamp>.json`)
    .option('--quick', 'small smoke-test sizes (CI)')
    .option('--only <names>', 'comma-separated subset of benchmarks')
    .option('--out <dir>', 'folder for the JSON results (default bench-results/)')
    .action((options: BenchCliOptions) => runBench(options));
}
