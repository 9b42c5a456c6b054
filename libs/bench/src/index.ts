export * from './bench-scenario';
