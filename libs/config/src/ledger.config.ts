import { EnvParseError, EnvValues, env, parseEnv } from './env-schema';

/**
 * The configuration of Rollout Ledger, read only from environment variables and validated at boot.
 * Defaults match the local stack (`rollout-ledger stack up`) and docker-compose.yml.
 */
export const connectionSpec = {
  KAFKA_BROKERS: env.hostPorts('Kafka bootstrap servers, comma-separated host:port', ['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: env.string('client id reported to Kafka', 'rollout-ledger'),
  SCHEMA_REGISTRY_URL: env.url(
    'Confluent-compatible schema registry API',
    'http://127.0.0.1:8081/apis/ccompat/v7',
    ['http', 'https'],
  ),
  DATABASE_URL: env.url('PostgreSQL connection string', 'postgres://postgres@127.0.0.1:5432/rollout_ledger', ['postgres', 'postgresql']),
  ROLLOUT_EVENTS_PARTITIONS: env.int('partitions of rollout.events when the topic is created', 6, { min: 1, max: 1000 }),
};

export type ApiScope = 'ingest' | 'read' | 'export' | 'admin';
export const API_SCOPES: readonly ApiScope[] = ['ingest', 'read', 'export', 'admin'];

export interface ApiKey {
  readonly key: string;
  readonly scopes: ReadonlySet<ApiScope>;
}

/** `API_KEYS=key1:ingest|read,key2:admin` — `admin` grants every scope. */
export function parseApiKeys(raw: string): readonly ApiKey[] {
  const keys: ApiKey[] = [];
  for (const entry of raw.split(',').map((item) => item.trim()).filter(Boolean)) {
    const separator = entry.lastIndexOf(':');
    if (separator <= 0) throw new EnvParseError(`entry "${mask(entry)}" must be key:scope|scope`);
    const key = entry.slice(0, separator);
    const scopes = entry.slice(separator + 1).split('|').map((scope) => scope.trim());
    for (const scope of scopes) {
      if (!(API_SCOPES as readonly string[]).includes(scope)) {
        throw new EnvParseError(`key "${mask(key)}" has unknown scope "${scope}" (known: ${API_SCOPES.join(', ')})`);
      }
    }
    if (key.length < 8) throw new EnvParseError(`key "${mask(key)}" is shorter than 8 characters`);
    keys.push({ key, scopes: new Set(scopes as ApiScope[]) });
  }
  return keys;
}

function mask(secret: string): string {
  return secret.length <= 4 ? '****' : `${secret.slice(0, 2)}…${secret.slice(-2)}`;
}

export const httpSpec = {
  PORT: env.int('HTTP port of /health, /metrics and the APIs', 3000, { min: 0, max: 65535 }),
  HOST: env.string('HTTP bind address', '127.0.0.1'),
  API_KEYS: {
    description: 'API keys with scopes: key:scope|scope,… (scopes ingest, read, export, admin)',
    default: [] as readonly ApiKey[],
    parse: (raw: string) => parseApiKeys(raw),
  },
  INGEST_MAX_BODY_BYTES: env.int('largest request body POST /v1/events accepts', 10 * 1024 * 1024, { min: 1024 }),
  HEAP_GROWTH_PERCENT: env.int(
    'how far V8 lets the heap of a served process grow past its live data before the next full GC, in % (0 = the V8 heuristics); lower keeps RSS down at the cost of more GC',
    100,
    { min: 0, max: 300 },
  ),
};

export const stackSpec = {
  ROLLOUT_LEDGER_STACK_DIR: env.string('folder for the local stack state, artifacts and logs', ''),
  KAFKA_PORT: env.int('local Kafka broker port', 9092, { min: 1, max: 65535 }),
  KAFKA_CONTROLLER_PORT: env.int('local Kafka KRaft controller port', 9093, { min: 1, max: 65535 }),
  REGISTRY_PORT: env.int('local schema registry HTTP port', 8081, { min: 1, max: 65535 }),
  REGISTRY_MANAGEMENT_PORT: env.int('local schema registry management (health) port', 8091, { min: 1, max: 65535 }),
  REGISTRY_JAVA_HOME: env.string('a Java 21+ home for the schema registry (found automatically if unset)', ''),
  KAFKA_HEAP: env.string('JVM heap flags for the local broker', '-Xms256m -Xmx512m'),
  REGISTRY_HEAP: env.string('JVM heap flags for the local registry', '-Xms128m -Xmx384m'),
};

export type ConnectionConfig = EnvValues<typeof connectionSpec>;
export type HttpConfig = EnvValues<typeof httpSpec>;
export type StackConfig = EnvValues<typeof stackSpec>;

export function loadConnectionConfig(source: NodeJS.ProcessEnv = process.env): ConnectionConfig {
  return parseEnv(connectionSpec, source, 'connection configuration');
}

export function loadHttpConfig(source: NodeJS.ProcessEnv = process.env): HttpConfig {
  return parseEnv(httpSpec, source, 'server configuration');
}

export function loadStackConfig(source: NodeJS.ProcessEnv = process.env): StackConfig {
  return parseEnv(stackSpec, source, 'local stack configuration');
}
