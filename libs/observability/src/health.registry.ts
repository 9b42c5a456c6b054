import { Injectable } from '@nestjs/common';

export interface HealthCheckResult {
  readonly healthy: boolean;
  readonly detail?: string;
}

export type HealthCheck = () => Promise<HealthCheckResult> | HealthCheckResult;

/** Feature modules register their checks here when they start; `/health` runs them all. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async run(): Promise<{ healthy: boolean; checks: Record<string, HealthCheckResult> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch (error) {
          return [name, { healthy: false, detail: (error as Error).message }] as const;
        }
      }),
    );
    return { healthy: entries.every(([, result]) => result.healthy), checks: Object.fromEntries(entries) };
  }
}
