import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Pool } from 'pg';
import { loadMaterializerConfig } from '@rollout-ledger/config';
import type { TypedEvent } from '@rollout-ledger/contracts';
import { createAdmin, type TopicNames } from '@rollout-ledger/kafka';
import { MetricsRegistry } from '@rollout-ledger/observability';
import { countEvents, createTopics, deleteTopics, kafkaConnection, newWorkload, publish, publishRaw, randomTopics, readTopic, sleep, stack, waitForEvents } from './materializer-harness.fixture';
import { expectedTables, readTables } from './materialized-tables.fixture';
import { MaterializerConsumer } from './materializer.consumer';
import { materializerMetrics } from './materializer.metrics';
import { shuffled } from './synthetic-workload.fixture';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
let pool: Pool;

beforeAll(() => {
  pool = new Pool({ connectionString: stack.DATABASE_URL, max: 4 });
});
afterAll(() => pool.end());

function materializer(names: TopicNames, options: { pool?: Pool; registry?: MetricsRegistry; groupId?: string; writers?: number; env?: Record<string, string>; warnings?: string[] } = {}) {
  const settings = loadMaterializerConfig({
    MATERIALIZER_TOPICS: `${names.rolloutEvents},${names.taskDefinitions}`,
    MATERIALIZER_GROUP_ID: options.groupId ?? `it-mat-${randomUUID()}`,
    MATERIALIZER_DLQ_TOPIC: names.rolloutEventsDlq,
    MATERIALIZER_RETRY_INITIAL_MS: '100',
    MATERIALIZER_RETRY_MAX_MS: '500',
    MATERIALIZER_LAG_INTERVAL_MS: '200',
    MATERIALIZER_SESSION_TIMEOUT_MS: '10000',
    ...(options.writers === undefined ? {} : { MATERIALIZER_WRITERS: String(options.writers) }),
    ...options.env,
  });
  const registry = options.registry ?? new MetricsRegistry();
  return new MaterializerConsumer({
    kafka: kafkaConnection,
    registryUrl: stack.SCHEMA_REGISTRY_URL,
    pool: options.pool ?? pool,
    settings,
    metrics: materializerMetrics(registry),
    logger: options.warnings === undefined ? quiet : { ...quiet, warn: (m) => void options.warnings?.push(m) },
  });
}

async function running<T>(consumer: MaterializerConsumer, fn: () => Promise<T>): Promise<T> {
  await consumer.start();
  try {
    return await fn();
  } finally {
    await consumer.stop();
  }
}

describe('MaterializerConsumer on the real stack', () => {
  it('materializes a generated workload exactly as published, even with every event published twice', async () => {
    const names = randomTopics();
    await createTopics(names);
    const w = newWorkload(25);
    await publish(names, w.events);
    await publish(names, w.events); // the producer retried everything: same event ids again
    const registry = new MetricsRegistry();
    const consumer = materializer(names, { registry });
    await running(consumer, async () => {
      expect(await waitForEvents(pool, w.scope, w.events.length)).toBe(w.events.length);
      // The second copies come after the first ones: wait until they are consumed (lag 0) too.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !(await registry.registry.getSingleMetricAsString('rollout_ledger_materializer_events_total')).includes('outcome="duplicate"')) await sleep(200);
      await sleep(1_000);
      expect(consumer.health().healthy).toBe(true);
    });
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(w.events));
    // Ground truth straight from the published events, independent of the projection code.
    const turns = await pool.query('select rollout_id, turn_index, event_id, content, token_ids, trainable from turns where rollout_id = any($1)', [[...w.scope.rolloutIds]]);
    const published = w.events.filter((e): e is Extract<TypedEvent, { type: 'TurnRecorded' }> => e.type === 'TurnRecorded');
    expect(turns.rows).toHaveLength(published.length);
    const byKey = new Map(turns.rows.map((r) => [`${r.rollout_id}/${r.turn_index}`, r]));
    for (const e of published) {
      expect(byKey.get(`${e.data.rollout_id}/${e.data.turn_index}`)).toEqual({ rollout_id: e.data.rollout_id, turn_index: e.data.turn_index, event_id: e.data.event_id, content: e.data.content, token_ids: e.data.token_ids, trainable: e.data.trainable });
    }
    expect(published.some((e) => e.data.token_ids !== null) && published.some((e) => e.data.token_ids === null)).toBe(true);
    const errors = await pool.query('select count(*)::int as n from tool_calls where rollout_id = any($1) and status = $2', [[...w.scope.rolloutIds], 'error']);
    expect(errors.rows[0].n).toBe(w.events.filter((e) => e.type === 'ToolCallRecorded' && e.data.status === 'error').length);
    expect(errors.rows[0].n).toBeGreaterThan(0);
    const rewards = await pool.query('select count(*)::int as n from rewards where rollout_id = any($1)', [[...w.scope.rolloutIds]]);
    expect(rewards.rows[0].n).toBe(w.events.filter((e) => e.type === 'RewardAssigned').length);
    const metrics = await registry.registry.metrics();
    expect(metrics).toMatch(/rollout_ledger_materializer_events_total\{outcome="applied",type="TurnRecorded"\} \d+/);
    expect(metrics).toMatch(/rollout_ledger_materializer_batch_events_count \d+/);
    expect(metrics).toMatch(new RegExp(`rollout_ledger_materializer_lag\\{group="[^"]+",topic="${names.rolloutEvents.replace(/\./g, '\\.')}",partition="0"\\} 0`));
  });

  it.each([1, 5])('with %i writer(s) side by side, the tables equal the published events, each once', async (writers) => {
    const names = randomTopics();
    await createTopics(names);
    const w = newWorkload(30);
    await publish(names, shuffled(w.events, writers));
    await publish(names, w.events);
    const registry = new MetricsRegistry();
    const writerPool = new Pool({ connectionString: stack.DATABASE_URL, max: writers + 1 });
    try {
      await running(materializer(names, { writers, registry, pool: writerPool }), async () => {
        expect(await waitForEvents(pool, w.scope, w.events.length)).toBe(w.events.length);
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline && !(await registry.registry.getSingleMetricAsString('rollout_ledger_materializer_events_total')).includes('outcome="duplicate"')) await sleep(200);
        await sleep(1_000);
      });
    } finally {
      await writerPool.end();
    }
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(w.events));
    expect(await countEvents(pool, w.scope)).toBe(w.events.length);
  });

  it('converges to the same tables when the events of each rollout arrive shuffled', async () => {
    const names = randomTopics();
    await createTopics(names);
    const w = newWorkload(12);
    await publish(names, shuffled(w.events, 17));
    await running(materializer(names), async () => {
      expect(await waitForEvents(pool, w.scope, w.events.length)).toBe(w.events.length);
    });
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(w.events));
  });

  it('with the smallest fetch sizes, still materializes everything, an event larger than a whole fetch included', async () => {
    const names = randomTopics();
    await createTopics(names);
    const w = newWorkload(6);
    const at = w.events.findIndex((e) => e.type === 'TurnRecorded');
    const turn = w.events[at] as Extract<TypedEvent, { type: 'TurnRecorded' }>;
    const big = { type: 'TurnRecorded', data: { ...turn.data, content: 'x'.repeat(200 * 1024) } } as TypedEvent;
    const events = [...w.events.slice(0, at), big, ...w.events.slice(at + 1)];
    await publish(names, events);
    const limits = { MATERIALIZER_FETCH_MAX_BYTES: String(64 * 1024), MATERIALIZER_FETCH_PARTITION_MAX_BYTES: String(16 * 1024) };
    await running(materializer(names, { env: limits }), async () => {
      expect(await waitForEvents(pool, w.scope, events.length)).toBe(events.length);
    });
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(events));
    const stored = await pool.query('select length(content) as n from turns where rollout_id = $1 and turn_index = $2', [turn.data.rollout_id, turn.data.turn_index]);
    expect(stored.rows).toEqual([{ n: 200 * 1024 }]);
  });

  it('dead-letters poison with its reason and keeps materializing the events after it', async () => {
    const names = randomTopics();
    await createTopics(names, 1);
    const w = newWorkload(3);
    const [firstGroupId] = [w.events.find((e) => e.type === 'RolloutStarted')!.data as { group_id: string }].map((d) => d.group_id);
    const before = w.events.slice(0, 10);
    const after = w.events.slice(10);
    await publish(names, before);
    await publishRaw(names.rolloutEvents, [{ key: firstGroupId, value: Buffer.from('{"not":"avro"}') }]);
    // A valid Avro event whose JSON field is not JSON: decodable, but not projectable.
    const started = w.events.find((e) => e.type === 'RolloutStarted') as Extract<TypedEvent, { type: 'RolloutStarted' }>;
    await publish(names, [{ type: 'RolloutStarted', data: { ...started.data, event_id: `${started.data.event_id}-bad`, rollout_id: `${started.data.rollout_id}-bad`, tools: 'not json' } }]);
    await publish(names, after);
    await running(materializer(names), async () => {
      expect(await waitForEvents(pool, w.scope, w.events.length)).toBe(w.events.length);
    });
    const dead = await readTopic(names.rolloutEventsDlq, 2);
    const offset = before.filter((e) => e.type !== 'TaskDefined').length; // tasks go to their own topic
    const headers = dead.map((m) => Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v?.toString()])));
    expect(headers.map((h) => [h['x-dlq-error-code'], h['x-dlq-original-topic'], h['x-dlq-original-offset']])).toEqual([
      ['EVENT_UNDECODABLE', names.rolloutEvents, String(offset)],
      ['EVENT_UNPROJECTABLE', names.rolloutEvents, String(offset + 1)],
    ]);
    expect(headers[1]['x-dlq-reason']).toMatch(/tools is not valid JSON/);
    expect(dead[0].value?.toString()).toBe('{"not":"avro"}');
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(w.events));
    const bad = await pool.query('select count(*)::int as n from events where rollout_id = $1', [`${started.data.rollout_id}-bad`]);
    expect(bad.rows[0].n).toBe(0);
  });

  it('given checkpoints of an earlier incarnation of its topics (deleted and recreated), then it says so and materializes the new topics from their start', async () => {
    const names = randomTopics();
    // One partition: with several, a partition could get more new records than its old checkpoint.
    await createTopics(names, 1);
    const groupId = `it-mat-${randomUUID()}`;
    const first = newWorkload(20);
    await publish(names, first.events);
    await running(materializer(names, { groupId }), async () => {
      expect(await waitForEvents(pool, first.scope, first.events.length)).toBe(first.events.length);
    });
    const warnings: string[] = [];
    await running(materializer(names, { groupId, warnings }), () => sleep(500));
    expect(warnings.filter((w) => w.includes('checkpoint'))).toEqual([]); // an ordinary restart resets nothing

    await deleteTopics(names);
    await createTopics(names, 1);
    const second = newWorkload(5); // fewer events: every new offset is below the old checkpoint
    await publish(names, second.events);
    await running(materializer(names, { groupId, warnings }), async () => {
      expect(await waitForEvents(pool, second.scope, second.events.length, 60_000)).toBe(second.events.length);
    });
    expect(await readTables(pool, second.scope)).toEqual(expectedTables(second.events));
    expect(await readTables(pool, first.scope)).toEqual(expectedTables(first.events));
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`checkpoint of ${names.rolloutEvents.replace(/\./g, '\\.')}/\\d+ at offset \\d+ reset to 0 \\(it is beyond the end`))]));
  });

  it('given checkpoints recorded on another Kafka cluster, then it re-reads every partition from its start and records this cluster', async () => {
    const names = randomTopics();
    await createTopics(names);
    const groupId = `it-mat-${randomUUID()}`;
    const w = newWorkload(8);
    await publish(names, w.events);
    const admin = createAdmin(kafkaConnection);
    await admin.connect();
    let clusterId: string;
    try {
      clusterId = (await admin.describeCluster()).clusterId;
      // As far as the old cluster's offsets went: inside this topic's range, so only the cluster id tells them apart.
      for (const topic of [names.rolloutEvents, names.taskDefinitions]) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          await pool.query('insert into consumer_checkpoints (consumer_group, topic, partition, next_offset) values ($1, $2, $3, $4)', [groupId, topic, p.partition, p.high]);
        }
      }
    } finally {
      await admin.disconnect();
    }
    await pool.query('insert into consumer_kafka_clusters (consumer_group, kafka_cluster_id) values ($1, $2)', [groupId, 'another-cluster']);
    const warnings: string[] = [];
    await running(materializer(names, { groupId, warnings }), async () => {
      expect(await waitForEvents(pool, w.scope, w.events.length, 60_000)).toBe(w.events.length);
    });
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(w.events));
    expect(warnings.some((m) => m.includes('taken on Kafka cluster another-cluster'))).toBe(true);
    const recorded = await pool.query('select kafka_cluster_id from consumer_kafka_clusters where consumer_group = $1', [groupId]);
    expect(recorded.rows).toEqual([{ kafka_cluster_id: clusterId }]);
  });

  it('pauses while PostgreSQL is unreachable, commits nothing, and resumes with nothing skipped', async () => {
    const names = randomTopics();
    await createTopics(names);
    const proxy = await PostgresProxy.start(new URL(stack.DATABASE_URL));
    const proxied = new Pool({ connectionString: proxy.url(stack.DATABASE_URL), max: 3, connectionTimeoutMillis: 2_000 });
    proxied.on('error', () => undefined);
    const w = newWorkload(16);
    const half = Math.floor(w.events.length / 2);
    const consumer = materializer(names, { pool: proxied });
    try {
      await running(consumer, async () => {
        await publish(names, w.events.slice(0, half));
        expect(await waitForEvents(pool, w.scope, half)).toBe(half);
        await proxy.down();
        await publish(names, w.events.slice(half));
        await sleep(4_000);
        expect(await countEvents(pool, w.scope)).toBe(half);
        expect(consumer.health()).toMatchObject({ healthy: false, detail: expect.stringMatching(/paused and retrying/) });
        await proxy.up();
        expect(await waitForEvents(pool, w.scope, w.events.length)).toBe(w.events.length);
        expect(consumer.health().healthy).toBe(true);
      });
    } finally {
      await proxy.down();
      await proxied.end().catch(() => undefined);
    }
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(w.events));
  });
});

/** A TCP proxy in front of the real PostgreSQL that the test can take down and bring back. */
class PostgresProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly target: { host: string; port: number },
    private port: number,
  ) {}

  static async start(url: URL): Promise<PostgresProxy> {
    const proxy = new PostgresProxy({ host: url.hostname, port: Number(url.port || 5432) }, 0);
    await proxy.up();
    return proxy;
  }

  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve) =>
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      }),
    );
  }

  down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
