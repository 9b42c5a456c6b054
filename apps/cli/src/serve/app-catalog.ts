import type { DynamicModule } from '@nestjs/common';

/**
 * The apps `rollout-ledger serve` can run. Each is a feature module from a library; the
 * standalone app under apps/<name> imports the same module, so one process or many run the same code.
 * A module's library is loaded only when its app is started: a process serving one app holds only
 * that app's code.
 */
export interface AppDefinition {
  readonly name: string;
  readonly description: string;
  readonly module: (env: NodeJS.ProcessEnv) => Promise<DynamicModule>;
}

export const APP_CATALOG: readonly AppDefinition[] = [
  { name: 'grpo', description: 'GRPO batch assembler: groups → advantages → batches (grpo.batches, Parquet/JSONL) + lease API (/v1/batches/lease); with GRPO_ROLE=leases the lease, batch and group API alone, from Postgres (no Kafka)', module: async (env) => (await import('@rollout-ledger/grpo-assembler')).GrpoAssemblerModule.forRoot(env) },
  { name: 'query', description: 'query API, curriculum, exports, audit UI (/v1/rollouts, /v1/tasks/stats, /v1/curriculum, /v1/exports/:format, /ui, /docs)', module: async (env) => (await import('@rollout-ledger/query-api')).QueryApiModule.forRoot(env) },
  { name: 'materializer', description: 'materializer: rollout.events + task.definitions → Postgres event log and trajectory tables (consumer group, scales by partitions)', module: async (env) => (await import('@rollout-ledger/materializer')).MaterializerModule.fromEnv(env) },
  { name: 'ingest', description: 'HTTP ingest gateway: POST /v1/events → Kafka (validated, transactional)', module: async (env) => (await import('@rollout-ledger/ingest')).IngestModule.fromEnv(env) },
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
