import 'reflect-metadata';
import { loadHttpConfig } from '@rollout-ledger/config';
import { startHttpApp } from '@rollout-ledger/http';
import { MaterializerAppModule } from './materializer-app.module';

/** `node dist/apps/materializer/src/main.js` — the same module `rollout-ledger serve --apps materializer` runs. */
async function bootstrap(): Promise<void> {
  const env = process.env;
  const http = loadHttpConfig(env);
  await startHttpApp(MaterializerAppModule.forRoot(http, env), http);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`materializer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
