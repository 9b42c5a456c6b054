import type { RolloutEvent } from '@rollout-ledger/contracts';
import { completed, reward, started, toolCall, turn } from './trajectory.fixture';
import { TrajectoryBuilder } from './trajectory.builder';
import { buildTrajectory, evolveTrajectory, initialTrajectory } from './trajectory.projection';
import type { Trajectory } from './trajectory.types';

/** mulberry32: a small seeded PRNG so every failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fold(rolloutId: string, events: readonly RolloutEvent[]): Trajectory {
  return events.reduce(evolveTrajectory, initialTrajectory(rolloutId));
}

function build(rolloutId: string, events: readonly RolloutEvent[]): Trajectory {
  return new TrajectoryBuilder(rolloutId).applyAll(events).build();
}

/**
 * A random rollout full of the cases the convergence rules exist for: several RolloutStarted and
 * RolloutCompleted, retried turns and tool calls, recomputed rewards, equal occurred_at (event_id
 * breaks the tie), disagreeing run/group ids, exact re-deliveries and a reused event_id with other
 * content; then shuffled.
 */
function randomRollout(seed: number): RolloutEvent[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const time = (): number => 1_000 + Math.floor(random() * 20) * 5; // few distinct times → many ties
  const id = (kind: string): string => `${kind}-${Math.floor(random() * 1e6).toString(36)}`;
  const envelope = () => ({ run_id: pick(['run-1', 'run-1', 'run-0']), group_id: pick(['g-1', 'g-1', 'g-0']) });
  const events: RolloutEvent[] = [];
  const count = 5 + Math.floor(random() * 40);
  for (let i = 0; i < count; i++) {
    const kind = random();
    if (kind < 0.08) {
      const tools = pick(['[]', '[{"type":"function","function":{"name":"a"}}]']);
      events.push(started({ ...envelope(), event_id: id('s'), occurred_at: time(), attempt: Math.floor(random() * 4), tools, labels: { k: id('l') } }));
    } else if (kind < 0.6) {
      const index = Math.floor(random() * 8);
      const role = pick(['user', 'assistant', 'tool'] as const);
      const tokens = random() < 0.5 ? null : [1, 2, 3].slice(0, 1 + Math.floor(random() * 3));
      events.push(turn(index, { ...envelope(), event_id: id('t'), occurred_at: time(), role, content: id('c'), trainable: role === 'assistant', token_ids: tokens }));
    } else if (kind < 0.75) {
      events.push(toolCall(pick(['c1', 'c2', 'c10', 'b3']), { ...envelope(), event_id: id('x'), occurred_at: time(), result: id('r') }));
    } else if (kind < 0.9) {
      const key = { reward_fn: pick(['db-hash', 'len']), reward_fn_version: pick(['1', '2']), source: pick(['online', 'replay'] as const) };
      events.push(reward({ ...envelope(), ...key, event_id: id('w'), occurred_at: time(), reward: random() }));
    } else {
      const duration = random() < 0.5 ? null : Math.floor(random() * 500);
      events.push(completed({ ...envelope(), event_id: id('d'), occurred_at: time(), num_turns: Math.floor(random() * 8), duration_ms: duration }));
    }
  }
  const redelivered = events.filter(() => random() < 0.3);
  const reused = events.length > 1 ? [turn(0, { event_id: (events[0] as RolloutEvent).data.event_id, content: 'same id, other content' })] : [];
  const all = [...events, ...redelivered, ...reused];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j] as RolloutEvent, all[i] as RolloutEvent];
  }
  return all;
}

describe('TrajectoryBuilder', () => {
  it('given 1000 seeded random rollouts with duplicates and conflicts, then the builder equals the evolveTrajectory fold, keys in the same order', () => {
    for (let seed = 1; seed <= 1_000; seed++) {
      const events = randomRollout(seed);
      const expected = fold('r-1', events);
      const actual = build('r-1', events);

      expect({ seed, trajectory: actual }).toEqual({ seed, trajectory: expected });
      expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      expect(buildTrajectory(events)).toEqual(expected);
    }
  });

  it('given one random rollout in 200 orders, then every build is deep-equal to the fold of the first order', () => {
    const events = randomRollout(4242).filter((e, i, all) => all.findIndex((o) => o.data.event_id === e.data.event_id) === i);
    const expected = fold('r-1', events);

    for (let seed = 1; seed <= 200; seed++) {
      const random = prng(seed);
      const order = [...events].sort(() => random() - 0.5);
      expect(JSON.stringify(build('r-1', order))).toBe(JSON.stringify(expected));
    }
  });

  it('given a builder resumed from a folded prefix, when the rest is applied, then it equals the fold of everything', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const events = randomRollout(seed);
      const cut = seed % (events.length + 1);
      const prefix = fold('r-1', events.slice(0, cut));

      const resumed = TrajectoryBuilder.from(prefix);
      expect(resumed.build()).toBe(prefix);
      expect(JSON.stringify(resumed.applyAll(events.slice(cut)).build())).toBe(JSON.stringify(fold('r-1', events)));
    }
  });

  it('given many rollouts interleaved into one stream, when each goes to its own open builder, then each equals its own fold', () => {
    const rollouts = [1, 2, 3, 4].map((n) => randomRollout(n).map((e) => ({ ...e, data: { ...e.data, rollout_id: `r-${n}` } }) as RolloutEvent));
    const open = new Map<string, TrajectoryBuilder>();
    const longest = Math.max(...rollouts.map((r) => r.length));

    for (let i = 0; i < longest; i++) {
      for (const events of rollouts) {
        const event = events[i];
        if (event === undefined) continue;
        const id = event.data.rollout_id;
        if (!open.has(id)) open.set(id, new TrajectoryBuilder(id));
        open.get(id)?.apply(event);
      }
    }

    for (const [n, events] of rollouts.entries()) expect(open.get(`r-${n + 1}`)?.build()).toEqual(fold(`r-${n + 1}`, events));
  });

  it('given no change since the last build, then build returns the very same object; after a change, a new one', () => {
    const builder = new TrajectoryBuilder('r-1').apply(started()).apply(turn(0));
    const first = builder.build();

    expect(builder.apply(turn(0)).build()).toBe(first);
    const second = builder.apply(turn(1)).build();
    expect(second).not.toBe(first);
    expect(first.turns).toHaveLength(1);
    expect(second.turns).toHaveLength(2);
    expect(builder.eventCount).toBe(3);
    expect(builder.has('e-turn-1')).toBe(true);
  });

  it('given an event of another rollout, then apply refuses it and the builder is unchanged', () => {
    const builder = new TrajectoryBuilder('r-1').apply(turn(0));
    const before = builder.build();

    expect(() => builder.apply(turn(1, { rollout_id: 'r-2' }))).toThrow(/belongs to rollout r-2/);
    expect(builder.build()).toBe(before);
  });

  it('given a winning RolloutStarted whose tools are not a JSON array, then apply throws and leaves the builder as it was', () => {
    const builder = new TrajectoryBuilder('r-1').apply(turn(0));
    const before = builder.build();
    const bad = started({ event_id: 'e-bad', tools: '{"name":"x"}', run_id: 'run-0' });

    expect(() => builder.apply(bad)).toThrow(/must be a JSON array/);
    expect(() => evolveTrajectory(before, bad)).toThrow(/must be a JSON array/);
    expect(builder.build()).toBe(before);
    expect(builder.has('e-bad')).toBe(false);
  });

  it('given bad tools on a RolloutStarted that loses to an existing one, then, like the fold, it is recorded as seen without parsing', () => {
    const events = [started({ occurred_at: 5_000 }), started({ event_id: 'e-old', occurred_at: 1_000, tools: 'not json' })];

    expect(build('r-1', events)).toEqual(fold('r-1', events));
    expect(build('r-1', events).seen_event_ids).toEqual(['e-old', 'e-start']);
  });
});
