import { Command } from 'commander';
import { serveBanner } from '@rollout-ledger/http';
import { APP_CATALOG } from '../serve/app-catalog';
import { startApps, untilSignal } from '../serve/serve-runtime';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      `run the apps in this process (default: all of them) — ${APP_CATALOG.map((app) => app.name).join(', ')}; ` +
        '/health and /metrics on PORT (3000). Run a subset per process to scale each app out on its own.',
    )
    .option('--apps <names>', 'comma-separated subset of apps to run, e.g. materializer,grpo', 'all')
    .option('--port <port>', 'HTTP port (overrides PORT)')
    .addHelpText('after', `\nApps:\n${APP_CATALOG.map((app) => `  ${app.name.padEnd(14)}${app.description}`).join('\n')}\n`)
    .action(async (options: { apps: string; port?: string }) => {
      const env = { ...process.env, ...(options.port ? { PORT: options.port } : {}) };
      const { app, url, apps } = await startApps(options.apps, env);
      process.stdout.write(serveBanner(apps.map((a) => a.name), url));
      await untilSignal();
      await app.close();
    });
}
