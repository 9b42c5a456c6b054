import { createDatabase, ensureDatabase, migrateLatest, pendingMigrations } from '@rollout-ledger/persistence';
import { ServiceStatus, StackService, UpResult } from './stack-service';

/**
 * PostgreSQL is not started by the stack: it is the server at DATABASE_URL. `up` creates the
 * application database and the registry's database when missing and applies migrations.
 */
export class PostgresService implements StackService {
  readonly name = 'postgres';

  constructor(
    private readonly databaseUrl: string,
    private readonly registryDatabaseUrl: string,
  ) {}

  private get endpoint(): string {
    const url = new URL(this.databaseUrl);
    return `${url.host}${url.pathname}`;
  }

  async status(): Promise<ServiceStatus> {
    const base = { name: this.name, endpoint: this.endpoint };
    const db = createDatabase(this.databaseUrl, { max: 1 });
    try {
      await db.raw('select 1');
      const pending = await pendingMigrations(db);
      return pending.length === 0
        ? { ...base, state: 'healthy', detail: 'reachable, migrations up to date' }
        : { ...base, state: 'unhealthy', detail: `${pending.length} migration(s) pending: run \`rollout-ledger stack up\`` };
    } catch (error) {
      return { ...base, state: 'unhealthy', detail: (error as Error).message };
    } finally {
      await db.destroy();
    }
  }

  async preflight(): Promise<void> {
    // Nothing to check before `up`: it connects, and reports an unreachable server itself.
  }

  async up(log: (line: string) => void): Promise<UpResult> {
    const app = await ensureDatabase(this.databaseUrl);
    if (app.created) log(`created database ${app.name}`);
    const registry = await ensureDatabase(this.registryDatabaseUrl);
    if (registry.created) log(`created database ${registry.name} (schema registry storage)`);
    const db = createDatabase(this.databaseUrl, { max: 1 });
    let applied: string[];
    try {
      applied = await migrateLatest(db);
    } finally {
      await db.destroy();
    }
    if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
    return { ...(await this.status()), started: app.created || applied.length > 0 };
  }

  async down(): Promise<{ stopped: boolean }> {
    // Not ours to stop.
    return { stopped: false };
  }
}
