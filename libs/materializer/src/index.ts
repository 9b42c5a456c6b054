// The materializer: rollout.events → Postgres history (event log + trajectory tables).
export * from './row-writes';
export { projectEvent, materializerProjection } from './event-rows.projection';
export { countedRollouts, isToolError, mergeRolloutPatch, newer, reduceWrites, rowKeys } from './row-merge';
export { applyWrites, emptyTables, type MaterializedTables, type RolloutCounters } from './in-memory-tables';
export { MaterializerErrorCodes, ProjectionError, isDataError } from './materializer.errors';
export { copyRowBuffers, copyRows, type CopyColumn } from './copy-text';
export { STAGED_TABLES, countedRolloutsTable, eventsTable, rewardsTable, rolloutsTable, tasksTable, toolCallsTable, turnsTable, type StagedTable } from './materializer.tables';
export { copyIn } from './postgres-copy';
export { MaterializerWriter, type PartitionRecords, type PoisonRecord, type PreparedWrite, type WriteOptions, type WriteResult } from './materializer.writer';
export { MaterializerConsumer, type MaterializerConsumerOptions, type MaterializerLogger, type MaterializerSettings } from './materializer.consumer';
export { LagMonitor } from './lag.monitor';
export { materializerMetrics, type MaterializerMetrics } from './materializer.metrics';
export { MATERIALIZER_OPTIONS, MaterializerModule, MaterializerService, type MaterializerModuleOptions } from './materializer.module';
