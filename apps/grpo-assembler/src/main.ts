import 'reflect-metadata';
import { loadHttpConfig } from '@rollout-ledger/config';
import { startHttpApp } from '@rollout-ledger/http';
import { GrpoAssemblerAppModule } from './grpo-assembler-app.module';

/** `node dist/apps/grpo-assembler/src/main.js` — the same module `rollout-ledger serve --apps grpo` runs. */
async function bootstrap(): Promise<void> {
  const env = process.env;
  const http = loadHttpConfig(env);
  await startHttpApp(GrpoAssemblerAppModule.forRoot(http, env), http);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`grpo-assembler: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
