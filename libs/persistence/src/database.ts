import knexFactory, { Knex } from 'knex';
import { Client } from 'pg';
import { LedgerError } from '@rollout-ledger/contracts';
import { migrations } from '../../../migrations';

export type Database = Knex;

export function createDatabase(databaseUrl: string, pool: { min?: number; max?: number } = {}): Database {
  return knexFactory({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
  });
}

/** Creates the database named in the URL when it does not exist (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean; name: string }> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new LedgerError('DATABASE_NAME_INVALID', `database name "${name}" in DATABASE_URL must be letters, digits and _`);
  }
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch (error) {
    throw new LedgerError(
      'POSTGRES_UNAVAILABLE',
      `cannot connect to PostgreSQL at ${url.host}: ${(error as Error).message}`,
      true,
      undefined,
      { cause: error },
    );
  }
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return { created: false, name };
    try {
      await client.query(`create database "${name}"`);
    } catch (error) {
      // Two processes racing to create it: the loser sees duplicate_database (42P04).
      if ((error as { code?: string }).code !== '42P04') throw error;
      return { created: false, name };
    }
    return { created: true, name };
  } finally {
    await client.end();
  }
}

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => migrations.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = migrations.find(([candidate]) => candidate === name);
    if (!found) throw new LedgerError('MIGRATION_UNKNOWN', `migration ${name} is recorded in the database but unknown to this build`);
    return found[1];
  },
};

/** Applies pending migrations; returns the names applied now (empty when up to date). */
export async function migrateLatest(db: Database): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

export async function pendingMigrations(db: Database): Promise<string[]> {
  const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown[], Array<string | { file: string }>];
  return pending.map((entry) => (typeof entry === 'string' ? entry : entry.file));
}
