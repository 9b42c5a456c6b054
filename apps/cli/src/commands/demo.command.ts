import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Command } from 'commander';
import { loadConnectionConfig, loadStackConfig } from '@rollout-ledger/config';
import { LedgerError } from '@rollout-ledger/contracts';
import { connectLedgerProducer, publishEvents } from '@rollout-ledger/importers';
import { generate, loadTau2Catalog, planSimulation } from '@rollout-ledger/simulator';
import { LocalStack, projectRoot } from '@rollout-ledger/stack';
import { countBy, passRateByDomain, percent, type TaskStatsRow } from '../demo/demo-summary';
import { startApps, untilSignal } from '../serve/serve-runtime';
import { integerOption } from './import.command';

interface DemoOptions {
  readonly tasks: string;
  readonly groupSize: string;
  readonly seed: string;
  readonly passRate: string;
  readonly batchGroups: string;
  readonly port: string;
  readonly timeout: string;
  readonly exit?: boolean;
}

const say = (message: string) => process.stdout.write(`• ${message}\n`);

/**
 * The main job on a fresh machine: the local stack, every app in this process, a few hundred
 * simulated MUA-RL rollouts of real tau2 tasks, and a summary of what each part made of them.
 */
async function runDemo(options: DemoOptions): Promise<void> {
  const tasks = integerOption('--tasks', options.tasks, 1);
  const groupSize = integerOption('--group-size', options.groupSize, 1);
  const seed = integerOption('--seed', options.seed);
  const batchGroups = integerOption('--batch-groups', options.batchGroups, 1);
  const timeoutMs = integerOption('--timeout', options.timeout, 1) * 1000;
  const passRate = Number(options.passRate);

  say('starting the local stack (Kafka, schema registry, PostgreSQL migrations)…');
  const stack = new LocalStack(loadStackConfig(), loadConnectionConfig());
  for (const service of await stack.up(say)) say(`${service.name}: ${service.state} at ${service.endpoint}`);

  // A key for this demo only, so the APIs can be tried with curl while it runs.
  const apiKey = `demo-${randomBytes(12).toString('hex')}`;
  const runId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: options.port,
    API_KEYS: [process.env.API_KEYS, `${apiKey}:admin`].filter(Boolean).join(','),
    GRPO_BATCH_GROUPS: String(batchGroups),
  };
  const running = await startApps('all', env);
  const { url } = running;
  say(`apps running: ${running.apps.map((app) => app.name).join(', ')} on ${url}`);

  try {
    const simulation = { seed, runId, catalog: loadTau2Catalog(), taskCount: tasks, groupSize, passRate, tokenFields: true, groupsPerPolicyVersion: Math.max(1, Math.ceil(tasks / 4)) };
    const plan = planSimulation(simulation);
    const expected = plan.rolloutsPerRun;
    say(`simulating ${expected} rollouts (${plan.groupsPerRun} groups × ${groupSize}) of ${tasks} tau2 tasks, run ${runId}…`);
    const producer = await connectLedgerProducer(loadConnectionConfig(env), 'demo');
    try {
      const published = await publishEvents(generate(simulation), producer, { batchSize: 500 });
      say(`published ${published.events} events in ${(published.elapsed_ms / 1000).toFixed(1)} s`);
    } finally {
      await producer.disconnect();
    }

    const api = apiClient(url, apiKey);
    const deadline = Date.now() + timeoutMs;
    const stats = await waitFor('rollouts materialized', deadline, async () => {
      const { tasks: rows } = await api<{ tasks: Array<TaskStatsRow & { task_id: string }> }>(`/v1/tasks/stats?run_id=${runId}`);
      const scored = rows.reduce((sum, row) => sum + row.scored, 0);
      return { done: scored >= expected, value: rows, progress: `${scored}/${expected}` };
    });
    const groups = await waitFor('groups decided', deadline, async () => {
      const { groups: rows } = await api<{ groups: Array<{ status: string; reason: string | null }> }>(`/v1/groups?run_id=${runId}&limit=1000`);
      const decided = rows.filter((group) => group.status !== 'pending').length;
      return { done: rows.length >= plan.groupsPerRun && decided === rows.length, value: rows, progress: `${decided}/${plan.groupsPerRun}` };
    });
    const { batches } = await api<{ batches: Array<{ batch_id: string; status: string; groups?: number; members?: number }> }>(`/v1/batches?run_id=${runId}&limit=1000`);

    const exportFile = join(projectRoot(), 'exports', `${runId}.sft.jsonl`);
    mkdirSync(join(projectRoot(), 'exports'), { recursive: true });
    const exported = await fetch(`${url}/v1/exports/sft?run_id=${runId}&min_reward=1`, { headers: { Authorization: `Bearer ${apiKey}` } });
    if (!exported.ok || !exported.body) throw new LedgerError('DEMO_FAILED', `SFT export answered ${exported.status}: ${await exported.text()}`);
    await pipeline(Readable.fromWeb(exported.body as WebReadableStream<Uint8Array>), createWriteStream(exportFile));

    const statusCounts = countBy(groups, (group) => (group.status === 'filtered' ? `filtered (${group.reason})` : group.status));
    process.stdout.write(
      [
        '',
        `Rollout Ledger demo — run ${runId}`,
        `  rollouts materialized   ${stats.reduce((sum, row) => sum + row.attempts, 0)} of ${expected} published (${stats.length} tasks)`,
        `  groups                  ${statusCounts.map(([status, count]) => `${count} ${status}`).join(', ')}`,
        `  batches ready           ${batches.length} of ${batchGroups} groups each (${countBy(batches, (batch) => batch.status).map(([s, n]) => `${n} ${s}`).join(', ') || 'none'})`,
        '  pass rate per domain',
        ...passRateByDomain(stats).map((row) => `    ${row.domain.padEnd(10)} ${percent(row.pass_rate).padStart(6)}  (${row.passes}/${row.attempts})`),
        `  SFT export (reward = 1) ${exportFile}`,
        `  query API               ${url}/v1/rollouts?run_id=${runId}   (header: Authorization: Bearer ${apiKey})`,
        `  audit UI                ${url}/ui?run_id=${runId}&key=${apiKey}`,
        `  OpenAPI                 ${url}/docs`,
        `  trainer lease API       POST ${url}/v1/batches/lease`,
        `  health / metrics        ${url}/health   ${url}/metrics`,
        '',
      ].join('\n'),
    );
    if (!options.exit) {
      say('serving until Ctrl-C…');
      await untilSignal();
    }
  } finally {
    say('stopping the apps (the stack keeps running: `rollout-ledger stack down` stops it)');
    await running.app.close();
  }
}

function apiClient(url: string, apiKey: string) {
  return async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${apiKey}` } });
    if (!response.ok) throw new LedgerError('DEMO_FAILED', `GET ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
}

async function waitFor<T>(what: string, deadline: number, poll: () => Promise<{ done: boolean; value: T; progress: string }>): Promise<T> {
  let last = '';
  for (;;) {
    const { done, value, progress } = await poll();
    if (progress !== last) process.stderr.write(`\r  ${what}: ${progress}   `);
    last = progress;
    if (done) {
      process.stderr.write('\n');
      return value;
    }
    if (Date.now() > deadline) throw new LedgerError('DEMO_TIMEOUT', `${what}: only ${progress} before the timeout (raise --timeout)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job: start the local stack and every app, simulate a few hundred MUA-RL rollouts of tau2 tasks, print what was materialized, grouped, batched and exported; Ctrl-C stops')
    .option('--tasks <n>', 'distinct tau2 tasks (one group each)', '32')
    .option('--group-size <g>', 'rollouts per group (G)', '8')
    .option('--seed <s>', 'seed of the simulation', '7')
    .option('--pass-rate <p>', 'mean share of rollouts with reward 1', '0.5')
    .option('--batch-groups <n>', 'complete groups per GRPO batch', '8')
    .option('--port <port>', 'HTTP port of the apps', '3000')
    .option('--timeout <s>', 'longest wait for the pipeline to catch up', '300')
    .option('--exit', 'exit after the summary instead of serving until Ctrl-C (CI)')
    .action((options: DemoOptions) => runDemo(options));
}
