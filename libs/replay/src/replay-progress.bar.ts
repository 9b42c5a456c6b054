import type { ReplayProgress } from './replay.ports';

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * The progress of a replay on stderr: a redrawn bar on a terminal, a plain line at most every
 * `intervalMs` otherwise (logs, CI, a parent process reading it). `now` is injected for tests.
 */
export function createProgressBar(stream: ProgressStream, options: { intervalMs?: number; now?: () => number } = {}): ReplayProgress {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? (stream.isTTY ? 100 : 1000);
  let last = -Infinity;
  let pending = false;
  const draw = (line: string, force: boolean) => {
    const t = now();
    if (!force && t - last < interval) return;
    last = t;
    pending = stream.isTTY === true;
    stream.write(stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  return {
    reading(read, total) {
      draw(`replay: reading   ${bar(read, total)} ${read}${total === null ? '' : `/${total}`} records`, read === total);
    },
    scoring(done, total, published) {
      draw(`replay: scoring   ${bar(done, total)} ${done}/${total} rollouts, ${published} published`, done === 0 || done === total);
    },
    done() {
      if (pending) stream.write('\n');
      pending = false;
    },
  };
}

function bar(done: number, total: number | null, width = 24): string {
  if (total === null || total === 0) return `[${'·'.repeat(width)}]`;
  const filled = Math.min(width, Math.round((done / total) * width));
  return `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}] ${String(Math.floor((done / total) * 100)).padStart(3)}%`;
}
