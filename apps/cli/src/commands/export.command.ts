import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { Argument, Command, Option } from 'commander';
import { loadConnectionConfig, loadQueryConfig } from '@rollout-ledger/config';
import { ADVANTAGE_MODES, EXPORT_FORMATS, parseExportRequest, runExport, type ExportSummary } from '@rollout-ledger/exports';
import { createDatabase } from '@rollout-ledger/persistence';
import { RolloutRepository } from '@rollout-ledger/query';
import { exportProgressBar } from './export-progress';
import { addHistoryFilterOptions, definedOnly, filterParams, type HistoryFilterCliOptions } from './history-filter.options';

interface ExportCliOptions extends HistoryFilterCliOptions {
  out: string;
  advantage?: string;
  formatFile?: string;
  weights?: boolean;
  json?: boolean;
}

export function registerExportCommand(program: Command): void {
  const command = program
    .command('export')
    .description('stream a dataset from the history: sft (OpenAI JSONL), trl (JSONL), verl (Parquet), rl (JSONL|Parquet), dpo (JSONL pairs)')
    .addArgument(new Argument('<format>', EXPORT_FORMATS.join('|')).choices(EXPORT_FORMATS))
    .requiredOption('--out <file>', 'output file (written to FILE.partial, renamed when complete)');
  addHistoryFilterOptions(command)
    .addOption(new Option('--advantage <mode>', 'rl: advantage per group').choices([...ADVANTAGE_MODES]))
    .addOption(new Option('--format-file <kind>', 'rl: jsonl or parquet (default: from --out extension, else jsonl)').choices(['jsonl', 'parquet']))
    .option('--weights', 'sft: add weight 0|1 to assistant messages (1 = trainable turn)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (format: string, options: ExportCliOptions) => {
      const request = parseExportRequest(
        format,
        definedOnly({
          ...filterParams(options),
          advantage: options.advantage,
          format_file: options.formatFile,
          weights: options.weights ? 'true' : undefined,
        }),
        options.out,
      );
      const connection = loadConnectionConfig(process.env);
      const config = loadQueryConfig(process.env);
      const db = createDatabase(connection.DATABASE_URL, { max: 4 });
      const partial = `${options.out}.partial`;
      const started = Date.now();
      try {
        const repository = new RolloutRepository(db);
        const total = await repository.count(request.filter);
        const progress = exportProgressBar(process.stderr, total, `export ${format}`);
        const out = createWriteStream(partial);
        let summary: ExportSummary;
        try {
          summary = await runExport({
            repository,
            filter: request.filter,
            options: request.options,
            out,
            pageSize: config.EXPORT_PAGE_SIZE,
            rowGroupSize: config.EXPORT_PARQUET_ROW_GROUP,
            onProgress: (p) => progress(p.trajectories, p.bytes),
          });
          out.end();
          await finished(out);
        } catch (error) {
          out.destroy();
          await rm(partial, { force: true });
          throw error;
        }
        await rename(partial, options.out);
        progress(summary.trajectories, summary.bytes, true);
        const seconds = (Date.now() - started) / 1000;
        // CPU time of this process: on a shared machine it moves far less than the wall clock.
        const cpu = process.cpuUsage();
        const result = {
          ...summary,
          out: options.out,
          seconds,
          cpu_user_s: cpu.user / 1e6,
          cpu_system_s: cpu.system / 1e6,
          peak_rss_mb: process.resourceUsage().maxRSS / 1024,
        };
        process.stderr.write(
          `wrote ${summary.records} ${format} records (${summary.file_format}) from ${summary.trajectories} trajectories, ${(summary.bytes / 1e6).toFixed(2)} MB to ${options.out} in ${seconds.toFixed(1)} s (CPU ${(result.cpu_user_s + result.cpu_system_s).toFixed(1)} s); peak RSS ${result.peak_rss_mb.toFixed(0)} MB\n`,
        );
        if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      } finally {
        await db.destroy();
      }
    });
}
