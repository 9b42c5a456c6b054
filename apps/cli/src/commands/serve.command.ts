import { Module } from '@nestjs/common';
import { Command } from 'commander';
import { loadHttpConfig } from '@rollout-ledger/config';
import { ValidationError } from '@rollout-ledger/contracts';
import { HttpEdgeModule, startHttpApp } from '@rollout-ledger/http';
import { APP_CATALOG, resolveApps } from '../serve/app-catalog';

@Module({})
class ServeRootModule {}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(`run the apps in this process (default: all of them): ${APP_CATALOG.map((app) => app.name).join(', ') || '(none yet)'}; /health and /metrics on PORT (3000)`)
    .option('--apps <names>', 'comma-separated subset of apps to run, e.g. materializer,grpo', 'all')
    .option('--port <port>', 'HTTP port (overrides PORT)')
    .action(async (options: { apps: string; port?: string }) => {
      let apps;
      try {
        apps = resolveApps(options.apps);
      } catch (error) {
        throw new ValidationError((error as Error).message, [{ path: '--apps', reason: (error as Error).message }]);
      }
      const env = { ...process.env, ...(options.port ? { PORT: options.port } : {}) };
      const http = loadHttpConfig(env);
      const root = {
        module: ServeRootModule,
        imports: [HttpEdgeModule.forRoot(http), ...apps.map((app) => app.module(env))],
      };
      const { app, url } = await startHttpApp(root, http);
      process.stdout.write(`rollout-ledger serve: ${apps.map((a) => a.name).join(', ') || 'no apps'} on ${url} (health ${url}/health, metrics ${url}/metrics)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
    });
}
