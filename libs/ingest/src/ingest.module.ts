import { DynamicModule, Module } from '@nestjs/common';
import { loadConnectionConfig, loadIngestConfig } from '@rollout-ledger/config';
import { EventSerde, HttpSchemaRegistry } from '@rollout-ledger/kafka';
import { IngestController } from './ingest.controller';
import { INGEST_OPTIONS, ingestTopics, type IngestModuleOptions } from './ingest.options';
import { INGEST_SERDE, IngestService } from './ingest.service';
import { EVENT_PUBLISHER, PublisherPool } from './transactional.publisher';

/** The HTTP ingest gateway as a feature module (composed by apps/ingest-gateway and `serve`). */
@Module({})
export class IngestModule {
  static forRoot(options: IngestModuleOptions): DynamicModule {
    return {
      module: IngestModule,
      controllers: [IngestController],
      providers: [
        { provide: INGEST_OPTIONS, useValue: options },
        {
          provide: INGEST_SERDE,
          useFactory: () =>
            new EventSerde({
              registry: new HttpSchemaRegistry({ url: options.connection.SCHEMA_REGISTRY_URL, clientId: options.connection.KAFKA_CLIENT_ID }),
              topics: ingestTopics(options.ingest),
            }),
        },
        {
          provide: EVENT_PUBLISHER,
          inject: [INGEST_SERDE],
          useFactory: (serde: EventSerde) =>
            new PublisherPool(options.ingest.INGEST_PRODUCERS, {
              connection: { brokers: options.connection.KAFKA_BROKERS, clientId: options.connection.KAFKA_CLIENT_ID },
              serde,
              transactionalIdPrefix: options.ingest.INGEST_TRANSACTIONAL_ID_PREFIX,
            }),
        },
        IngestService,
      ],
      exports: [IngestService, EVENT_PUBLISHER],
    };
  }

  /** Validates the environment (a wrong variable stops the boot with its name) and builds the module. */
  static fromEnv(env: NodeJS.ProcessEnv): DynamicModule {
    return IngestModule.forRoot({ connection: loadConnectionConfig(env), ingest: loadIngestConfig(env) });
  }
}
