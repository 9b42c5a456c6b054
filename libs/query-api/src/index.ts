// The only door into the query API feature module.
export { QueryApiModule } from './query-api.module';
export { QUERY_CONFIG, QUERY_DB } from './query-api.tokens';
