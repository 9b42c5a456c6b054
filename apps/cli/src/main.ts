import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { isLedgerError } from '@rollout-ledger/contracts';
import { registerServeCommand } from './commands/serve.command';
import { registerStackCommand } from './commands/stack.command';

/** `rollout-ledger`: the one command line for everything a user does. */
export function buildProgram(): Command {
  const program = new Command('rollout-ledger')
    .description('Event-sourced data platform for multi-turn, tool-using agent RL (Kafka + Avro → Postgres → GRPO batches)')
    .showHelpAfterError()
    .exitOverride();
  registerStackCommand(program);
  registerServeCommand(program);
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
