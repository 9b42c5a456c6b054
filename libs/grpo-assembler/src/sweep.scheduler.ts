import { Logger } from '@nestjs/common';
import type { AssemblerEngine, StepResult } from './assembler.engine';

/**
 * Runs the engine's sweep every interval (timeouts need a clock, not an event) and reports each
 * result. One sweep at a time: a slow pass delays the next instead of stacking up.
 */
export class SweepScheduler {
  private readonly logger = new Logger('grpo-assembler');
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;

  constructor(
    private readonly engine: AssemblerEngine,
    private readonly intervalMs: number,
    private readonly onStep: (result: StepResult) => void,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.current = this.engine
        .sweep()
        .then(this.onStep, (error: Error) => this.logger.warn(`sweep failed, retrying next interval: ${error.message}`))
        .finally(() => {
          this.current = null;
          if (this.timer !== null) this.schedule(this.intervalMs);
        });
    }, delay);
  }
}
