import { DynamicModule, Module } from '@nestjs/common';
import type { HttpConfig } from '@rollout-ledger/config';
import { HttpEdgeModule } from '@rollout-ledger/http';
import { MaterializerModule } from '@rollout-ledger/materializer';

/** Root module of the standalone materializer: the HTTP edge (/health, /metrics) plus the feature module. */
@Module({})
export class MaterializerAppModule {
  static forRoot(http: HttpConfig, env: NodeJS.ProcessEnv): DynamicModule {
    return { module: MaterializerAppModule, imports: [HttpEdgeModule.forRoot(http), MaterializerModule.fromEnv(env)] };
  }
}
