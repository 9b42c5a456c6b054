import type { DynamicModule } from '@nestjs/common';
import { GrpoAssemblerModule } from '@rollout-ledger/grpo-assembler';
import { QueryApiModule } from '@rollout-ledger/query-api';
import { IngestModule } from '@rollout-ledger/ingest';
import { MaterializerModule } from '@rollout-ledger/materializer';

/**
 * The apps `rollout-ledger serve` can run. Each is a feature module from a library; the
 * standalone app under apps/<name> imports the same module, so one process or many run the same code.
 */
export interface AppDefinition {
  readonly name: string;
  readonly description: string;
  readonly module: (env: NodeJS.ProcessEnv) => DynamicModule;
}

export const APP_CATALOG: readonly AppDefinition[] = [
  { name: 'grpo', description: 'GRPO batch assembler: groups → advantages → batches (grpo.batches, Parquet/JSONL) + lease API (/v1/batches/lease)', module: (env) => GrpoAssemblerModule.forRoot(env) },
  { name: 'query', description: 'query API, curriculum, exports, audit UI (/v1/rollouts, /v1/tasks/stats, /v1/curriculum, /v1/exports/:format, /ui, /docs)', module: (env) => QueryApiModule.forRoot(env) },
  { name: 'materializer', description: 'materializer: rollout.events + task.definitions → Postgres event log and trajectory tables (consumer group, scales by partitions)', module: (env) => MaterializerModule.fromEnv(env) },
  { name: 'ingest', description: 'HTTP ingest gateway: POST /v1/events → Kafka (validated, transactional)', module: (env) => IngestModule.fromEnv(env) },
];

export function resolveApps(selection: string | undefined): readonly AppDefinition[] {
  if (!selection || selection === 'all') return APP_CATALOG;
  const names = selection.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !APP_CATALOG.some((app) => app.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown app(s): ${unknown.join(', ')} (known: ${APP_CATALOG.map((app) => app.name).join(', ') || 'none'})`);
  }
  return APP_CATALOG.filter((app) => names.includes(app.name));
}
