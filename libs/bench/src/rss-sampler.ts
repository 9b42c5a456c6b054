import { readFileSync } from 'node:fs';

/**
 * Peak resident memory of this process while something runs. The OS keeps only the lifetime peak
 * (resourceUsage().maxRSS), which cannot tell one scenario from the one before, so we sample.
 */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly read: () => number = () => process.memoryUsage.rss()) {}

  start(intervalMs = 50): void {
    this.peak = this.read();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    this.peak = Math.max(this.peak, this.read());
  }

  /** Stops sampling; the peak in bytes. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.peak;
  }
}

/** The process's lifetime peak RSS in bytes, as the OS reports it. */
export function processPeakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * A memory figure of another process from /proc/<pid>/status (Linux), in MB: VmRSS (resident now)
 * or VmHWM (its peak so far). Null when the field is missing; throws when the file cannot be read.
 */
export function processStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb === undefined ? null : Number(kb) / 1024;
}
