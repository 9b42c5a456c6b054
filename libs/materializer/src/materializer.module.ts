import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { loadConnectionConfig, loadMaterializerConfig, type ConnectionConfig, type MaterializerConfig } from '@rollout-ledger/config';
import { HealthRegistry, MetricsRegistry } from '@rollout-ledger/observability';
import { MaterializerConsumer } from './materializer.consumer';
import { materializerMetrics } from './materializer.metrics';

export interface MaterializerModuleOptions {
  readonly connection: ConnectionConfig;
  readonly materializer: MaterializerConfig;
}

export const MATERIALIZER_OPTIONS = Symbol('MATERIALIZER_OPTIONS');

/** Runs the consumer for the lifetime of the Nest application; registers /health and /metrics. */
@Injectable()
export class MaterializerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('materializer');
  private readonly pool: Pool;
  readonly consumer: MaterializerConsumer;

  constructor(
    @Inject(MATERIALIZER_OPTIONS) options: MaterializerModuleOptions,
    health: HealthRegistry,
    metrics: MetricsRegistry,
  ) {
    const { connection, materializer } = options;
    this.pool = new Pool({ connectionString: connection.DATABASE_URL, max: Math.max(materializer.MATERIALIZER_DB_POOL_MAX, materializer.MATERIALIZER_WRITERS + 1) });
    // An idle client losing its server must not crash the process; the writer reconnects.
    this.pool.on('error', (error) => this.logger.warn(`idle PostgreSQL connection lost: ${error.message}`));
    this.consumer = new MaterializerConsumer({
      kafka: { brokers: connection.KAFKA_BROKERS, clientId: `${connection.KAFKA_CLIENT_ID}-materializer`, logLevel: 'error' },
      registryUrl: connection.SCHEMA_REGISTRY_URL,
      pool: this.pool,
      settings: materializer,
      metrics: materializerMetrics(metrics),
      logger: { log: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m), error: (m) => this.logger.error(m) },
    });
    health.register('materializer', () => this.consumer.health());
  }

  private starting: Promise<void> | null = null;
  private stopping = false;

  /** In the background: /health answers (unhealthy, saying why) while Kafka or the topics are not there yet. */
  onApplicationBootstrap(): void {
    this.starting = this.startWithRetry();
  }

  private shutdown: Promise<void> | null = null;

  /** Idempotent: Nest's signal hook and the CLI's own close() may both call it. */
  onApplicationShutdown(): Promise<void> {
    this.shutdown ??= (async () => {
      this.stopping = true;
      await this.consumer.stop();
      await this.starting;
      await this.pool.end();
    })();
    return this.shutdown;
  }

  private async startWithRetry(): Promise<void> {
    for (let delay = 1_000; !this.stopping; delay = Math.min(delay * 2, 30_000)) {
      try {
        await this.consumer.start();
        return;
      } catch (error) {
        this.logger.error(`cannot start the consumer (retrying in ${delay} ms): ${(error as Error).message}`);
        await this.consumer.stop().catch(() => undefined);
        this.consumer.reset();
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/**
 * The materializer feature: `rollout.events` (+ `task.definitions`) → Postgres history. Composed by
 * apps/materializer and by `rollout-ledger serve --apps materializer`; needs the ObservabilityModule
 * (HttpEdgeModule provides it) for /health and /metrics.
 */
@Module({})
export class MaterializerModule {
  static forRoot(options: MaterializerModuleOptions): DynamicModule {
    return {
      module: MaterializerModule,
      providers: [{ provide: MATERIALIZER_OPTIONS, useValue: options }, MaterializerService],
      exports: [MaterializerService],
    };
  }

  /** Validates the environment (a wrong variable stops the boot, naming it). */
  static fromEnv(env: NodeJS.ProcessEnv): DynamicModule {
    return MaterializerModule.forRoot({ connection: loadConnectionConfig(env), materializer: loadMaterializerConfig(env) });
  }
}
