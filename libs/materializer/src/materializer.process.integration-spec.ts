import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { countEvents, createTopics, newWorkload, publish, randomTopics, sleep, stack, waitForEvents, type PublishedWorkload } from './materializer-harness.fixture';
import { expectedTables, readTables } from './materialized-tables.fixture';
import { ServeProcess } from './materializer-process.fixture';
import { shuffled } from './synthetic-workload.fixture';

/**
 * The materializer as operators run it (`rollout-ledger serve --apps materializer`, built CLI):
 * SIGKILLed mid-stream and restarted, and scaled out to two instances of one consumer group.
 */
let pool: Pool;

beforeAll(() => {
  pool = new Pool({ connectionString: stack.DATABASE_URL, max: 3 });
});
afterAll(() => pool.end());

/** Starts an instance, lets it write until `target` events are in, and kills it with SIGKILL mid-stream. */
async function killMidStream(w: PublishedWorkload, target: number, names: ReturnType<typeof randomTopics>, groupId: string): Promise<void> {
  const serve = ServeProcess.start(names, groupId, { MATERIALIZER_MAX_TX_EVENTS: '2000' });
  try {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && (await countEvents(pool, w.scope)) < target) await sleep(50);
  } finally {
    await serve.kill();
  }
}

async function materializeWithCrashes(w: PublishedWorkload, expected: number, names: ReturnType<typeof randomTopics>, crashes: number): Promise<number[]> {
  const groupId = `it-crash-${randomUUID()}`;
  const progress: number[] = [];
  for (let i = 0; i < crashes; i++) {
    await killMidStream(w, Math.floor((expected * (i + 1)) / (crashes + 2)), names, groupId);
    progress.push(await countEvents(pool, w.scope));
  }
  const last = ServeProcess.start(names, groupId);
  try {
    expect(await waitForEvents(pool, w.scope, expected, 180_000)).toBe(expected);
    await sleep(1_500); // would a duplicate or a late write still arrive?
  } finally {
    expect(await last.stop()).toBe('SIGTERM');
  }
  return progress;
}

describe('materializer processes', () => {
  it('killed with SIGKILL mid-stream three times, then restarted: every event present exactly once', async () => {
    const names = randomTopics();
    await createTopics(names, 3);
    const w = newWorkload(900, 4, 10);
    await publish(names, w.events, 2_000);
    const progress = await materializeWithCrashes(w, w.events.length, names, 3);
    // Each run wrote part of the stream and was killed before the end.
    expect(progress[progress.length - 1]).toBeLessThan(w.events.length);
    expect(progress[0]).toBeGreaterThan(0);
    expect(await countEvents(pool, w.scope)).toBe(w.events.length);
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(w.events));
  });

  it('the same with every event published twice and the events of rollouts shuffled', async () => {
    const names = randomTopics();
    await createTopics(names, 3);
    const w = newWorkload(500, 4, 10);
    await publish(names, shuffled(w.events, 1), 2_000);
    await publish(names, shuffled(w.events, 2), 2_000);
    await materializeWithCrashes(w, w.events.length, names, 2);
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(w.events));
  });

  it('two instances share the partitions; stopping one mid-stream hands its partitions to the other', async () => {
    const names = randomTopics();
    await createTopics(names, 6);
    const groupId = `it-scale-${randomUUID()}`;
    const w = newWorkload(600, 4, 10);
    const a = ServeProcess.start(names, groupId);
    const b = ServeProcess.start(names, groupId);
    try {
      await Promise.all([a.healthy(), b.healthy()]);
      await sleep(3_000); // both joined: the group has rebalanced over the two members
      const third = Math.floor(w.events.length / 3);
      await publish(names, w.events.slice(0, third), 1_000);
      await waitForEvents(pool, w.scope, third);
      const [appliedA, appliedB] = [await a.appliedEvents(), await b.appliedEvents()];
      expect(appliedA).toBeGreaterThan(0);
      expect(appliedB).toBeGreaterThan(0);
      expect(appliedA + appliedB).toBe(third);
      // Mid-stream: B leaves while the rest is being published; A takes over its partitions.
      const rest = publish(names, w.events.slice(third), 500);
      await sleep(500);
      const stopped = await b.stop();
      await rest;
      expect(stopped).toBe('SIGTERM');
      expect(await waitForEvents(pool, w.scope, w.events.length, 180_000)).toBe(w.events.length);
      await sleep(1_500);
      expect(await a.appliedEvents()).toBeGreaterThan(appliedA);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await countEvents(pool, w.scope)).toBe(w.events.length);
    expect(await readTables(pool, w.scope)).toEqual(expectedTables(w.events));
  });
});
