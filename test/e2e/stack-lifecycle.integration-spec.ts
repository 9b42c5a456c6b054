import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { runCli } from './cli-runner';

/**
 * The local stack as a user drives it, on its own ports and state folder so the shared stack the
 * other integration tests use is never disturbed.
 */
describe('rollout-ledger stack (isolated instance)', () => {
  const stackDir = mkdtempSync(join(tmpdir(), 'rl-stack-'));
  const database = `rl_stack_e2e_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const env = {
    ROLLOUT_LEDGER_STACK_DIR: stackDir,
    KAFKA_PORT: '19092',
    KAFKA_CONTROLLER_PORT: '19093',
    REGISTRY_PORT: '18081',
    REGISTRY_MANAGEMENT_PORT: '18091',
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
  };
  const registry = 'http://127.0.0.1:18081/apis/ccompat/v7';
  const kafka = new Kafka({ clientId: 'stack-e2e', brokers: ['127.0.0.1:19092'], logLevel: logLevel.NOTHING });

  afterAll(async () => {
    await runCli(['stack', 'down'], env);
    const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    for (const name of [database, `${database}_registry`]) await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('starts, is idempotent, survives kill -9 of the broker and a full down/up with its data', async () => {
    const first = await runCli(['stack', 'up'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/kafka\s+healthy\s+127\.0\.0\.1:19092 pid \d+ \(started\)/);
    expect(first.stdout).toMatch(/schema-registry\s+healthy\s+http:\/\/127\.0\.0\.1:18081\/apis\/ccompat\/v7 pid \d+ \(started\)/);
    expect(first.stdout).toContain(`log: ${stackDir}/logs/kafka.log`);

    const second = await runCli(['stack', 'up'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/kafka\s+healthy.*\(reused\)/);
    expect(second.stdout).toMatch(/schema-registry\s+healthy.*\(reused\)/);
    expect(second.stdout).not.toContain('(started)');

    // A schema and a record written before the restarts.
    const subject = `stack-e2e-${randomUUID()}`;
    const schema = JSON.stringify({ type: 'record', name: 'Probe', fields: [{ name: 'n', type: 'int' }] });
    const registered = await fetch(`${registry}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema }),
    });
    expect(registered.status).toBe(200);
    const { id } = (await registered.json()) as { id: number };
    const topic = `stack-e2e-${randomUUID()}`;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'survives restarts' }] });
    await producer.disconnect();

    // kill -9 the broker: status turns unhealthy, `up` brings it back with its data.
    const kafkaPid = Number(readFileSync(join(stackDir, 'run', 'kafka.pid'), 'utf8'));
    process.kill(kafkaPid, 'SIGKILL');
    await waitFor(() => !alive(kafkaPid));
    // The kernel may take a moment to tear the dead broker's sockets down: status must report
    // it within a few seconds.
    let afterKill = await runCli(['stack', 'status'], env);
    for (let tries = 0; afterKill.code === 0 && tries < 10; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      afterKill = await runCli(['stack', 'status'], env);
    }
    expect(`exit ${afterKill.code}\n${afterKill.stdout}`).toMatch(/^exit 1\n[\s\S]*kafka\s+stopped/);
    const restarted = await runCli(['stack', 'up'], env);
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toMatch(/kafka\s+healthy.*\(started\)/);
    expect(restarted.stdout).toMatch(/schema-registry\s+healthy.*\(reused\)/);
    expect(await readAll(topic)).toEqual(['survives restarts']);

    // down: status exits non-zero; up restores service and the schema still resolves by its id.
    const down = await runCli(['stack', 'down'], env);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/kafka\s+stopped \(pid \d+\)/);
    const stopped = await runCli(['stack', 'status'], env);
    expect(stopped.code).toBe(1);
    const again = await runCli(['stack', 'up'], env);
    expect(again.code).toBe(0);
    const byId = await fetch(`${registry}/schemas/ids/${id}`);
    expect(byId.status).toBe(200);
    expect(JSON.parse(((await byId.json()) as { schema: string }).schema)).toEqual(JSON.parse(schema));
    expect(await readAll(topic)).toEqual(['survives restarts']);
    const status = await runCli(['stack', 'status', '--json'], env);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as Array<{ state: string }>).map((s) => s.state)).toEqual(['healthy', 'healthy', 'healthy']);
  });

  it('says which port is taken, by whom, and which variable moves it', async () => {
    // Accepts and drops connections (like a foreign service that does not speak Kafka), so
    // close() below does not wait for the CLI's probe sockets.
    const blocker: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(19392, '127.0.0.1', resolve));
    const otherDir = mkdtempSync(join(tmpdir(), 'rl-stack-port-'));
    try {
      const result = await runCli(['stack', 'up'], { ...env, ROLLOUT_LEDGER_STACK_DIR: otherDir, KAFKA_PORT: '19392', KAFKA_CONTROLLER_PORT: '19393' });
      expect(`exit ${result.code}\n${result.stdout}${result.stderr}`).toMatch(/^exit 1\n/);
      expect(result.stderr).toContain('error [PORT_TAKEN]: port 19392 is taken by another process');
      expect(result.stderr).toContain(`pid ${process.pid}`);
      expect(result.stderr).toContain('KAFKA_PORT=<port>');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      await runCli(['stack', 'down'], { ...env, ROLLOUT_LEDGER_STACK_DIR: otherDir });
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  async function readAll(topic: string): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: `stack-e2e-${randomUUID()}` });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? '') });
    await waitFor(() => values.length > 0, 60_000);
    await consumer.disconnect();
    return values;
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
