import { join } from 'node:path';
import type { StackConfig } from '@rollout-ledger/config';
import { findJava } from './java-runtime';
import { ensurePortsFree } from './port-guard';
import { ManagedProcess, runningPid, startDetached, stopProcess } from './processes';
import { waitUntilHealthy } from './service-wait';
import { REGISTRY_VERSION, StackLayout } from './stack-layout';
import { ServiceStatus, StackService, UpResult } from './stack-service';

const HOST = '127.0.0.1';

/**
 * Apicurio Registry 3 serving its Confluent-compatible API. Storage is PostgreSQL (never the
 * in-memory default): schema ids inside old Kafka messages must still resolve after a restart.
 */
export class RegistryService implements StackService {
  readonly name = 'schema-registry';
  private readonly managed: ManagedProcess;

  constructor(
    private readonly layout: StackLayout,
    private readonly config: StackConfig,
    /** JDBC coordinates of the registry's own database. */
    private readonly storage: { readonly jdbcUrl: string; readonly user: string; readonly password: string },
  ) {
    this.managed = {
      pidFile: join(layout.run, 'schema-registry.pid'),
      logFile: join(layout.logs, 'schema-registry.log'),
      marker: `-Drollout.ledger.stack=${layout.root}`,
    };
  }

  get endpoint(): string {
    return `http://${HOST}:${this.config.REGISTRY_PORT}/apis/ccompat/v7`;
  }

  private async healthy(): Promise<boolean> {
    try {
      const ready = await fetch(`http://${HOST}:${this.config.REGISTRY_MANAGEMENT_PORT}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (!ready.ok) return false;
      const subjects = await fetch(`${this.endpoint}/subjects`, { signal: AbortSignal.timeout(2000) });
      return subjects.ok;
    } catch {
      return false;
    }
  }

  async status(): Promise<ServiceStatus> {
    const pid = runningPid(this.managed);
    const base = { name: this.name, endpoint: this.endpoint, logFile: this.managed.logFile };
    const healthy = await this.healthy();
    if (pid === null) {
      return healthy ? { ...base, state: 'healthy', detail: 'external registry (not started by rollout-ledger; left alone by down)' } : { ...base, state: 'stopped', detail: 'not running' };
    }
    return { ...base, pid, state: healthy ? 'healthy' : 'unhealthy', detail: healthy ? `Apicurio Registry ${REGISTRY_VERSION}, storage PostgreSQL, compatibility BACKWARD` : 'running but not ready' };
  }

  /** Fails fast, before anything is fetched or started, when this service could not start. */
  async preflight(): Promise<void> {
    const current = await this.status();
    if (current.state !== 'stopped') return;
    await ensurePortsFree([
      [this.config.REGISTRY_PORT, 'REGISTRY_PORT'],
      [this.config.REGISTRY_MANAGEMENT_PORT, 'REGISTRY_MANAGEMENT_PORT'],
    ]);
    findJava(21, `Apicurio Registry ${REGISTRY_VERSION}`, this.config.REGISTRY_JAVA_HOME);
  }

  async up(log: (line: string) => void): Promise<UpResult> {
    const current = await this.status();
    if (current.state === 'healthy') return { ...current, started: false };
    if (current.pid !== undefined) {
      await waitUntilHealthy(this.name, current.pid, this.managed.logFile, () => this.healthy(), 120_000);
      return { ...(await this.status()), started: false };
    }
    await ensurePortsFree([
      [this.config.REGISTRY_PORT, 'REGISTRY_PORT'],
      [this.config.REGISTRY_MANAGEMENT_PORT, 'REGISTRY_MANAGEMENT_PORT'],
    ]);
    // Apicurio Registry 3.3 is compiled for Java 21.
    const java = findJava(21, `Apicurio Registry ${REGISTRY_VERSION}`, this.config.REGISTRY_JAVA_HOME);
    log(`starting Apicurio Registry ${REGISTRY_VERSION} on ${this.endpoint} (Java ${java.major})…`);
    const heap = this.config.REGISTRY_HEAP.split(/\s+/).filter(Boolean);
    const settings = {
      'quarkus.http.host': HOST,
      'quarkus.http.port': this.config.REGISTRY_PORT,
      'quarkus.management.host': HOST,
      'quarkus.management.port': this.config.REGISTRY_MANAGEMENT_PORT,
      'apicurio.storage.kind': 'sql',
      'apicurio.storage.sql.kind': 'postgresql',
      'apicurio.datasource.url': this.storage.jdbcUrl,
      'apicurio.datasource.username': this.storage.user,
      'apicurio.datasource.password': this.storage.password,
      // Without a global rule, subjects created by other tools report NONE and clients refuse them.
      'apicurio.rules.global.compatibility': 'BACKWARD',
    };
    const args = [
      ...heap,
      this.managed.marker,
      ...Object.entries(settings).map(([key, value]) => `-D${key}=${value}`),
      '-jar',
      join(this.layout.registryHome, 'quarkus-run.jar'),
    ];
    const pid = startDetached(this.managed, java.bin, args, this.layout.root);
    await waitUntilHealthy(this.name, pid, this.managed.logFile, () => this.healthy(), 180_000);
    return { ...(await this.status()), started: true };
  }

  async down(): Promise<{ stopped: boolean; pid?: number }> {
    const pid = await stopProcess(this.managed, 30_000);
    return pid === null ? { stopped: false } : { stopped: true, pid };
  }
}
