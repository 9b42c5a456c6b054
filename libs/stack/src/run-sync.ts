import { spawnSync } from 'node:child_process';
import { StackError } from './stack.errors';

export function runSync(command: string, args: string[], what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new StackError('SERVICE_FAILED', `could not ${what} (exit ${result.status}):\n${(result.stderr || result.stdout || String(result.error)).slice(-2000)}`);
  }
  return result.stdout;
}
