import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConnectionConfig } from '@rollout-ledger/config';
import { Topics, type TypedEvent } from '@rollout-ledger/contracts';
import { createAdmin, ensureTopics, EventSerde, HttpSchemaRegistry, LedgerConsumer } from '@rollout-ledger/kafka';
import { fixtureText, ofType, TAU2_FIXTURE, TAU_BENCH_FIXTURE } from './import.fixture';
import { importFile } from './import-file';

const config = loadConnectionConfig({});
const connection = { brokers: config.KAFKA_BROKERS, clientId: 'importers-integration-spec', logLevel: 'nothing' as const };
const ROOT = join(__dirname, '..', '..', '..');

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'rollout-ledger.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

type Offsets = { topic: string; partitions: { partition: number; offset: string }[] }[];

/** The end of each shared topic now: what the test publishes lands after it. */
async function currentEnds(): Promise<Offsets> {
  const admin = createAdmin(connection);
  await admin.connect();
  try {
    await ensureTopics(admin, { partitions: config.ROLLOUT_EVENTS_PARTITIONS });
    const topics = [Topics.rolloutEvents, Topics.taskDefinitions];
    return await Promise.all(topics.map(async (topic) => ({ topic, partitions: (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.offset })) })));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads, decoding through the registry, the events after `from` until `done` says enough. The
 * topics are the shared ones, so a fresh group starts at the recorded ends and keeps only what
 * `keep` selects (other tests publish there too).
 */
async function readSince(from: Offsets, keep: (e: TypedEvent) => boolean, done: (kept: TypedEvent[]) => boolean, timeoutMs = 90_000): Promise<TypedEvent[]> {
  const groupId = `it-importers-${randomUUID()}`;
  const admin = createAdmin(connection);
  await admin.connect();
  for (const { topic, partitions } of from) await admin.setOffsets({ groupId, topic, partitions });
  await admin.disconnect();
  const consumer = new LedgerConsumer({ ...connection, groupId, topics: from.map((f) => f.topic), serde: new EventSerde({ registry: new HttpSchemaRegistry({ url: config.SCHEMA_REGISTRY_URL }) }) });
  await consumer.connect();
  const kept: TypedEvent[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${kept.length} matching events after ${timeoutMs} ms`)), timeoutMs);
      void consumer.run(async (records) => {
        for (const r of records) if (r.kind === 'event' && keep(r.event)) kept.push({ type: r.event.type, data: r.event.data } as TypedEvent);
        if (done(kept)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return kept;
}

const ownedBy = (runId: string, taskIds: ReadonlySet<string>) => (e: TypedEvent) =>
  e.type === 'TaskDefined' ? taskIds.has(e.data.task_id) : e.type !== 'BatchAssembled' && e.data.run_id === runId;

describe.each([
  ['tau-bench', TAU_BENCH_FIXTURE],
  ['tau2', TAU2_FIXTURE],
] as const)('rollout-ledger import %s on the real stack', (format, fixture) => {
  it('publishes every converted event once per id, groups and rewards intact, and a rerun republishes the same ids', async () => {
    const runId = `it-import-${format}-${randomUUID()}`;
    // The CLI stamps timeless (tau-bench) events with the file's mtime.
    const expected = importFile(format, fixtureText(fixture), { runId, fallbackTime: Math.floor(statSync(fixture).mtimeMs) });
    const expectedIds = new Set(expected.events.map((e) => e.data.event_id));
    const taskIds = new Set(ofType(expected.events, 'TaskDefined').map((t) => t.task_id));
    const from = await currentEnds();

    const first = await cli(['import', format, fixture, '--run-id', runId, '--json']);
    expect(first.stderr).toContain(`${expected.events.length}/${expected.events.length} events published`);
    expect({ code: first.code, stderr: first.stderr }).toMatchObject({ code: 0 });
    expect(JSON.parse(first.stdout)).toMatchObject({ run_id: runId, rollouts: expected.summary.rollouts, events: expected.events.length });
    const rerun = await cli(['import', format, fixture, '--run-id', runId]);
    expect({ code: rerun.code, stderr: rerun.stderr }).toMatchObject({ code: 0 });

    const seen = await readSince(from, ownedBy(runId, taskIds), (kept) =>
      kept.filter((e) => e.type !== 'TaskDefined').length >= 2 * (expected.events.length - taskIds.size) && kept.filter((e) => e.type === 'TaskDefined').length >= 2 * taskIds.size,
    );
    const rolloutEvents = seen.filter((e) => e.type !== 'TaskDefined');
    // Two imports, the same ids: consumers dedupe the second copy.
    expect(rolloutEvents).toHaveLength(2 * (expected.events.length - taskIds.size));
    expect(new Set(rolloutEvents.map((e) => e.data.event_id))).toEqual(new Set([...expectedIds].filter((id) => rolloutEvents.some((e) => e.data.event_id === id))));
    expect(new Set(rolloutEvents.map((e) => e.data.event_id)).size).toBe(expected.events.length - taskIds.size);

    const unique = [...new Map(seen.map((e) => [e.data.event_id, e])).values()];
    const started = ofType(unique, 'RolloutStarted');
    expect(started).toHaveLength(expected.summary.rollouts);
    const groups = new Map<string, number[]>();
    for (const s of started) groups.set(s.group_id, [...(groups.get(s.group_id) ?? []), s.attempt]);
    expect(groups.size).toBe(expected.summary.groups);
    for (const s of started) expect(groups.get(s.group_id)?.length).toBe(s.group_size);
    const rewards = ofType(unique, 'RewardAssigned');
    expect(rewards).toHaveLength(expected.summary.rollouts);
    expect(rewards.every((r) => r.source === 'import')).toBe(true);
    expect(rewards.filter((r) => r.reward === 1)).toHaveLength(expected.summary.passed);
    // Decoded through the registry, events equal what the converter produced, field for field.
    const byId = new Map(expected.events.map((e) => [e.data.event_id, e.data]));
    // (avsc decodes records as class instances: compare their JSON.)
    for (const e of rolloutEvents) expect(JSON.parse(JSON.stringify(e.data))).toEqual(byId.get(e.data.event_id));
    expect(ofType(seen, 'TaskDefined').map((t) => t.task_id).sort()).toEqual(expect.arrayContaining([...taskIds].sort()));
  });
});

describe('rollout-ledger import of a malformed file', () => {
  it('fails with the run and the field path before publishing anything', async () => {
    const broken = JSON.parse(fixtureText(TAU_BENCH_FIXTURE)) as Record<string, unknown>[];
    broken[2]['traj'] = 'not a list';
    const file = join(tmpdir(), `broken-${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(broken));
    const result = await cli(['import', 'tau-bench', file, '--run-id', `it-broken-${randomUUID()}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error [VALIDATION_FAILED]');
    expect(result.stderr).toContain('runs[2].traj (task 12, trial 2): must be an array');
    expect(result.stderr).not.toContain('events published');
  });
});
