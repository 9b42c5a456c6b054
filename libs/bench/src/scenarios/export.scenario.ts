import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteSyntheticRun, seedSyntheticRun } from '@rollout-ledger/query';
import { projectRoot } from '@rollout-ledger/stack';
import type { BenchContext, BenchFigure, BenchScenario } from '../bench-scenario';

interface ExportResult {
  readonly trajectories: number;
  readonly records: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly peak_rss_mb: number;
  readonly cpu_user_s: number;
  readonly cpu_system_s: number;
}

/**
 * Throughput and peak memory of `rollout-ledger export` over a COPY-seeded run. The export runs
 * as its own process (the CLI a user runs) so its peak RSS is the export's alone, not the
 * benchmark's seeding.
 */
export const exportScenario: BenchScenario = {
  name: 'export',
  description: 'rollout-ledger export sft / rl-parquet of ≥100,000 rollouts: MB/s, trajectories/s, peak RSS (quick: 5,000)',
  async run(context: BenchContext): Promise<readonly BenchFigure[]> {
    const rollouts = context.quick ? 5_000 : 100_000;
    const runId = `bench-export-${context.runTag}`;
    const databaseUrl = context.connection.DATABASE_URL;
    const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
    await seedSyntheticRun(databaseUrl, { runId, rollouts, progress: context.progress });
    try {
      const figures: BenchFigure[] = [];
      for (const [format, file] of [['sft', 'out.jsonl'], ['rl', 'out.parquet']] as const) {
        context.progress(`export: ${format} of ${rollouts} rollouts → ${file}`);
        const result = await runCli(['export', format, '--out', join(dir, file), '--run-id', runId, '--json'], databaseUrl);
        const mb = result.bytes / 1e6;
        const note = `${rollouts} rollouts × 8 turns (${mb.toFixed(0)} MB ${file.endsWith('parquet') ? 'Parquet' : 'JSONL'}), separate CLI process`;
        figures.push(
          { name: `export_${format}_mb_per_s`, value: round(mb / result.seconds), unit: 'MB/s', note: `${note}; goal ≥ 50 MB/s` },
          { name: `export_${format}_trajectories_per_s`, value: round(result.trajectories / result.seconds), unit: 'trajectories/s', note },
          { name: `export_${format}_peak_rss`, value: round(result.peak_rss_mb), unit: 'MB', note: `${note}; goal ≤ 300 MB` },
          // The export process's own CPU (user + system, start-up included): steadier than MB/s
          // on a machine shared with other work, and what a faster renderer actually saves.
          { name: `export_${format}_cpu`, value: round(result.cpu_user_s + result.cpu_system_s), unit: 's', note },
          { name: `export_${format}_mb_per_cpu_s`, value: round(mb / (result.cpu_user_s + result.cpu_system_s)), unit: 'MB/CPU-s', note },
        );
      }
      return figures;
    } finally {
      rmSync(dir, { recursive: true, force: true });
      context.progress('export: removing the seeded rows');
      await deleteSyntheticRun(databaseUrl, runId);
    }
  },
};

function runCli(args: readonly string[], databaseUrl: string): Promise<ExportResult> {
  const root = projectRoot(__dirname);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'rollout-ledger.js'), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`export exited ${code}: ${stderr.slice(-2000)}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ExportResult);
    });
  });
}

function round(value: number): number {
  return Number(value.toFixed(1));
}
