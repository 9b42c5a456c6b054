import { resolve } from 'node:path';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import type { Knex } from 'knex';
import { loadConnectionConfig, loadGrpoAssemblerConfig, type ConnectionConfig } from '@rollout-ledger/config';
import { createDatabase } from '@rollout-ledger/persistence';
import { AssemblerEngine } from './assembler.engine';
import { assemblerSettingsFrom, type AssemblerSettings } from './assembler-settings';
import { BatchAvailability } from './batch-availability';
import { BatchFileWriter } from './batch-file.writer';
import { BatchesController } from './batches.controller';
import { CLOCK, systemClock, type Clock } from './clock';
import { GroupsController } from './groups.controller';
import { GRPO_CONNECTION, GrpoAssemblerRuntime } from './grpo-assembler.runtime';
import { LeaseService } from './lease.service';
import { TrainersController } from './trainers.controller';
import { GRPO_DB, GRPO_SETTINGS } from './tokens';

export interface GrpoAssemblerModuleOptions {
  /** Tests and benchmarks drive time themselves. */
  readonly clock?: Clock;
}

/**
 * The GRPO batch assembler as one feature module: consumer, sweep, outbox publisher, lease API and
 * the group/filter queries. Needs HttpEdgeModule (auth, errors, /health, /metrics) in the root.
 */
@Module({})
export class GrpoAssemblerModule {
  static forRoot(env: NodeJS.ProcessEnv, options: GrpoAssemblerModuleOptions = {}): DynamicModule {
    const connection = loadConnectionConfig(env);
    const config = loadGrpoAssemblerConfig(env);
    const settings = assemblerSettingsFrom(config, resolve(config.GRPO_OUTPUT_DIR));
    const clock = options.clock ?? systemClock;
    return {
      module: GrpoAssemblerModule,
      controllers: [BatchesController, GroupsController, TrainersController],
      providers: [
        { provide: GRPO_SETTINGS, useValue: settings },
        { provide: GRPO_CONNECTION, useValue: connection },
        { provide: CLOCK, useValue: clock },
        { provide: GRPO_DB, useFactory: () => createDatabase(connection.DATABASE_URL, { max: config.GRPO_DB_POOL_MAX }) },
        { provide: BatchFileWriter, useValue: new BatchFileWriter(settings.outputDir) },
        {
          provide: AssemblerEngine,
          inject: [GRPO_DB, BatchFileWriter],
          useFactory: (db: Knex, files: BatchFileWriter) => new AssemblerEngine(db, settings, clock, files),
        },
        { provide: BatchAvailability, useValue: new BatchAvailability(connection.DATABASE_URL, settings.name, new Logger('grpo-leases')) },
        {
          provide: LeaseService,
          inject: [GRPO_DB, BatchAvailability],
          useFactory: (db: Knex, availability: BatchAvailability) => new LeaseService(db, settings.name, clock, { availability, recheckMs: settings.leaseRecheckMs }),
        },
        GrpoAssemblerRuntime,
      ],
      exports: [LeaseService, AssemblerEngine, GRPO_SETTINGS],
    };
  }
}

export type { AssemblerSettings, ConnectionConfig };
