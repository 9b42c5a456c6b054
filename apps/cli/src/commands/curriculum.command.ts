import { Command, Option } from 'commander';
import { loadConnectionConfig } from '@rollout-ledger/config';
import type { TaskCurriculumStats } from '@rollout-ledger/curriculum';
import { createDatabase } from '@rollout-ledger/persistence';
import { CURRICULUM_WINDOWS, parseCurriculumRequest, queryCurriculum } from '@rollout-ledger/query';
import { addHistoryFilterOptions, definedOnly, filterParams, type HistoryFilterCliOptions } from './history-filter.options';

interface CurriculumCliOptions extends HistoryFilterCliOptions {
  window: string;
  last?: string;
  hi?: string;
  lo?: string;
  passThreshold?: string;
  band?: string;
  json?: boolean;
}

export function registerCurriculumCommand(program: Command): void {
  const command = program
    .command('curriculum')
    .description('per task pass rate over a window (last K policy versions or last N attempts) and its band: too_easy, learnable, too_hard')
    .addOption(new Option('--window <kind>', 'policy_versions (last K versions), attempts (last N per task) or all').choices([...CURRICULUM_WINDOWS]).default('all'))
    .option('--last <n>', 'K policy versions or N attempts per task')
    .option('--hi <rate>', 'pass rate ≥ hi is too easy (default 0.9)')
    .option('--lo <rate>', 'pass rate ≤ lo is too hard (default 0.1)')
    .option('--pass-threshold <reward>', 'reward ≥ this passes (default 1)')
    .addOption(new Option('--band <band>', 'print only tasks in this band').choices(['too_easy', 'learnable', 'too_hard']))
    .option('--json', 'print JSON');
  addHistoryFilterOptions(command).action(async (options: CurriculumCliOptions) => {
    const request = parseCurriculumRequest(
      definedOnly({ ...filterParams(options), window: options.window, last: options.last, hi: options.hi, lo: options.lo, pass_threshold: options.passThreshold }),
    );
    const db = createDatabase(loadConnectionConfig(process.env).DATABASE_URL, { max: 2 });
    try {
      process.stderr.write('curriculum: reading attempts…\n');
      const tasks = (await queryCurriculum(db, request.filter, request.options)).filter((task) => !options.band || task.band === options.band);
      process.stdout.write(options.json ? `${JSON.stringify({ window: request.options.window, tasks }, null, 2)}\n` : table(tasks));
    } finally {
      await db.destroy();
    }
  });
}

function table(tasks: readonly TaskCurriculumStats[]): string {
  const header = ['domain', 'task_id', 'attempts', 'passes', 'pass_rate', 'mean_reward', 'band', 'policy_versions'];
  const rows = tasks.map((t) => [t.domain, t.task_id, String(t.attempts), String(t.passes), t.pass_rate.toFixed(3), t.mean_reward.toFixed(3), t.band, `${t.min_policy_version}..${t.max_policy_version}`]);
  const widths = header.map((name, index) => Math.max(name.length, ...rows.map((row) => (row[index] ?? '').length)));
  const format = (cells: readonly string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
  return `${[format(header), ...rows.map(format)].join('\n')}\n${tasks.length} task(s)\n`;
}
