import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Integration tests run against the real local stack. `stack up` is idempotent: it reuses what is
 * already running and healthy (CI starts the stack before the tests), starts what is missing and
 * applies migrations. It runs the compiled CLI, so `npm test` builds first.
 */
export default function globalSetup(): void {
  const root = join(__dirname, '..', '..');
  const result = spawnSync(process.execPath, [join(root, 'bin', 'rollout-ledger.js'), 'stack', 'up'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    throw new Error(`rollout-ledger stack up failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}
