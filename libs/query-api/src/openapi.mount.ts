import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { INestApplication } from '@nestjs/common';

/**
 * Serves the OpenAPI document at /docs (UI) and /docs-json from inside the feature module, so the
 * standalone app and `rollout-ledger serve` both get it without each main.ts wiring Swagger.
 * SwaggerModule wants the application object; the pieces it reads (container, config, HTTP
 * adapter) are all reachable from a provider. It runs in onModuleInit, which Nest calls after the
 * controllers' routes are registered and before its catch-all 404 handler is installed.
 */
@Injectable()
export class OpenApiMount implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly config: ApplicationConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as unknown as { getType(): string; useStaticAssets?: (...args: unknown[]) => unknown };
    const app = {
      container: (this.moduleRef as unknown as { container: unknown }).container,
      config: this.config,
      getHttpAdapter: () => adapter,
      useStaticAssets: (...args: unknown[]) => adapter.useStaticAssets?.(...args),
    } as unknown as INestApplication;
    const document = () =>
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Rollout Ledger')
          .setDescription('Query API, curriculum and dataset exports over the materialized rollout history')
          .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
          .build(),
      );
    SwaggerModule.setup('docs', app, document);
  }
}
