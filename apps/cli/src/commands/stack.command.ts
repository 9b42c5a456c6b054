import { Command } from 'commander';
import { loadConnectionConfig, loadStackConfig } from '@rollout-ledger/config';
import { LocalStack, ServiceStatus } from '@rollout-ledger/stack';

function localStack(): LocalStack {
  return new LocalStack(loadStackConfig(), loadConnectionConfig());
}

function line(status: ServiceStatus & { started?: boolean }): string {
  const how = status.started === undefined ? '' : status.started ? ' (started)' : ' (reused)';
  const pid = status.pid ? ` pid ${status.pid}` : '';
  const log = status.logFile ? `\n      log: ${status.logFile}` : '';
  return `  ${status.name.padEnd(16)} ${status.state.padEnd(9)} ${status.endpoint}${pid}${how}\n      ${status.detail}${log}`;
}

export function registerStackCommand(program: Command): void {
  const stack = program
    .command('stack')
    .description('the local stack: Kafka 4 (KRaft), Apicurio schema registry (PostgreSQL storage), PostgreSQL migrations');

  stack
    .command('up')
    .description('start what is not running (reuses healthy services), wait for health, apply migrations')
    .action(async () => {
      const log = (message: string) => process.stdout.write(`• ${message}\n`);
      const started = Date.now();
      const stackInstance = localStack();
      const results = await stackInstance.up(log);
      process.stdout.write(`stack is up (${((Date.now() - started) / 1000).toFixed(1)} s), state in ${stackInstance.layout.root}\n`);
      for (const result of results) process.stdout.write(`${line(result)}\n`);
    });

  stack
    .command('down')
    .description('stop the Kafka broker and schema registry started by `stack up` (PostgreSQL is left alone)')
    .action(async () => {
      for (const result of await localStack().down()) {
        process.stdout.write(`  ${result.name.padEnd(16)} ${result.stopped ? `stopped (pid ${result.pid})` : 'was not running'}\n`);
      }
    });

  stack
    .command('status')
    .description('health of each service; exits 1 when any is not healthy')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const statuses = await localStack().status();
      if (options.json) process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
      else for (const status of statuses) process.stdout.write(`${line(status)}\n`);
      if (statuses.some((status) => status.state !== 'healthy')) process.exitCode = 1;
    });
}
