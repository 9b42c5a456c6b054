// The GRPO batch assembler: feature module (consumer, sweep, outbox, lease API) and its pure helpers.
export { GrpoAssemblerModule, type GrpoAssemblerModuleOptions } from './grpo-assembler.module';
export { assemblerSettingsFrom, groupConfigFor, type AssemblerSettings } from './assembler-settings';
export { AssemblerEngine, type OffsetRecord, type StepResult } from './assembler.engine';
export { LeaseService, type GrantedLease } from './lease.service';
export { BatchFileWriter, type PayloadPaths } from './batch-file.writer';
export { toJsonlPayload, toParquetPayload, payloadFileNames, type ParquetPayload, type PayloadRow } from './batch-payload';
export { batchEventIdOf, batchIdOf } from './batch-identity';
export { isLeasable, leaseProblem, toBatchAssembled, type BatchRecord, type BatchStatus } from './batch.record';
export { trainerVersionFor, type TrainerVersion } from './trainer-versions';
export { BatchNotFoundError, LeaseConflictError, PayloadNotFoundError, PayloadPendingError } from './assembler-errors';
export { CLOCK, systemClock, type Clock } from './clock';
export { requireEsm } from './esm-require';
