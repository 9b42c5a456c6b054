export * from './env-schema';
export * from './ledger.config';
