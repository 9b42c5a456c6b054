import type { RolloutEvent } from '@rollout-ledger/contracts';
import { completed, rewarded, rollout, started } from './group.fixture';
import { buildGroup, evolveGroup, initialGroup } from './group.state';

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let s = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('group state', () => {
  const events: RolloutEvent[] = [
    ...rollout(0, 1),
    ...rollout(1, 0),
    rewarded('r-1', 1, { event_id: 'replayed', source: 'replay', occurred_at: 9_000 }),
    rewarded('r-0', 0, { event_id: 'recomputed', occurred_at: 3_000 }),
  ];

  it('given the events of two rollouts, then members hold start, completion and one reward per key', () => {
    const group = buildGroup('g-1', events);

    expect(Object.keys(group.members)).toEqual(['r-0', 'r-1']);
    expect(group.members['r-0']?.start).toMatchObject({ group_size: 4, policy_version: 10, attempt: 0, task_id: 'airline-3' });
    expect(group.members['r-0']?.completion?.termination_reason).toBe('user_stop');
    expect(group.members['r-0']?.rewards.map((r) => [r.event_id, r.reward])).toEqual([['recomputed', 0]]);
    expect(group.members['r-1']?.rewards.map((r) => r.source)).toEqual(['online', 'replay']);
    expect(group.first_event_at).toBe(1_000);
    expect(group.last_event_at).toBe(9_000);
  });

  it('given 200 seeded shuffles with duplicates, then every state is identical', () => {
    const expected = JSON.stringify(buildGroup('g-1', events));

    for (let seed = 1; seed <= 200; seed++) {
      expect(JSON.stringify(buildGroup('g-1', shuffle([...events, ...events.slice(0, 3)], seed)))).toBe(expected);
    }
  });

  it('given a re-delivered event, then the same state object comes back', () => {
    const group = buildGroup('g-1', events);

    expect(evolveGroup(group, completed('r-0'))).toBe(group);
  });

  it('given an event of another group, then it is refused', () => {
    expect(() => evolveGroup(initialGroup('g-2'), started(0))).toThrow(/belongs to group g-1, not g-2/);
  });
});
