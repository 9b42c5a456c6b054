/**
 * The line `rollout-ledger serve` prints once its apps listen, and its reader: a process started
 * with PORT=0 (the system picks a free port) says where it listens only there.
 */
export function serveBanner(apps: readonly string[], url: string): string {
  return `rollout-ledger serve: ${apps.join(', ')} on ${url} (health ${url}/health, metrics ${url}/metrics)\n`;
}

const BANNER = /rollout-ledger serve: .* on (http:\/\/\S+) \(health /;

/** The URL in a serve process's output so far, or null until it printed its banner. */
export function servedUrl(output: string): string | null {
  return BANNER.exec(output)?.[1] ?? null;
}
