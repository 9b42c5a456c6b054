import { LedgerError } from '@rollout-ledger/contracts';
import type { ConsumedRecord } from '@rollout-ledger/kafka';
import { toOffsetRecords } from './assembler.consumer';

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
