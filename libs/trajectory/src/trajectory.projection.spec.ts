import { isLedgerError, type RolloutEvent } from '@rollout-ledger/contracts';
import { completed, reward, started, toolCall, turn } from './trajectory.fixture';
import { buildTrajectory, evolveTrajectory, initialTrajectory } from './trajectory.projection';

function rolloutEvents(): RolloutEvent[] {
  return [
    started(),
    turn(0, { role: 'user', content: 'I want to return order #W1' }),
    turn(1, { role: 'assistant', content: null, trainable: true, tool_calls: [{ id: 'c1', name: 'get_order_details', arguments: '{"order_id":"#W1"}' }] }),
    toolCall('c1'),
    turn(2, { role: 'tool', content: '{"status":"delivered"}', tool_call_id: 'c1', name: 'get_order_details' }),
    turn(3, { role: 'assistant', content: 'Your order is delivered.', trainable: true }),
    completed(),
    reward(),
    reward({ event_id: 'e-reward-replay', source: 'replay', reward: 0, components: { db_match: 0 }, occurred_at: 5_000 }),
  ];
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('trajectory projection', () => {
  it('given a full rollout in order, when built, then it holds every fact of the rollout', () => {
    const trajectory = buildTrajectory(rolloutEvents());

    expect(trajectory).toMatchObject({
      rollout_id: 'r-1',
      run_id: 'run-1',
      group_id: 'g-1',
      task_id: 'retail-0',
      domain: 'retail',
      policy_version: 7,
      group_size: 4,
      attempt: 2,
      status: 'completed',
      termination_reason: 'user_stop',
      num_turns: 4,
      final_state_hash: 'abc',
      started_at: 1_000,
      completed_at: 1_090,
      duration_ms: 90,
    });
    expect(trajectory.tools).toEqual([{ type: 'function', function: { name: 'get_order_details', parameters: {} } }]);
    expect(trajectory.turns.map((t) => t.turn_index)).toEqual([0, 1, 2, 3]);
    expect(Object.keys(trajectory.tool_calls)).toEqual(['c1']);
    expect(trajectory.rewards.map((r) => [r.source, r.reward])).toEqual([
      ['online', 1],
      ['replay', 0],
    ]);
    expect(trajectory.seen_event_ids).toHaveLength(9);
  });

  it('given only a RolloutStarted, then the rollout is running with no completion facts', () => {
    const trajectory = evolveTrajectory(initialTrajectory('r-1'), started());

    expect(trajectory.status).toBe('running');
    expect(trajectory.completed_at).toBeNull();
    expect(trajectory.duration_ms).toBeNull();
  });

  it('given a reported duration, then it wins over completed_at − started_at', () => {
    const trajectory = buildTrajectory([completed({ duration_ms: 42 }), started()]);

    expect(trajectory.duration_ms).toBe(42);
    expect(trajectory.reported_duration_ms).toBe(42);
  });

  it('given every event delivered twice, then the state equals a single delivery', () => {
    const events = rolloutEvents();

    expect(buildTrajectory([...events, ...events])).toEqual(buildTrajectory(events));
  });

  it('given a re-delivered event, then evolve returns the very same state', () => {
    const state = buildTrajectory(rolloutEvents());

    expect(evolveTrajectory(state, turn(1))).toBe(state);
  });

  it('given the rollout events in every order, then all states are deep-equal', () => {
    // 7! = 5040 orders of the reordering-sensitive events: start, completion, rewards, tool record, turns.
    const events = [started(), turn(0), turn(1, { role: 'assistant', trainable: true }), toolCall('c1'), completed(), reward(), reward({ event_id: 'e-r2', source: 'replay', occurred_at: 4_000 })];
    const expected = buildTrajectory(events);

    for (const order of permutations(events)) expect(buildTrajectory(order)).toEqual(expected);
    expect(JSON.stringify(buildTrajectory([...events].reverse()))).toBe(JSON.stringify(expected));
  });

  it('given 500 seeded shuffles of a rollout with conflicting and duplicate events, then all states are deep-equal', () => {
    const events = [
      ...rolloutEvents(),
      turn(1, { event_id: 'e-turn-1-retry', occurred_at: 1_030, content: 'retried', role: 'assistant', trainable: true }),
      reward({ event_id: 'e-reward-recomputed', occurred_at: 1_200, reward: 0 }),
      toolCall('c0', { turn_index: null, occurred_at: 1_015 }),
      started({ event_id: 'e-start-dup', occurred_at: 1_000, attempt: 3 }),
    ];
    const expected = buildTrajectory(events);

    for (let seed = 1; seed <= 500; seed++) {
      const shuffled = seededShuffle([...events, ...events.slice(0, 4)], seed);
      expect(JSON.stringify(buildTrajectory(shuffled))).toBe(JSON.stringify(expected));
    }
  });

  it('given two different events for one turn_index, then the later one (by occurred_at) is kept', () => {
    const trajectory = buildTrajectory([
      turn(1, { event_id: 'late', occurred_at: 2_000, content: 'second' }),
      turn(1, { event_id: 'early', occurred_at: 1_500, content: 'first' }),
    ]);

    expect(trajectory.turns).toHaveLength(1);
    expect(trajectory.turns[0]?.content).toBe('second');
    expect(trajectory.seen_event_ids).toEqual(['early', 'late']);
  });

  it('given the same reward key twice with different events, then the latest occurred_at is kept, event_id breaking ties', () => {
    const later = buildTrajectory([reward({ event_id: 'a', occurred_at: 2_000, reward: 0 }), reward({ event_id: 'b', occurred_at: 1_000, reward: 1 })]);
    const tie = buildTrajectory([reward({ event_id: 'b', occurred_at: 1_000, reward: 0.5 }), reward({ event_id: 'a', occurred_at: 1_000, reward: 1 })]);

    expect(later.rewards.map((r) => r.reward)).toEqual([0]);
    expect(tie.rewards.map((r) => r.reward)).toEqual([0.5]);
  });

  it('given two RolloutStarted for one rollout, then the greater (occurred_at, event_id) wins in any order', () => {
    const a = started({ event_id: 'a', occurred_at: 1_000, attempt: 1 });
    const b = started({ event_id: 'b', occurred_at: 1_000, attempt: 5 });

    expect(buildTrajectory([a, b]).attempt).toBe(5);
    expect(buildTrajectory([b, a]).attempt).toBe(5);
  });

  it('given an event of another rollout, then it refuses it with a validation error', () => {
    const other = turn(0, { rollout_id: 'r-2' });

    expect(() => evolveTrajectory(initialTrajectory('r-1'), other)).toThrow(/belongs to rollout r-2/);
  });

  it('given tools that are not a JSON array, then it raises a non-retriable VALIDATION_FAILED', () => {
    expect.assertions(2);
    try {
      buildTrajectory([started({ tools: '{"name":"x"}' })]);
    } catch (error) {
      expect(isLedgerError(error, 'VALIDATION_FAILED')).toBe(true);
      expect(isLedgerError(error) && error.retriable).toBe(false);
    }
  });

  it('given no events, then buildTrajectory refuses', () => {
    expect(() => buildTrajectory([])).toThrow(/at least one event/);
  });
});
