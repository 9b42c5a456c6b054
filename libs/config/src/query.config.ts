import { EnvValues, env, parseEnv } from './env-schema';

/** The query API, exports and audit UI (`rollout-ledger serve --apps query`, `export`, `curriculum`). */
export const querySpec = {
  QUERY_DB_POOL_MAX: env.int('PostgreSQL connections of the query API', 10, { min: 1, max: 200 }),
  QUERY_MAX_PAGE_SIZE: env.int('largest `limit` GET /v1/rollouts accepts', 500, { min: 1, max: 10_000 }),
  EXPORT_PAGE_SIZE: env.int('rollouts fetched per keyset page while exporting (memory is bounded by it)', 500, { min: 1, max: 10_000 }),
  EXPORT_PARQUET_ROW_GROUP: env.int('rows per Parquet row group in exports', 1000, { min: 1, max: 1_000_000 }),
};

export type QueryConfig = EnvValues<typeof querySpec>;

export function loadQueryConfig(source: NodeJS.ProcessEnv = process.env): QueryConfig {
  return parseEnv(querySpec, source, 'query API configuration');
}
