import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@rollout-ledger/stack';
import { buildTaskCatalog, type SimTask } from './task-catalog';

export const TAU2_DOMAINS = ['airline', 'retail'] as const;

/** The tau2-bench task files shipped in the repository (`data/tau2`), or those in `dir`. */
export function loadTau2Catalog(dir: string = join(projectRoot(), 'data', 'tau2'), domains: readonly string[] = TAU2_DOMAINS): SimTask[] {
  return buildTaskCatalog(domains.map((domain) => ({ domain, json: JSON.parse(readFileSync(join(dir, `${domain}_tasks.json`), 'utf8')) as unknown })));
}
