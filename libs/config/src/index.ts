export * from './env-schema';
export * from './ledger.config';
export * from './ingest.config';
export * from './grpo-assembler.config';
export * from './query.config';
export * from './materializer.config';
export * from './replay.config';
export * from './publish.config';
