import { readFileSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { loadConnectionConfig, loadPublishConfig } from '@rollout-ledger/config';
import { ValidationError } from '@rollout-ledger/contracts';
import { connectLedgerProducer, importFile, publishEvents, publishTopics, type ImportFormat, type LedgerTopics } from '@rollout-ledger/importers';

interface ImportCliOptions {
  readonly runId?: string;
  readonly policyVersion?: string;
  readonly domain?: string;
  readonly dryRun?: boolean;
  readonly batchSize: string;
  readonly json?: boolean;
}

export function integerOption(name: string, raw: string, min = 0): number {
  if (!/^-?\d+$/.test(raw.trim()) || Number(raw) < min) {
    throw new ValidationError(`${name} must be an integer ≥ ${min}, got "${raw}"`, [{ path: name, reason: `not an integer ≥ ${min}` }]);
  }
  return Number(raw);
}

/** The topics of ROLLOUT_EVENTS_TOPIC / TASK_DEFINITIONS_TOPIC (defaults: rollout.events, task.definitions). */
export function topicsFromEnv(): LedgerTopics {
  const config = loadPublishConfig(process.env);
  return publishTopics(config.ROLLOUT_EVENTS_TOPIC, config.TASK_DEFINITIONS_TOPIC);
}

async function runImport(format: ImportFormat, file: string, options: ImportCliOptions): Promise<void> {
  let text: string;
  let mtime: number;
  try {
    text = readFileSync(file, 'utf8');
    mtime = Math.floor(statSync(file).mtimeMs);
  } catch (error) {
    throw new ValidationError(`Cannot read ${file}: ${(error as Error).message}`, [{ path: 'FILE', reason: 'unreadable' }]);
  }
  // Everything is converted and validated before the first event is sent.
  const { events, summary } = importFile(format, text, {
    runId: options.runId,
    policyVersion: options.policyVersion === undefined ? undefined : integerOption('--policy-version', options.policyVersion),
    domain: options.domain,
    fallbackTime: mtime,
  });
  const what = `${summary.rollouts} rollouts in ${summary.groups} groups (${summary.passed} passed), ${summary.tasks} tasks, ${summary.events} events, run ${summary.run_id}`;
  if (options.dryRun) {
    process.stdout.write(options.json ? `${JSON.stringify({ ...summary, dry_run: true })}\n` : `dry run, nothing published: ${file} → ${what}\n`);
    return;
  }
  const producer = await connectLedgerProducer(loadConnectionConfig(process.env), `import-${format}`, topicsFromEnv());
  try {
    const stats = await publishEvents(events, producer, {
      batchSize: integerOption('--batch-size', options.batchSize, 1),
      onProgress: (n) => process.stderr.write(`\rimport ${format}: ${n}/${events.length} events published`),
    });
    process.stderr.write('\n');
    process.stdout.write(options.json ? `${JSON.stringify({ ...summary, elapsed_ms: stats.elapsed_ms })}\n` : `imported ${file} → ${what} in ${(stats.elapsed_ms / 1000).toFixed(1)} s\n`);
  } finally {
    await producer.disconnect();
  }
}

export function registerImportCommand(program: Command): void {
  const command = program
    .command('import')
    .description('import real benchmark results as events (idempotent: event ids derive from the run id and the source ids, so a rerun completes a half-done import); topics from ROLLOUT_EVENTS_TOPIC / TASK_DEFINITIONS_TOPIC');
  const formats: readonly [ImportFormat, string][] = [
    ['tau-bench', 'a tau-bench v1 results file (JSON array of {task_id, trial, reward, info, traj})'],
    ['tau2', 'a tau2-bench results.json ({info, tasks, simulations})'],
  ];
  for (const [format, description] of formats) {
    command
      .command(`${format} <file>`)
      .description(`import ${description}`)
      .option('--run-id <id>', 'run_id of the imported rollouts (default: derived from the file content)')
      .option('--policy-version <n>', 'policy_version of the imported rollouts (default 0)')
      .option('--domain <name>', 'domain (retail, airline, …) when the file does not say')
      .option('--dry-run', 'convert and validate the whole file, publish nothing')
      .option('--batch-size <n>', 'events per produce request', '500')
      .option('--json', 'print the summary as JSON')
      .action((file: string, options: ImportCliOptions) => runImport(format, file, options));
  }
}
