import { readFileSync } from 'node:fs';
import { StackError } from './stack.errors';
import { isAlive, sleep } from './processes';

/** The last lines of a log, for error messages. */
export function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `healthy` until it answers true, failing fast (with the log tail) when the process exits
 * and with a timeout error naming the log otherwise.
 */
export async function waitUntilHealthy(
  name: string,
  pid: number,
  logFile: string,
  healthy: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await healthy()) return;
    if (!isAlive(pid)) {
      throw new StackError('SERVICE_FAILED', `${name} exited during start-up. Last lines of ${logFile}:\n${logTail(logFile)}`);
    }
    await sleep(500);
  }
  throw new StackError('SERVICE_TIMEOUT', `${name} was not healthy after ${Math.round(timeoutMs / 1000)} s (pid ${pid}). See ${logFile}:\n${logTail(logFile, 10)}`);
}
