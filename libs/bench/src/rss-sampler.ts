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
