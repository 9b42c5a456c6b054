import { LedgerError } from '@rollout-ledger/contracts';
import type { ConsumedRecord } from '@rollout-ledger/kafka';
import { freshPoison, toOffsetRecords } from './assembler.consumer';

const message = (offset: string) => ({ topic: 't', partition: 0, offset, key: null, value: null, headers: {}, timestamp: '0' });

describe('toOffsetRecords', () => {
  it('given events, poison and a foreign type, then every offset is kept and only rollout events are carried', () => {
    const started = { type: 'RolloutCompleted', data: { event_id: 'e-1' }, schemaId: 3 };
    const records = [
      { kind: 'event', event: started, message: message('4') },
      { kind: 'poison', error: new LedgerError('EVENT_UNDECODABLE', 'bad'), message: message('5') },
      { kind: 'event', event: { type: 'TaskDefined', data: {}, schemaId: 4 }, message: message('6') },
    ] as unknown as ConsumedRecord[];
    expect(toOffsetRecords(records)).toEqual([
      { offset: '4', event: { type: 'RolloutCompleted', data: { event_id: 'e-1' } } },
      { offset: '5', event: null },
      { offset: '6', event: null },
    ]);
  });
});

describe('freshPoison', () => {
  it('given poison below and at a partition’s checkpoint, then only the records not applied before are returned', () => {
    const poison = (partition: number, offset: string) =>
      ({ kind: 'poison', error: new LedgerError('EVENT_UNDECODABLE', 'bad'), message: { ...message(offset), partition } }) as Extract<ConsumedRecord, { kind: 'poison' }>;
    const records = [poison(0, '3'), poison(0, '7'), poison(1, '2')];
    const fresh = freshPoison(records, [
      { topic: 't', partition: 0, offset: '7' },
      { topic: 't', partition: 1, offset: '0' },
    ]);
    expect(fresh.map((r) => `${r.message.partition}@${r.message.offset}`)).toEqual(['0@7', '1@2']);
  });
});
