import type { ConnectionConfig, StackConfig } from '@rollout-ledger/config';
import { ensureArtifacts } from './artifacts';
import { KafkaService } from './kafka.service';
import { PostgresService } from './postgres.service';
import { RegistryService } from './registry.service';
import { StackLayout, stackLayout } from './stack-layout';
import { ServiceStatus, UpResult } from './stack-service';

/** The registry keeps its data in a sibling database: `<app database>_registry`. */
export function registryDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `${url.pathname.replace(/^\//, '')}_registry`;
  return url.toString();
}

function jdbcStorage(databaseUrl: string): { jdbcUrl: string; user: string; password: string } {
  const url = new URL(registryDatabaseUrl(databaseUrl));
  return {
    jdbcUrl: `jdbc:postgresql://${url.hostname}:${url.port || '5432'}${url.pathname}`,
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
  };
}

/** The local development stack: PostgreSQL (existing server), Kafka and the schema registry. */
export class LocalStack {
  readonly layout: StackLayout;
  readonly postgres: PostgresService;
  readonly kafka: KafkaService;
  readonly registry: RegistryService;

  constructor(stackConfig: StackConfig, connection: ConnectionConfig) {
    this.layout = stackLayout(stackConfig);
    this.postgres = new PostgresService(connection.DATABASE_URL, registryDatabaseUrl(connection.DATABASE_URL));
    this.kafka = new KafkaService(this.layout, stackConfig);
    this.registry = new RegistryService(this.layout, stackConfig, jdbcStorage(connection.DATABASE_URL));
  }

  /** Idempotent: healthy services are reused, missing ones started; resolves when all are healthy. */
  async up(log: (line: string) => void): Promise<UpResult[]> {
    const postgres = await this.postgres.up(log);
    // A taken port or a missing Java is reported before minutes of downloads and start-ups.
    await this.kafka.preflight();
    await this.registry.preflight();
    await ensureArtifacts(this.layout, log);
    // Kafka and the registry do not depend on each other: start them side by side, and wait for
    // both to settle so a failure of one never leaves the other starting unattended.
    const [kafka, registry] = await Promise.allSettled([this.kafka.up(log), this.registry.up(log)]);
    if (kafka.status === 'rejected') throw kafka.reason;
    if (registry.status === 'rejected') throw registry.reason;
    return [postgres, kafka.value, registry.value];
  }

  /** Stops what `up` started (never the PostgreSQL server). */
  async down(): Promise<Array<{ name: string; stopped: boolean; pid?: number }>> {
    const registry = await this.registry.down();
    const kafka = await this.kafka.down();
    return [
      { name: this.registry.name, ...registry },
      { name: this.kafka.name, ...kafka },
    ];
  }

  async status(): Promise<ServiceStatus[]> {
    return Promise.all([this.postgres.status(), this.kafka.status(), this.registry.status()]);
  }
}
