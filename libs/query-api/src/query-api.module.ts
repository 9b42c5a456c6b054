import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Knex } from 'knex';
import { loadConnectionConfig, loadQueryConfig } from '@rollout-ledger/config';
import { HealthRegistry } from '@rollout-ledger/observability';
import { createDatabase } from '@rollout-ledger/persistence';
import { RolloutRepository } from '@rollout-ledger/query';
import { ExportsController } from './exports.controller';
import { OpenApiMount } from './openapi.mount';
import { QUERY_CONFIG, QUERY_DB } from './query-api.tokens';
import { RolloutsController } from './rollouts.controller';
import { TasksController } from './tasks.controller';
import { AuditUiController } from './ui/audit-ui.controller';

@Injectable()
class QueryDatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(QUERY_DB) private readonly db: Knex,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register('query-postgres', async () => {
      await this.db.raw('select 1');
      return { healthy: true };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

/**
 * The query API (`/v1/rollouts…`, `/v1/tasks/stats`, `/v1/curriculum`, `/v1/exports/:format`),
 * the audit UI (`/ui`) and the OpenAPI document (`/docs`). Needs HttpEdgeModule (API keys, error
 * mapping) in the same application.
 */
@Module({})
export class QueryApiModule {
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    const connection = loadConnectionConfig(env);
    const config = loadQueryConfig(env);
    return {
      module: QueryApiModule,
      controllers: [RolloutsController, TasksController, ExportsController, AuditUiController],
      providers: [
        { provide: QUERY_CONFIG, useValue: config },
        { provide: QUERY_DB, useFactory: () => createDatabase(connection.DATABASE_URL, { max: config.QUERY_DB_POOL_MAX }) },
        { provide: RolloutRepository, useFactory: (db: Knex) => new RolloutRepository(db), inject: [QUERY_DB] },
        QueryDatabaseLifecycle,
        OpenApiMount,
      ],
      exports: [RolloutRepository, QUERY_DB],
    };
  }
}
