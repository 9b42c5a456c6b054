import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { isLedgerError } from '@rollout-ledger/contracts';

type Register = (program: Command) => void;

/**
 * The commands, in the order help lists them. Each is loaded only when it runs (or when help lists
 * them all): a long-running `serve --apps materializer` does not carry the code of the exporters,
 * the simulator or the benchmarks.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Register>]> = [
  ['demo', async () => (await import('./commands/demo.command')).registerDemoCommand],
  ['stack', async () => (await import('./commands/stack.command')).registerStackCommand],
  ['serve', async () => (await import('./commands/serve.command')).registerServeCommand],
  ['export', async () => (await import('./commands/export.command')).registerExportCommand],
  ['curriculum', async () => (await import('./commands/curriculum.command')).registerCurriculumCommand],
  ['replay', async () => (await import('./commands/replay.command')).registerReplayCommand],
  ['schemas', async () => (await import('./commands/schemas.command')).registerSchemasCommand],
  ['topics', async () => (await import('./commands/topics.command')).registerTopicsCommand],
  ['simulate', async () => (await import('./commands/simulate.command')).registerSimulateCommand],
  ['import', async () => (await import('./commands/import.command')).registerImportCommand],
  ['bench', async () => (await import('./commands/bench.command')).registerBenchCommand],
];

/**
 * `rollout-ledger`: the one command line for everything a user does. With `argv` naming a command,
 * only that command is registered; otherwise (help, an unknown command) all of them are.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('rollout-ledger')
    .description('Event-sourced data platform for multi-turn, tool-using agent RL (Kafka + Avro → Postgres → GRPO batches)')
    .showHelpAfterError()
    .exitOverride();
  const named = COMMANDS.filter(([name]) => name === argv[2]);
  for (const [, load] of named.length > 0 ? named : COMMANDS) (await load())(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (isLedgerError(error)) {
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
