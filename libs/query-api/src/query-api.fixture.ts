import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { loadConnectionConfig, loadHttpConfig } from '@rollout-ledger/config';
import { HttpEdgeModule, startHttpApp, type StartedHttpApp } from '@rollout-ledger/http';
import { createDatabase, type Database } from '@rollout-ledger/persistence';
import { QueryApiModule } from './query-api.module';

// Test-only: the query feature module behind the real HTTP edge on a random port.
export const READ_KEY = 'read-key-0001';
export const EXPORT_KEY = 'export-key-0001';
export const INGEST_KEY = 'ingest-key-0001';

@Module({})
class TestRootModule {}

export interface QueryApiHarness {
  readonly started: StartedHttpApp;
  readonly db: Database;
  readonly runId: string;
  get(path: string, key?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startQueryApi(): Promise<QueryApiHarness> {
  const env = { ...process.env, PORT: '0', API_KEYS: `${READ_KEY}:read,${EXPORT_KEY}:export,${INGEST_KEY}:ingest` };
  const http = loadHttpConfig(env);
  const started = await startHttpApp({ module: TestRootModule, imports: [HttpEdgeModule.forRoot(http), QueryApiModule.forRoot(env)] }, http);
  const db = createDatabase(loadConnectionConfig(env).DATABASE_URL, { max: 4 });
  return {
    started,
    db,
    runId: `run-${randomUUID()}`,
    get: (path, key) => fetch(`${started.url}${path}`, { headers: key ? { 'X-API-Key': key } : {} }),
    close: async () => {
      await started.app.close();
      await db.destroy();
    },
  };
}
