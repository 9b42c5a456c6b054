/** Injection tokens of the query API feature module. */
export const QUERY_DB = Symbol('QUERY_DB');
export const QUERY_CONFIG = Symbol('QUERY_CONFIG');
