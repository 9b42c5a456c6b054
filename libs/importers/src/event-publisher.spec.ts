import { exampleEvents, type TypedEvent } from '@rollout-ledger/contracts';
import { publishEvents } from './event-publisher';

function events(n: number): TypedEvent[] {
  const { TurnRecorded } = exampleEvents();
  return Array.from({ length: n }, (_, i) => ({ type: 'TurnRecorded', data: { ...TurnRecorded, event_id: `e${i}`, turn_index: i } }));
}

describe('publishEvents', () => {
  it('sends the stream in order, in batches, one at a time', async () => {
    const sent: string[][] = [];
    let inFlight = 0;
    const stats = await publishEvents(events(7), {
      publish: async (batch) => {
        inFlight += 1;
        expect(inFlight).toBe(1);
        await Promise.resolve();
        sent.push(batch.map((e) => e.data.event_id));
        inFlight -= 1;
      },
    }, { batchSize: 3 });
    expect(sent).toEqual([['e0', 'e1', 'e2'], ['e3', 'e4', 'e5'], ['e6']]);
    expect(stats).toMatchObject({ events: 7, batches: 3 });
  });

  it('paces to the rate against the start time, reporting progress', async () => {
    let clock = 1_000;
    const waits: number[] = [];
    const progress: number[] = [];
    await publishEvents(events(10), { publish: async () => undefined }, {
      batchSize: 5,
      ratePerSecond: 5,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      onProgress: (n) => progress.push(n),
    });
    // 5 events at 5/s are due after 1 s, 10 after 2 s.
    expect(waits).toEqual([1_000, 1_000]);
    expect(progress).toEqual([5, 10]);
  });

  it('stops at the first failed batch without sending the rest', async () => {
    let calls = 0;
    await expect(publishEvents(events(6), { publish: async () => { calls += 1; if (calls === 1) throw new Error('broker down'); } }, { batchSize: 2 })).rejects.toThrow('broker down');
    expect(calls).toBe(1);
  });
});
