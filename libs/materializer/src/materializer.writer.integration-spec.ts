import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { loadConnectionConfig } from '@rollout-ledger/config';
import type { TypedEvent } from '@rollout-ledger/contracts';
import type { ConsumedRecord, DecodedEvent } from '@rollout-ledger/kafka';
import { expectedTables, readTables } from './materialized-tables.fixture';
import { MaterializerWriter } from './materializer.writer';
import { generateWorkload, shuffled } from './synthetic-workload.fixture';

const config = loadConnectionConfig();
let pool: Pool;

beforeAll(() => {
  pool = new Pool({ connectionString: config.DATABASE_URL, max: 3 });
});
afterAll(() => pool.end());

function records(topic: string, events: readonly TypedEvent[], partition = 0): ConsumedRecord[] {
  return events.map((event, i) => ({
    kind: 'event',
    event: { ...event, schemaId: 1 } as DecodedEvent,
    message: { topic, partition, offset: String(i), key: null, value: null, headers: {}, timestamp: '0' },
  }));
}

function everything(tag: string) {
  const workload = generateWorkload({ tag, groups: 4, groupSize: 3 });
  const events: TypedEvent[] = [...workload.tasks.map((data) => ({ type: 'TaskDefined', data }) as TypedEvent), ...workload.rolloutEvents];
  return { workload, events, scope: { rolloutIds: workload.rolloutIds, taskIds: workload.tasks.map((t) => t.task_id) } };
}

describe('MaterializerWriter (PostgreSQL)', () => {
  it('writes batches with the checkpoint; the tables equal the model and re-delivery changes nothing', async () => {
    const tag = `w-${randomUUID()}`;
    const { events, scope } = everything(tag);
    const topic = `t-${tag}`;
    const writer = new MaterializerWriter(pool, `g-${tag}`);
    const all = records(topic, events);
    let applied = 0;
    for (let i = 0; i < all.length; i += 37) applied += (await writer.write([{ topic, partition: 0, records: all.slice(i, i + 37) }])).applied;
    expect(applied).toBe(events.length);
    expect(await readTables(pool, scope)).toEqual(expectedTables(events));
    const checkpoint = await pool.query('select next_offset from consumer_checkpoints where consumer_group = $1 and topic = $2', [`g-${tag}`, topic]);
    expect(checkpoint.rows).toEqual([{ next_offset: String(all.length) }]);

    // Re-delivery from offset 0 (a crash before the Kafka commit): everything is below the checkpoint.
    const again = await writer.write([{ topic, partition: 0, records: all }]);
    expect([again.applied, again.skipped, again.duplicates]).toEqual([0, all.length, 0]);
    // Another consumer group on the same events (or the same events published again): deduped by event_id.
    const other = await new MaterializerWriter(pool, `g2-${tag}`).write([{ topic, partition: 0, records: all }]);
    expect([other.applied, other.skipped, other.duplicates]).toEqual([0, 0, all.length]);
    expect(await readTables(pool, scope)).toEqual(expectedTables(events));
  });

  it('converges to the same rows when the events of rollouts arrive shuffled', async () => {
    const tag = `s-${randomUUID()}`;
    const { events, scope } = everything(tag);
    const topic = `t-${tag}`;
    const writer = new MaterializerWriter(pool, `g-${tag}`);
    const all = records(topic, shuffled(events, 5));
    for (let i = 0; i < all.length; i += 23) await writer.write([{ topic, partition: 0, records: all.slice(i, i + 23) }]);
    expect(await readTables(pool, scope)).toEqual(expectedTables(events));
  });

  it('isolates an event the database refuses and reports it as poison, writing the rest', async () => {
    const tag = `p-${randomUUID()}`;
    const { events, scope } = everything(tag);
    const topic = `t-${tag}`;
    const writer = new MaterializerWriter(pool, `g-${tag}`);
    // A turn_index beyond int4 passes Avro-level typing in this hand-made record but not Postgres.
    const bad = { ...events[5], data: { ...events[5].data, turn_index: 2 ** 40 } } as TypedEvent;
    if (bad.type !== 'TurnRecorded') throw new Error('fixture changed: expected a turn at index 5');
    const input = records(topic, [...events.slice(0, 5), bad, ...events.slice(6)]);
    await expect(writer.write([{ topic, partition: 0, records: input }])).rejects.toMatchObject({ code: '22003' });
    const result = await writer.write([{ topic, partition: 0, records: input }], { isolate: true });
    expect(result.poison.map((p) => [p.message.offset, p.error.code])).toEqual([['5', 'EVENT_REJECTED_BY_DATABASE']]);
    expect(result.applied).toBe(events.length - 1);
    expect(await readTables(pool, scope)).toEqual(expectedTables([...events.slice(0, 5), ...events.slice(6)]));
  });
});
