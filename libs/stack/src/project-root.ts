import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder of Rollout Ledger's package.json, found by walking up from this file — the same answer
 * from sources under ts-jest and from compiled code in dist/.
 */
export function projectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'rollout-ledger') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the rollout-ledger project folder above ${start}`);
    dir = parent;
  }
}
