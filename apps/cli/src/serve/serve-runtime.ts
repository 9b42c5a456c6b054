import { INestApplication, Module } from '@nestjs/common';
import { loadHttpConfig } from '@rollout-ledger/config';
import { ValidationError } from '@rollout-ledger/contracts';
import { HttpEdgeModule, startHttpApp } from '@rollout-ledger/http';
import { AppDefinition, resolveApps } from './app-catalog';

@Module({})
class ServeRootModule {}

export interface RunningApps {
  readonly app: INestApplication;
  readonly url: string;
  readonly apps: readonly AppDefinition[];
}

/** Composes the chosen feature modules under one HTTP edge (/health, /metrics, auth) and starts them. */
export async function startApps(selection: string | undefined, env: NodeJS.ProcessEnv): Promise<RunningApps> {
  let apps: readonly AppDefinition[];
  try {
    apps = resolveApps(selection);
  } catch (error) {
    throw new ValidationError((error as Error).message, [{ path: '--apps', reason: (error as Error).message }]);
  }
  const http = loadHttpConfig(env);
  const root = {
    module: ServeRootModule,
    imports: [HttpEdgeModule.forRoot(http), ...(await Promise.all(apps.map((app) => app.module(env))))],
  };
  const { app, url } = await startHttpApp(root, http);
  return { app, url, apps };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => resolve(signal);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
