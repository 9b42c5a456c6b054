import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '@rollout-ledger/config';
import { findJava } from './java-runtime';
import { probeKafka } from './kafka-probe';
import { ensurePortsFree } from './port-guard';
import { ManagedProcess, runningPid, startDetached, stopProcess } from './processes';
import { waitUntilHealthy } from './service-wait';
import { StackLayout, KAFKA_VERSION } from './stack-layout';
import { ServiceStatus, StackService, UpResult } from './stack-service';
import { runSync } from './run-sync';

const HOST = '127.0.0.1';

/** Apache Kafka 4, one node in KRaft combined mode (broker + controller), data kept in the stack folder. */
export class KafkaService implements StackService {
  readonly name = 'kafka';
  private readonly managed: ManagedProcess;

  constructor(
    private readonly layout: StackLayout,
    private readonly config: StackConfig,
  ) {
    this.managed = {
      pidFile: join(layout.run, 'kafka.pid'),
      logFile: join(layout.logs, 'kafka.log'),
      marker: `-Drollout.ledger.stack=${layout.root}`,
    };
  }

  private get endpoint(): string {
    return `${HOST}:${this.config.KAFKA_PORT}`;
  }

  async status(): Promise<ServiceStatus> {
    const pid = runningPid(this.managed);
    const base = { name: this.name, endpoint: this.endpoint, logFile: this.managed.logFile };
    const healthy = await probeKafka(HOST, this.config.KAFKA_PORT);
    if (pid === null) {
      // A broker we did not start (docker compose, a system service) is used, never managed.
      return healthy ? { ...base, state: 'healthy', detail: 'external broker (not started by rollout-ledger; left alone by down)' } : { ...base, state: 'stopped', detail: 'not running' };
    }
    return { ...base, pid, state: healthy ? 'healthy' : 'unhealthy', detail: healthy ? `Kafka ${KAFKA_VERSION} (KRaft)` : 'running but not answering ApiVersions' };
  }

  /** Fails fast, before anything is fetched or started, when this service could not start. */
  async preflight(): Promise<void> {
    const current = await this.status();
    if (current.state !== 'stopped') return;
    await ensurePortsFree([
      [this.config.KAFKA_PORT, 'KAFKA_PORT'],
      [this.config.KAFKA_CONTROLLER_PORT, 'KAFKA_CONTROLLER_PORT'],
    ]);
    findJava(17, `Kafka ${KAFKA_VERSION}`);
  }

  async up(log: (line: string) => void): Promise<UpResult> {
    const current = await this.status();
    if (current.state === 'healthy') return { ...current, started: false };
    if (current.pid !== undefined) {
      // Ours but not answering yet (still starting, or a restart after a crash): wait for it.
      await waitUntilHealthy(this.name, current.pid, this.managed.logFile, () => probeKafka(HOST, this.config.KAFKA_PORT), 120_000);
      return { ...(await this.status()), started: false };
    }
    await ensurePortsFree([
      [this.config.KAFKA_PORT, 'KAFKA_PORT'],
      [this.config.KAFKA_CONTROLLER_PORT, 'KAFKA_CONTROLLER_PORT'],
    ]);
    const java = findJava(17, `Kafka ${KAFKA_VERSION}`);
    const properties = this.writeConfig();
    const classpath = `${this.layout.kafkaLibs}/*`;
    const jvm = [this.managed.marker, `-Dlog4j2.configurationFile=${join(this.layout.kafkaConfig, 'log4j2.properties')}`];
    this.formatStorage(java.bin, jvm, classpath, properties);
    log(`starting Kafka ${KAFKA_VERSION} on ${this.endpoint}…`);
    const heap = this.config.KAFKA_HEAP.split(/\s+/).filter(Boolean);
    const pid = startDetached(
      this.managed,
      java.bin,
      [...heap, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true', ...jvm, '-cp', classpath, 'kafka.Kafka', properties],
      this.layout.root,
    );
    await waitUntilHealthy(this.name, pid, this.managed.logFile, () => probeKafka(HOST, this.config.KAFKA_PORT), 120_000);
    return { ...(await this.status()), started: true };
  }

  async down(): Promise<{ stopped: boolean; pid?: number }> {
    const pid = await stopProcess(this.managed, 60_000);
    return pid === null ? { stopped: false } : { stopped: true, pid };
  }

  private writeConfig(): string {
    mkdirSync(this.layout.kafkaConfig, { recursive: true });
    mkdirSync(this.layout.kafkaData, { recursive: true });
    const { KAFKA_PORT: port, KAFKA_CONTROLLER_PORT: controller } = this.config;
    const properties = [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${HOST}:${controller}`,
      `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controller}`,
      `advertised.listeners=PLAINTEXT://${HOST}:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${this.layout.kafkaData}`,
      // One node: every internal topic must have a single replica, or consumers wait forever
      // for a group coordinator.
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'default.replication.factor=1',
      'num.partitions=6',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=true',
      'log.retention.hours=168',
      'message.max.bytes=10485760',
      'replica.fetch.max.bytes=10485760',
    ].join('\n');
    const file = join(this.layout.kafkaConfig, 'server.properties');
    writeFileSync(file, `${properties}\n`);
    writeFileSync(
      join(this.layout.kafkaConfig, 'log4j2.properties'),
      [
        'status = warn',
        'appender.out.type = Console',
        'appender.out.name = OUT',
        'appender.out.layout.type = PatternLayout',
        'appender.out.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = info',
        'rootLogger.appenderRef.out.ref = OUT',
        'logger.kafka.name = kafka',
        'logger.kafka.level = info',
        'logger.state.name = state.change.logger',
        'logger.state.level = warn',
        '',
      ].join('\n'),
    );
    return file;
  }

  /** Formats the log directory once; the cluster id is kept so restarts reuse the same data. */
  private formatStorage(java: string, jvm: string[], classpath: string, properties: string): void {
    if (existsSync(join(this.layout.kafkaData, 'meta.properties'))) return;
    const idFile = join(this.layout.root, 'kafka', 'cluster-id');
    if (!existsSync(idFile)) writeFileSync(idFile, `${kafkaClusterId()}\n`);
    const clusterId = readFileSync(idFile, 'utf8').trim();
    runSync(java, [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', properties, '--ignore-formatted'], 'format Kafka storage');
  }
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding (what `random-uuid`
 * prints). Like Kafka's own generator, it never starts with '-', which a command line would read
 * as an option.
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
