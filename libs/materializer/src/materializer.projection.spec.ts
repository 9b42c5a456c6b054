import { exampleEvents, isLedgerError, type TypedEvent } from '@rollout-ledger/contracts';
import { projectEvent } from './event-rows.projection';
import { applyWrites, emptyTables, type MaterializedTables } from './in-memory-tables';
import { countedRollouts, reduceWrites } from './row-merge';
import type { EventOrigin, RowWrites } from './row-writes';
import { generateWorkload, prng, shuffled } from './synthetic-workload.fixture';

const origin: EventOrigin = { topic: 'rollout.events', partition: 3, offset: '17', schemaId: 5 };
const e = exampleEvents();

function project(events: readonly TypedEvent[]): RowWrites[] {
  return events.map((event, i) => projectEvent(event, { ...origin, offset: String(i) }));
}

/** Applies writes in batches of random sizes, as a consumer would. */
function applyInBatches(writes: readonly RowWrites[], seed: number): MaterializedTables {
  const random = prng(seed);
  let tables = emptyTables();
  for (let i = 0; i < writes.length; ) {
    const size = 1 + Math.floor(random() * 40);
    tables = applyWrites(tables, writes.slice(i, i + size));
    i += size;
  }
  return tables;
}

/** The tables without the Kafka coordinates of the events (a re-delivery may come from another offset). */
function content(tables: MaterializedTables): unknown {
  const sorted = <V>(map: ReadonlyMap<string, V>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    events: sorted(tables.events).map(([id, row]) => [id, row.event_type, row.payload]),
    rollouts: sorted(tables.rollouts),
    turns: sorted(tables.turns),
    toolCalls: sorted(tables.toolCalls),
    rewards: sorted(tables.rewards),
    tasks: sorted(tables.tasks),
  };
}

describe('projectEvent', () => {
  it('writes the event log row with the Kafka coordinates, schema id and the decoded event as JSON', () => {
    const { event } = projectEvent({ type: 'TurnRecorded', data: e.TurnRecorded }, origin);
    expect(event).toEqual({
      event_id: e.TurnRecorded.event_id,
      event_type: 'TurnRecorded',
      rollout_id: e.TurnRecorded.rollout_id,
      group_id: e.TurnRecorded.group_id,
      run_id: e.TurnRecorded.run_id,
      topic: 'rollout.events',
      partition: 3,
      offset: '17',
      schema_id: 5,
      occurred_at: e.TurnRecorded.occurred_at,
      payload: JSON.stringify(e.TurnRecorded),
    });
    expect(JSON.parse(event.payload)).toEqual(e.TurnRecorded);
  });

  it('sets the start columns from RolloutStarted only and the completion columns from RolloutCompleted only', () => {
    const started = projectEvent({ type: 'RolloutStarted', data: e.RolloutStarted }, origin).rollout!;
    expect(started.completion).toBeNull();
    expect(started.start).toMatchObject({ event_id: e.RolloutStarted.event_id, task_id: 'retail-7', policy_version: 12, group_size: 8 });
    expect(JSON.parse(started.start!.tools)).toEqual(JSON.parse(e.RolloutStarted.tools));
    const completed = projectEvent({ type: 'RolloutCompleted', data: e.RolloutCompleted }, origin).rollout!;
    expect(completed.start).toBeNull();
    expect(completed.completion).toMatchObject({ termination_reason: e.RolloutCompleted.termination_reason, num_turns: e.RolloutCompleted.num_turns });
    const turn = projectEvent({ type: 'TurnRecorded', data: e.TurnRecorded }, origin);
    expect(turn.rollout).toEqual({ rollout_id: e.TurnRecorded.rollout_id, run_id: 'run-1', group_id: 'group-1', start: null, completion: null });
    expect(turn.row).toMatchObject({ table: 'turns', row: { turn_index: 2, token_ids: [151644, 77091, 198], logprobs: [-0.5, -0.25, -1.5], trainable: true } });
  });

  it('writes tasks from TaskDefined and no rollout patch', () => {
    const writes = projectEvent({ type: 'TaskDefined', data: e.TaskDefined }, { ...origin, topic: 'task.definitions' });
    expect(writes.rollout).toBeNull();
    expect(writes.event.rollout_id).toBeNull();
    expect(writes.row).toMatchObject({ table: 'tasks', row: { task_id: e.TaskDefined.task_id, evaluation: e.TaskDefined.evaluation } });
  });

  it('keeps the text "\\u0000" (a backslash, not a NUL) and stores the payload as the JSON of the event', () => {
    const data = { ...e.TurnRecorded, content: 'escape \\u0000 is text' };
    const writes = projectEvent({ type: 'TurnRecorded', data } as TypedEvent, origin);
    expect(writes.row).toMatchObject({ table: 'turns', row: { content: 'escape \\u0000 is text' } });
    expect(JSON.parse(writes.event.payload)).toEqual(data);
  });

  it.each([
    ['tools that are not JSON', { type: 'RolloutStarted', data: { ...e.RolloutStarted, tools: '[{' } }, /tools is not valid JSON/],
    ['reward details that are not JSON', { type: 'RewardAssigned', data: { ...e.RewardAssigned, details: 'nope' } }, /details is not valid JSON/],
    ['a task evaluation that is not JSON', { type: 'TaskDefined', data: { ...e.TaskDefined, evaluation: '' } }, /evaluation is not valid JSON/],
    ['a NUL character in content', { type: 'TurnRecorded', data: { ...e.TurnRecorded, content: 'a\u0000b' } }, /TurnRecorded\.content contains a NUL/],
    ['a NUL character in a label', { type: 'RolloutStarted', data: { ...e.RolloutStarted, labels: { k: 'x\u0000' } } }, /labels\.k contains a NUL/],
    ['a timestamp Postgres cannot hold', { type: 'TurnRecorded', data: { ...e.TurnRecorded, occurred_at: 9e15 } }, /not a writable timestamp/],
  ])('refuses %s as poison (EVENT_UNPROJECTABLE, not retriable)', (_name, event, reason) => {
    let caught: unknown;
    try {
      projectEvent(event as TypedEvent, origin);
    } catch (error) {
      caught = error;
    }
    expect(isLedgerError(caught, 'EVENT_UNPROJECTABLE')).toBe(true);
    expect((caught as Error).message).toMatch(reason);
    expect((caught as { retriable: boolean }).retriable).toBe(false);
  });
});

describe('the writes commute: the tables converge whatever the order, batching and duplication', () => {
  const workload = generateWorkload({ tag: 'conv', groups: 3, groupSize: 3, maxTurns: 9 });
  const base = [...workload.tasks.map((data) => ({ type: 'TaskDefined', data }) as TypedEvent), ...workload.rolloutEvents];
  const first = workload.rolloutIds[0];
  const pick = <T extends TypedEvent['type']>(type: T) => base.find((x) => x.type === type && (x.data as { rollout_id?: string }).rollout_id === first) as Extract<TypedEvent, { type: T }>;
  // Conflicting facts: a restarted rollout, a re-recorded turn, a re-run tool call that now fails,
  // a second online reward for the same identity, a redefined task. The greater stamp must win.
  const conflicts: TypedEvent[] = [
    { type: 'RolloutStarted', data: { ...pick('RolloutStarted').data, event_id: 'conv-x-start', occurred_at: pick('RolloutStarted').data.occurred_at + 1, policy_version: 999 } },
    { type: 'TurnRecorded', data: { ...pick('TurnRecorded').data, event_id: 'conv-x-turn', content: 'edited', occurred_at: pick('TurnRecorded').data.occurred_at + 5 } },
    { type: 'TurnRecorded', data: { ...pick('TurnRecorded').data, event_id: 'conv-a-older-turn', content: 'older', occurred_at: pick('TurnRecorded').data.occurred_at - 5 } },
    { type: 'RewardAssigned', data: { ...pick('RewardAssigned').data, event_id: 'conv-x-reward', reward: 0.25, occurred_at: pick('RewardAssigned').data.occurred_at } },
    { type: 'RolloutCompleted', data: { ...pick('RolloutCompleted').data, event_id: 'conv-x-done', termination_reason: 'error', occurred_at: pick('RolloutCompleted').data.occurred_at + 1 } },
    { type: 'TaskDefined', data: { ...workload.tasks[0], event_id: 'conv-x-task', description: 'v2', occurred_at: workload.tasks[0].occurred_at + 1 } },
  ];
  const tool = base.find((x) => x.type === 'ToolCallRecorded' && x.data.status === 'ok');
  if (tool?.type === 'ToolCallRecorded') conflicts.push({ type: 'ToolCallRecorded', data: { ...tool.data, event_id: 'conv-x-tool', status: 'timeout', result: null, error: 'timed out', occurred_at: tool.data.occurred_at + 1 } });
  const all = [...base, ...conflicts];
  const reference = content(applyWrites(emptyTables(), project(all)));

  it('one batch in publication order is the reference, and the greater stamp won every conflict', () => {
    const tables = applyWrites(emptyTables(), project(all));
    const rollout = tables.rollouts.get(first)!;
    expect(rollout.start?.policy_version).toBe(999);
    expect(rollout.completion?.termination_reason).toBe('error');
    const turn = pick('TurnRecorded').data;
    expect(tables.turns.get(`${first}\u0000${turn.turn_index}`)?.content).toBe('edited');
    const reward = [...tables.rewards.values()].find((r) => r.rollout_id === first && r.source === 'online');
    expect(reward?.event_id).toBe('conv-x-reward'); // same occurred_at: the greater event_id wins
    expect(tables.tasks.get(workload.tasks[0].task_id)?.description).toBe('v2');
    expect(tables.events.size).toBe(all.length);
  });

  it('counts turns and tool calls per rollout from the rows, once each', () => {
    const tables = applyWrites(emptyTables(), project(all));
    for (const rolloutId of workload.rolloutIds) {
      const turns = new Set(all.filter((x) => x.type === 'TurnRecorded' && x.data.rollout_id === rolloutId).map((x) => (x.data as { turn_index: number }).turn_index));
      const calls = new Map<string, boolean>();
      for (const x of all) if (x.type === 'ToolCallRecorded' && x.data.rollout_id === rolloutId && (!calls.has(x.data.tool_call_id) || x.data.event_id.startsWith('conv-x'))) calls.set(x.data.tool_call_id, x.data.status !== 'ok' || x.data.error !== null);
      const row = tables.rollouts.get(rolloutId)!;
      expect([row.turn_count, row.tool_call_count, row.tool_error_count]).toEqual([turns.size, calls.size, [...calls.values()].filter(Boolean).length]);
    }
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('shuffle %i, split into random batches, gives the same tables', (seed) => {
    const writes = project(shuffled(all, seed));
    expect(content(applyInBatches(writes, seed))).toEqual(reference);
  });

  it('every event delivered twice (re-delivery and double publication) changes nothing', () => {
    const twice = shuffled([...all, ...all], 99);
    expect(content(applyInBatches(project(twice), 7))).toEqual(reference);
    const tables = applyWrites(emptyTables(), project(all));
    expect(content(applyWrites(tables, project(all)))).toEqual(reference);
  });

  it('a reward before the completion and a tool record before its turn converge too', () => {
    const rewardFirst = [...all].sort((a, b) => rank(a) - rank(b));
    expect(content(applyInBatches(project(rewardFirst), 3))).toEqual(reference);
    function rank(x: TypedEvent): number {
      return ({ RewardAssigned: 0, ToolCallRecorded: 1, RolloutCompleted: 2, TurnRecorded: 3, RolloutStarted: 4, TaskDefined: 5, BatchAssembled: 6 } as const)[x.type];
    }
  });

  it('reduceWrites gives the same reduced batch whatever the order of its input', () => {
    const reduced = (seed: number) => {
      const batch = reduceWrites(project(shuffled(all, seed)));
      const byId = <T extends { event_id: string }>(rows: readonly T[]) => [...rows].sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
      return { ...batch, events: byId(batch.events).map((r) => r.event_id), turns: byId(batch.turns), toolCalls: byId(batch.toolCalls), rewards: byId(batch.rewards), tasks: byId(batch.tasks), rollouts: [...batch.rollouts].sort((a, b) => (a.rollout_id < b.rollout_id ? -1 : 1)), recount: [...batch.recount].sort() };
    };
    expect(reduced(11)).toEqual(reduced(12));
  });
});

describe('countedRollouts', () => {
  it("gives each rollout of a batch the counters of the batch's own turns and tool calls, as the model counts them", () => {
    const workload = generateWorkload({ tag: 'counted', groups: 3, groupSize: 4 });
    const writes = project(shuffled(workload.rolloutEvents, 3));
    const model = applyWrites(emptyTables(), writes);
    const counted = countedRollouts(reduceWrites(writes));
    expect(counted.map((r) => r.patch.rollout_id).sort()).toEqual([...workload.rolloutIds].sort());
    for (const r of counted) {
      const m = model.rollouts.get(r.patch.rollout_id);
      expect([r.turn_count, r.tool_call_count, r.tool_error_count]).toEqual([m?.turn_count, m?.tool_call_count, m?.tool_error_count]);
    }
    // The workload has failing tool calls, so the error counter is exercised.
    expect(counted.some((r) => r.tool_error_count > 0) && counted.some((r) => r.turn_count > 0)).toBe(true);
  });

  it('counts zero for a rollout with no turns or tool calls in the batch', () => {
    const started = e.RolloutStarted;
    const [only] = countedRollouts(reduceWrites(project([{ type: 'RolloutStarted', data: started }])));
    expect(only).toMatchObject({ turn_count: 0, tool_call_count: 0, tool_error_count: 0 });
    expect(only?.patch.rollout_id).toBe(started.rollout_id);
  });
});
