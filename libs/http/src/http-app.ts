import { setFlagsFromString } from 'node:v8';
import { DynamicModule, INestApplication, Logger, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { HttpConfig } from '@rollout-ledger/config';
import { ObservabilityModule } from '@rollout-ledger/observability';
import { API_KEYS, ApiKeyGuard } from './api-key.guard';
import { LedgerExceptionFilter } from './ledger-exception.filter';
import { QuietNestLogger } from './quiet-nest.logger';

/** Everything an HTTP process of Rollout Ledger shares: /health, /metrics, auth, error mapping. */
@Module({})
export class HttpEdgeModule {
  static forRoot(http: HttpConfig): DynamicModule {
    return {
      module: HttpEdgeModule,
      global: true,
      imports: [ObservabilityModule],
      providers: [
        { provide: API_KEYS, useValue: http.API_KEYS },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: LedgerExceptionFilter },
      ],
      exports: [API_KEYS, ObservabilityModule],
    };
  }
}

export interface StartedHttpApp {
  readonly app: INestApplication;
  readonly url: string;
}

/** Builds and starts a NestJS app for a root module; shutdown hooks let Ctrl-C close consumers cleanly. */
export async function startHttpApp(root: Type<unknown> | DynamicModule, http: HttpConfig): Promise<StartedHttpApp> {
  applyHeapGrowth(http.HEAP_GROWTH_PERCENT);
  const app = await NestFactory.create<NestExpressApplication>(root, { logger: new QuietNestLogger(), bodyParser: false });
  // JSON for the APIs; NDJSON arrives as text. Bodies over the limit are refused with 413.
  app.useBodyParser('json', { limit: http.INGEST_MAX_BODY_BYTES });
  app.useBodyParser('text', { type: ['application/x-ndjson', 'application/ndjson', 'text/plain'], limit: http.INGEST_MAX_BODY_BYTES });
  app.enableShutdownHooks();
  await app.listen(http.PORT, http.HOST);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${http.HOST}:${address.port}`;
  new Logger('http').log(`listening on ${url}`);
  return { app, url };
}

/**
 * Caps how far V8 grows the heap past the live data at each full GC (`--heap-growing-percent`):
 * the next collection comes at (1 + percent/100) × what the last one kept. A consumer draining a
 * backlog allocates fast and keeps little, and V8's own sizing let its RSS grow 30–40 MB further
 * (BENCHMARKS.md). 0 leaves V8 alone.
 */
function applyHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
