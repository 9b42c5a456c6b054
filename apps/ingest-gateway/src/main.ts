import 'reflect-metadata';
import { loadHttpConfig } from '@rollout-ledger/config';
import { startHttpApp } from '@rollout-ledger/http';
import { IngestGatewayModule } from './ingest-gateway.module';

/** `node dist/apps/ingest-gateway/src/main.js` — the same module `rollout-ledger serve --apps ingest` runs. */
async function bootstrap(): Promise<void> {
  const env = process.env;
  const http = loadHttpConfig(env);
  await startHttpApp(IngestGatewayModule.forRoot(http, env), http);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`ingest-gateway: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
