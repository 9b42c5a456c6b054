import type { ConsumedRecord } from '@rollout-ledger/kafka';
import { exampleEvents, isLedgerError, type TypedEvent } from '@rollout-ledger/contracts';
import { encodeWrites, prepareInSteps, prepareNow, type PartitionRecords } from './prepared-write';

const e = exampleEvents();

function record(event: TypedEvent, offset: number): ConsumedRecord {
  return { kind: 'event', event: { ...event, schemaId: 7 } as never, message: { topic: 't', partition: 0, offset: String(offset), key: null, value: null, headers: {}, timestamp: '0' } };
}

describe('preparing a write ahead of its transaction', () => {
  const turn = { type: 'TurnRecorded', data: e.TurnRecorded } as TypedEvent;
  const started = { type: 'RolloutStarted', data: e.RolloutStarted } as TypedEvent;
  const broken = { type: 'RolloutStarted', data: { ...e.RolloutStarted, event_id: 'broken', tools: '[{' } } as TypedEvent;
  const batches: PartitionRecords[] = [{ topic: 't', partition: 0, records: [record(started, 0), record(turn, 1), record(turn, 2), record(broken, 3)] }];

  it('projects every event record, keeps the first occurrence of an event id and names the unprojectable', () => {
    const prepared = prepareNow(batches);
    expect(prepared.writes.map((w) => w.event.offset)).toEqual(['0', '1']);
    expect(prepared.projected.size).toBe(4);
    expect(isLedgerError(prepared.projected.get(batches[0].records[3]), 'EVENT_UNPROJECTABLE')).toBe(true);
    expect(prepared.encoded.batch.turns).toHaveLength(1);
    expect(Buffer.concat(prepared.encoded.events).toString().split('\n')).toHaveLength(3);
  });

  it('encodes the same bytes in steps as at once', async () => {
    const stepped = await prepareInSteps(batches);
    const direct = encodeWrites(prepareNow(batches).writes);
    for (const table of ['events', 'rollouts', 'turns', 'toolCalls', 'rewards', 'tasks'] as const) {
      expect(Buffer.concat(stepped.encoded[table]).equals(Buffer.concat(direct[table]))).toBe(true);
    }
  });
});
