import type { RolloutEvent } from '@rollout-ledger/contracts';
import { initialGroup, type GroupState } from '@rollout-ledger/grpo';
import { PendingEventsBuffer, type GroupPosition } from './pending-events.buffer';

const event = (groupId: string, eventId: string, type: RolloutEvent['type'] = 'TurnRecorded'): RolloutEvent =>
  ({ type, data: { event_id: eventId, group_id: groupId, rollout_id: `${groupId}-r0` } }) as unknown as RolloutEvent;

const position = (groupId: string, firstOffset: number, seen: string[], partition = 0): GroupPosition => ({
  group_id: groupId,
  kafka_topic: 't',
  kafka_partition: partition,
  first_offset: String(firstOffset),
  state: { ...initialGroup(groupId), seen_event_ids: seen } as GroupState,
});

describe('PendingEventsBuffer', () => {
  it('given rows rendered for a group, then a new event of it voids them and a re-read one does not', () => {
    const buffer = new PendingEventsBuffer();
    buffer.add('t', 0, 10n, event('g', 'e1', 'RolloutStarted'));
    const rendered = { key: 'k', members: [] };
    buffer.keepRendered('g', rendered);
    buffer.add('t', 0, 10n, event('g', 'e1', 'RolloutStarted'));
    expect(buffer.renderedOf('g')).toBe(rendered);
    buffer.add('t', 0, 11n, event('g', 'e2'));
    expect(buffer.renderedOf('g')).toBeNull();
    buffer.keepRendered('other', rendered);
    expect(buffer.renderedOf('other')).toBeNull();
  });

  it('given the same event added twice (a re-read), then the group holds it once', () => {
    const buffer = new PendingEventsBuffer();
    buffer.startReading('t', 0, 10n);
    buffer.add('t', 0, 10n, event('g', 'e1', 'RolloutStarted'));
    buffer.add('t', 0, 11n, event('g', 'e2'));
    buffer.add('t', 0, 10n, event('g', 'e1', 'RolloutStarted'));
    expect(buffer.eventsOf('g').map((e) => e.data.event_id)).toEqual(['e1', 'e2']);
  });

  it('given undecided groups, then a partition replays from its oldest group’s first offset, else from the checkpoint', () => {
    const buffer = new PendingEventsBuffer();
    buffer.add('t', 0, 40n, event('late', 'a'));
    buffer.add('t', 0, 12n, event('old', 'b'));
    buffer.add('t', 1, 5n, event('other', 'c'));
    expect(buffer.replayFrom('t', 0, 90n)).toBe(12n);
    buffer.drop(['old']);
    expect(buffer.replayFrom('t', 0, 90n)).toBe(40n);
    buffer.drop(['late']);
    expect(buffer.replayFrom('t', 0, 90n)).toBe(90n);
    expect(buffer.replayFrom('t', 1, 90n)).toBe(5n);
  });

  it('given a group read from its first event with every stored fact, then it can be built; a missing fact or a late start cannot', () => {
    const buffer = new PendingEventsBuffer();
    expect(buffer.startReading('t', 0, 10n)).toBe(true);
    expect(buffer.startReading('t', 0, 3n)).toBe(false);
    buffer.add('t', 0, 10n, event('g', 's1', 'RolloutStarted'));
    buffer.add('t', 0, 11n, event('g', 't1'));
    expect(buffer.canBuild(position('g', 10, ['s1']))).toBe(true);
    // The stored state folded a reward this process never read: another instance applied it.
    expect(buffer.canBuild(position('g', 10, ['s1', 'reward-elsewhere']))).toBe(false);
    // The group started before this process began reading the partition: its first events are missing.
    expect(buffer.canBuild(position('g', 7, ['s1']))).toBe(false);
    expect(buffer.canBuild(position('absent', 10, []))).toBe(false);
  });

  it('given rows committed for some groups, then only those are persisted', () => {
    const buffer = new PendingEventsBuffer();
    buffer.add('t', 0, 1n, event('a', 'x'));
    buffer.add('t', 0, 2n, event('b', 'y'));
    buffer.markPersisted(['a', 'missing']);
    expect([buffer.isPersisted('a'), buffer.isPersisted('b'), buffer.isPersisted('missing')]).toEqual([true, false, false]);
    expect(buffer.firstOffsetOf('b')).toBe(2n);
  });
});
