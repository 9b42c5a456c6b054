import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { isLedgerError } from '@rollout-ledger/contracts';
import { registerSchemasCommand } from './commands/schemas.command';
import { registerReplayCommand } from './commands/replay.command';
import { registerServeCommand } from './commands/serve.command';
import { registerExportCommand } from './commands/export.command';
import { registerCurriculumCommand } from './commands/curriculum.command';
import { registerStackCommand } from './commands/stack.command';
import { registerSimulateCommand } from './commands/simulate.command';
import { registerImportCommand } from './commands/import.command';
import { registerBenchCommand } from './commands/bench.command';
import { registerDemoCommand } from './commands/demo.command';
import { registerTopicsCommand } from './commands/topics.command';

/** `rollout-ledger`: the one command line for everything a user does. */
export function buildProgram(): Command {
  const program = new Command('rollout-ledger')
    .description('Event-sourced data platform for multi-turn, tool-using agent RL (Kafka + Avro → Postgres → GRPO batches)')
    .showHelpAfterError()
    .exitOverride();
  registerDemoCommand(program);
  registerStackCommand(program);
  registerServeCommand(program);
  registerExportCommand(program);
  registerCurriculumCommand(program);
  registerReplayCommand(program);
  registerSchemasCommand(program);
  registerTopicsCommand(program);
  registerSimulateCommand(program);
  registerImportCommand(program);
  registerBenchCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
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
