import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Background processes owned by the local stack. Each is started detached with its output in a log
 * file and its pid in a pid file; ownership is proven by a marker argument in its command line, so a
 * recycled pid belonging to someone else is never mistaken for ours (and never killed).
 */
export interface ManagedProcess {
  readonly pidFile: string;
  readonly logFile: string;
  /** A token that appears in the command line of the process we started. */
  readonly marker: string;
}

export function readPid(process: ManagedProcess): number | null {
  if (!existsSync(process.pidFile)) return null;
  const pid = Number(readFileSync(process.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null;
  }
}

/** The pid of our running process, or null when it is not running (stale pid files are removed). */
export function runningPid(managed: ManagedProcess): number | null {
  const pid = readPid(managed);
  if (pid === null) return null;
  const cmd = commandLine(pid);
  if (cmd !== null && cmd.includes(managed.marker) && !isZombie(pid)) return pid;
  rmSync(managed.pidFile, { force: true });
  return null;
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

export function startDetached(managed: ManagedProcess, command: string, args: readonly string[], cwd: string): number {
  mkdirSync(dirname(managed.logFile), { recursive: true });
  mkdirSync(dirname(managed.pidFile), { recursive: true });
  const log = openSync(managed.logFile, 'a');
  writeFileSync(log, `\n==== started ${new Date().toISOString()}: ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  child.unref();
  writeFileSync(managed.pidFile, `${child.pid}\n`);
  return child.pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. */
export async function stopProcess(managed: ManagedProcess, graceMs = 30_000): Promise<number | null> {
  const pid = runningPid(managed);
  if (pid === null) return null;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(100);
  }
  rmSync(managed.pidFile, { force: true });
  return pid;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
