import { Module } from '@nestjs/common';
import { loadHttpConfig } from '@rollout-ledger/config';
import { HttpEdgeModule, startHttpApp } from '@rollout-ledger/http';
import { QueryApiModule } from '@rollout-ledger/query-api';
import { deleteSyntheticRun, seedSyntheticRun, syntheticRolloutId } from '@rollout-ledger/query';
import type { BenchContext, BenchFigure, BenchScenario } from '../bench-scenario';

@Module({})
class QueryBenchRootModule {}

const KEY = 'bench-read-key-0001';

/**
 * GET /v1/rollouts/:id latency over the real HTTP stack (express, API-key guard, Postgres) with
 * ≥ 100,000 rollouts stored (COPY-seeded under the bench run id, removed afterwards). Requests are
 * sequential from one client, so the figures are per-request latency, not throughput.
 */
export const queryScenario: BenchScenario = {
  name: 'query',
  description: 'GET /v1/rollouts/:id p50/p99 over ≥100,000 stored rollouts (quick: 5,000)',
  async run(context: BenchContext): Promise<readonly BenchFigure[]> {
    const rollouts = context.quick ? 5_000 : 100_000;
    const requests = context.quick ? 500 : 3_000;
    const runId = `bench-query-${context.runTag}`;
    const databaseUrl = context.connection.DATABASE_URL;
    const seedStarted = Date.now();
    await seedSyntheticRun(databaseUrl, { runId, rollouts, progress: context.progress });
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', API_KEYS: `${KEY}:read` };
    const http = loadHttpConfig(env);
    const { app, url } = await startHttpApp({ module: QueryBenchRootModule, imports: [HttpEdgeModule.forRoot(http), QueryApiModule.forRoot(env)] }, http);
    try {
      const get = async (path: string) => {
        const started = process.hrtime.bigint();
        const response = await fetch(`${url}${path}`, { headers: { 'X-API-Key': KEY } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      // A fixed pseudo-random sample, so reruns read the same rows.
      const pick = (n: number) => syntheticRolloutId(runId, (n * 7919) % rollouts);
      context.progress(`query: warming up, then ${requests} × GET /v1/rollouts/:id`);
      for (let i = 0; i < 200; i++) await get(`/v1/rollouts/${pick(i + requests)}`);
      const detail: number[] = [];
      for (let i = 0; i < requests; i++) detail.push(await get(`/v1/rollouts/${pick(i)}`));
      const list: number[] = [];
      for (let i = 0; i < Math.min(300, requests); i++) list.push(await get(`/v1/rollouts?run_id=${runId}&task_id=retail-${i % 500}&limit=50`));
      const note = `${rollouts} rollouts × 8 turns, 2 tool calls, 1 reward (COPY-seeded in ${seedSeconds.toFixed(1)} s); ${requests} sequential requests after 200 warm-up`;
      return [
        { name: 'rollout_get_p50', value: percentile(detail, 0.5), unit: 'ms', note },
        { name: 'rollout_get_p99', value: percentile(detail, 0.99), unit: 'ms', note: `${note}; goal ≤ 20 ms` },
        { name: 'rollout_get_max', value: Math.max(...detail), unit: 'ms', note },
        { name: 'rollout_list_p50', value: percentile(list, 0.5), unit: 'ms', note: 'GET /v1/rollouts?run_id&task_id&limit=50' },
        { name: 'rollout_list_p99', value: percentile(list, 0.99), unit: 'ms', note: 'GET /v1/rollouts?run_id&task_id&limit=50' },
      ];
    } finally {
      await app.close();
      context.progress('query: removing the seeded rows');
      await deleteSyntheticRun(databaseUrl, runId);
    }
  },
};

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0).toFixed(3));
}
