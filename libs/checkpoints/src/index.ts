// Consumer checkpoints against the Kafka they are read on: stale ones are reset at a consumer's start.
export * from './checkpoint-reconciliation';
export { knexQuery, reconcileCheckpoints, type KafkaOffsets, type Reconciliation, type SqlQuery } from './checkpoint-reconciler';
