import { Global, Module } from '@nestjs/common';
import { HealthRegistry } from './health.registry';
import { MetricsRegistry } from './metrics.registry';
import { ObservabilityController } from './observability.controller';

/** `/health` and `/metrics` for every process; global so feature modules can register checks. */
@Global()
@Module({
  controllers: [ObservabilityController],
  providers: [HealthRegistry, MetricsRegistry],
  exports: [HealthRegistry, MetricsRegistry],
})
export class ObservabilityModule {}
