import 'reflect-metadata';
import { loadHttpConfig } from '@rollout-ledger/config';
import { startHttpApp } from '@rollout-ledger/http';
import { QueryApiAppModule } from './query-api-app.module';

/** `node dist/apps/query-api/src/main.js` — the same module `rollout-ledger serve --apps query` runs. */
async function bootstrap(): Promise<void> {
  const env = process.env;
  const http = loadHttpConfig(env);
  await startHttpApp(QueryApiAppModule.forRoot(http, env), http);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`query-api: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
