// The HTTP ingest gateway (POST /v1/events) and schema governance, as a NestJS feature module.
export * from './ingest-body.parser';
export * from './ingest-envelope.validation';
export * from './ingest.controller';
export * from './ingest.errors';
export * from './ingest.module';
export * from './ingest.options';
export * from './ingest.service';
export * from './schema-governance';
export * from './transactional.publisher';
