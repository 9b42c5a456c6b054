import { DynamicModule, Module } from '@nestjs/common';
import type { HttpConfig } from '@rollout-ledger/config';
import { HttpEdgeModule } from '@rollout-ledger/http';
import { QueryApiModule } from '@rollout-ledger/query-api';

/** The standalone query API: the HTTP edge (/health, /metrics, API keys) + the query feature module. */
@Module({})
export class QueryApiAppModule {
  static forRoot(http: HttpConfig, env: NodeJS.ProcessEnv): DynamicModule {
    return { module: QueryApiAppModule, imports: [HttpEdgeModule.forRoot(http), QueryApiModule.forRoot(env)] };
  }
}
