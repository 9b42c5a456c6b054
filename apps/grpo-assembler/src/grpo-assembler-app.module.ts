import { DynamicModule, Module } from '@nestjs/common';
import type { HttpConfig } from '@rollout-ledger/config';
import { GrpoAssemblerModule } from '@rollout-ledger/grpo-assembler';
import { HttpEdgeModule } from '@rollout-ledger/http';

/** Root module of the standalone GRPO assembler: the HTTP edge plus the feature module. */
@Module({})
export class GrpoAssemblerAppModule {
  static forRoot(http: HttpConfig, env: NodeJS.ProcessEnv): DynamicModule {
    return { module: GrpoAssemblerAppModule, imports: [HttpEdgeModule.forRoot(http), GrpoAssemblerModule.forRoot(env)] };
  }
}
