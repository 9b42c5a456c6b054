import { DynamicModule, Module } from '@nestjs/common';
import type { HttpConfig } from '@rollout-ledger/config';
import { HttpEdgeModule } from '@rollout-ledger/http';
import { IngestModule } from '@rollout-ledger/ingest';

/** The standalone ingest gateway: the HTTP edge (/health, /metrics, API keys) + the ingest feature. */
@Module({})
export class IngestGatewayModule {
  static forRoot(http: HttpConfig, env: NodeJS.ProcessEnv): DynamicModule {
    return { module: IngestGatewayModule, imports: [HttpEdgeModule.forRoot(http), IngestModule.fromEnv(env)] };
  }
}
