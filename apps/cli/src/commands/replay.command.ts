import { Command, Option } from 'commander';
import { loadConnectionConfig, loadReplayConfig } from '@rollout-ledger/config';
import { createProgressBar, formatReplayReport, runReplay, type ReplayRunResult, type ReplaySource } from '@rollout-ledger/replay';

interface ReplayCliOptions {
  rewardFn: string;
  baseline?: string;
  runId?: string;
  from?: string;
  to?: string;
  source: ReplaySource;
  dryRun?: boolean;
  json?: boolean;
  rewardModule: string[];
  rewardUrl?: string;
  passThreshold: string;
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('re-score recorded rollouts with a reward function and append RewardAssigned(source=replay) to rollout.events; ends with a diff report')
    .requiredOption('--reward-fn <name@version>', 'reward function to score with (built-ins: db-hash@1, db-hash-outputs@1, length-penalized@1)')
    .option('--baseline <name@version>', 'compare with this function\'s reward instead of the online one')
    .option('--run-id <id>', 'only rollouts of this run')
    .option('--from <time|offsets>', 'start: ISO time or epoch ms (record time), or partition:offset,… of the events topic')
    .option('--to <time|offsets>', 'end (exclusive), same forms; default: the end when the replay starts')
    .addOption(new Option('--source <source>', 'read Kafka, or the Postgres event log when Kafka no longer holds the range').choices(['kafka', 'store']).default('kafka'))
    .option('--dry-run', 'print the report, publish nothing')
    .option('--json', 'print the report as JSON')
    .option('--reward-module <path>', 'JS module exporting a RewardFunction or an array of them (repeatable)', collect, [])
    .option('--reward-url <url>', 'HTTP reward service (POST {reward_fn, trajectory, task} → {reward, components}) registered as --reward-fn')
    .option('--pass-threshold <reward>', 'a reward ≥ this counts as a pass when counting flips', '0.5')
    .action(async (options: ReplayCliOptions) => {
      const connection = loadConnectionConfig(process.env);
      const config = loadReplayConfig(process.env);
      const result = await runReplay(
        connection,
        config,
        {
          rewardFn: options.rewardFn,
          baseline: options.baseline,
          runId: options.runId,
          from: options.from,
          to: options.to,
          source: options.source,
          dryRun: options.dryRun === true,
          rewardModules: options.rewardModule,
          rewardUrl: options.rewardUrl,
          passThreshold: Number(options.passThreshold),
          cwd: process.cwd(),
        },
        { progress: createProgressBar(process.stderr) },
      );
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatReplayReport(result.report, header(result)));
    });
}

function header(result: ReplayRunResult): string[] {
  const { read, timings } = result;
  return [
    `source            ${result.input}${result.run_id ? `, run ${result.run_id}` : ''}`,
    `read              ${read.events_read} events, ${read.tasks_read} task definitions, ${read.undecodable} undecodable in ${(timings.read_ms / 1000).toFixed(1)} s`,
    ...read.notes.map((note) => `note              ${note}`),
    result.dry_run ? 'published         nothing (dry run)' : `published         ${result.published} RewardAssigned in ${(timings.score_ms / 1000).toFixed(1)} s`,
  ];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
