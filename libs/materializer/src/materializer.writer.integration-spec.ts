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

  it('settles a turn and a tool call recorded again under new event ids by stamp, also in a batch that starts new rollouts', async () => {
    const tag = `r-${randomUUID()}`;
    const { workload, events, scope } = everything(tag);
    const topic = `t-${tag}`;
    const writer = new MaterializerWriter(pool, `g-${tag}`);
    const lastRollout = workload.rolloutIds[workload.rolloutIds.length - 1] as string;
    const firstPart = events.filter((e) => !('rollout_id' in e.data) || e.data.rollout_id !== lastRollout);
    const lastPart = events.filter((e) => 'rollout_id' in e.data && e.data.rollout_id === lastRollout);
    const turn = firstPart.find((e) => e.type === 'TurnRecorded' && e.data.role === 'assistant');
    const call = firstPart.find((e) => e.type === 'ToolCallRecorded');
    if (turn?.type !== 'TurnRecorded' || call?.type !== 'ToolCallRecorded') throw new Error('fixture changed: expected an assistant turn and a tool call');
    // Same keys, new event ids: the turn re-recorded later (it wins), the tool call with an earlier stamp (it loses).
    const newerTurn = { type: 'TurnRecorded', data: { ...turn.data, event_id: `${tag}-turn-again`, content: 'recorded again', occurred_at: turn.data.occurred_at + 1 } } as TypedEvent;
    const olderCall = { type: 'ToolCallRecorded', data: { ...call.data, event_id: `${tag}-call-again`, result: 'stale', occurred_at: call.data.occurred_at - 1 } } as TypedEvent;
    const all = records(topic, [...firstPart, newerTurn, olderCall, ...lastPart]);
    await writer.write([{ topic, partition: 0, records: all.slice(0, firstPart.length) }]);
    // The second batch COPYs the new rollout's rows directly until the re-recorded keys collide, then merges all of it.
    const second = await writer.write([{ topic, partition: 0, records: all.slice(firstPart.length) }]);
    expect(second.applied).toBe(2 + lastPart.length);
    const expected = expectedTables([...firstPart, newerTurn, olderCall, ...lastPart]);
    expect(await readTables(pool, scope)).toEqual(expected);
    const stored = await pool.query('select content, event_id from turns where rollout_id = $1 and turn_index = $2', [turn.data.rollout_id, turn.data.turn_index]);
    expect(stored.rows).toEqual([{ content: 'recorded again', event_id: `${tag}-turn-again` }]);
    const kept = await pool.query('select event_id from tool_calls where rollout_id = $1 and tool_call_id = $2', [call.data.rollout_id, call.data.tool_call_id]);
    expect(kept.rows).toEqual([{ event_id: call.data.event_id }]);
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
