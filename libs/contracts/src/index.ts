export * from './errors';
export * from './error-codes';
export * from './events';
export * from './event-types';
export * from './event-schemas';
export * from './event-validation';
export * from './topics';
export * from './example-events';
