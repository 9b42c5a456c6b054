export * from './api-key.guard';
export * from './http-app';
export * from './ledger-exception.filter';
export * from './serve-banner';
