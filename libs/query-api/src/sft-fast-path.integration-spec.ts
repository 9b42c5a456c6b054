import { PassThrough } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { loadConnectionConfig } from '@rollout-ledger/config';
import { runExport, sftRecord, trajectoriesOf } from '@rollout-ledger/exports';
import { createDatabase, type Database } from '@rollout-ledger/persistence';
import { RolloutRepository, type RolloutFilter } from '@rollout-ledger/query';
import { deleteRun, groupEvents, insertHistory } from './history.fixture';

// Strings that exercise every JSON escaping rule: quotes, backslashes, each control character,
// DEL, U+2028/2029 (JSON.stringify leaves them raw), astral characters and the empty string.
const CONTROL = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('');
const TRICKY = [`quote " backslash \\ slash / ${CONTROL} del \u007f line-sep \u2028\u2029 emoji 😀 é 中文`, '', '\\u0041 not an escape', '{"json":"in text"}'];

/**
 * The SFT export's Postgres-rendered fast path must write exactly the bytes of the reference
 * renderer (trajectoriesOf → sftRecord → JSON.stringify), including the rollouts it hands back to
 * the reference renderer, at every page size and with weights on and off.
 */
describe('sft export fast path = reference renderer, byte for byte', () => {
  let db: Database;
  let repository: RolloutRepository;
  const runId = `run-sft-fast-${randomUUID()}`;

  beforeAll(async () => {
    db = createDatabase(loadConnectionConfig(process.env).DATABASE_URL, { max: 6 });
    repository = new RolloutRepository(db);
    const groups = [
      ...groupEvents({ run_id: runId, task_id: 'task-1', rewards: [1, 0, 1], toolError: [false, true, false] }),
      ...groupEvents({ run_id: runId, task_id: 'task-2', rewards: [0, 1], withTokens: true }),
    ];
    // Tricky content in every role, a system turn, a tool turn left empty (content comes from the
    // environment's record), and a rollout with no system prompt.
    groups[0] = groups[0]!.map((event, i) => {
      if (event.type === 'TurnRecorded') return { ...event, data: { ...event.data, content: event.data.role === 'assistant' && event.data.tool_calls.length > 0 ? null : TRICKY[i % TRICKY.length]! } };
      if (event.type === 'RolloutStarted') return { ...event, data: { ...event.data, system_prompt: TRICKY[0]! } };
      return event;
    });
    groups[1] = groups[1]!.map((event) =>
      event.type === 'TurnRecorded' && event.data.role === 'tool' ? { ...event, data: { ...event.data, content: null } } : event,
    );
    groups[2] = groups[2]!.map((event) => {
      if (event.type === 'RolloutStarted') return { ...event, data: { ...event.data, system_prompt: null } };
      if (event.type === 'TurnRecorded' && event.data.turn_index === 0) return { ...event, data: { ...event.data, role: 'system' as const, content: 'system as a turn' } };
      return event;
    });
    await insertHistory(db, groups);
    const ids = groups.map((events) => events[0]!.data.rollout_id);
    // Shapes only the reference renderer covers: rows written by hand, not by the materializer.
    await db('turns').where({ rollout_id: ids[3], turn_index: 1 }).update({ tool_calls: JSON.stringify([{ id: 7, name: 'get_order', arguments: { order_id: 'W1' } }]) });
    await db('turns').where({ rollout_id: ids[4], turn_index: 1 }).update({ tool_calls: JSON.stringify({ not: 'an array' }) });
    // Tools as a JSON text inside jsonb, with keys whose order JSON.parse changes, and absent tools.
    await db('rollouts').where({ rollout_id: ids[0] }).update({ tools: JSON.stringify(JSON.stringify([{ b: 1.0, 10: 'x', a: [1e21, 0.1] }])) });
    await db('rollouts').where({ rollout_id: ids[1] }).update({ tools: null });
    await db('turns').where({ rollout_id: ids[1] }).delete();
    await db('rollouts').where({ rollout_id: ids[1] }).update({ turn_count: 0 });
  });

  afterAll(async () => {
    await deleteRun(db, runId);
    await db.destroy();
  });

  async function reference(filter: RolloutFilter, weights: boolean): Promise<string> {
    let text = '';
    for await (const trajectory of trajectoriesOf(repository, filter, 100)) text += `${JSON.stringify(sftRecord(trajectory, { weights }))}\n`;
    return text;
  }

  async function fast(filter: RolloutFilter, weights: boolean, pageSize: number): Promise<string> {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const summary = await runExport({
      repository,
      filter,
      options: { format: 'sft', fileFormat: 'jsonl', advantage: 'grpo', weights },
      out,
      pageSize,
      rowGroupSize: 10,
    });
    expect(summary.trajectories).toBe(5);
    return Buffer.concat(chunks).toString('utf8');
  }

  it.each([
    [1, false],
    [2, true],
    [3, false],
    [500, true],
  ])('page size %i, weights %s', async (pageSize, weights) => {
    const filter = { run_id: runId };
    const expected = await reference(filter, weights);
    expect(expected.split('\n')).toHaveLength(6);
    expect(expected).toContain('\\u001f');
    expect(expected).toContain('"id":7'); // a fallback row really is in the data
    expect(await fast(filter, weights, pageSize)).toBe(expected);
  });

  it('applies the shared filters like the reference (reward range through the selected reward)', async () => {
    const filter: RolloutFilter = { run_id: runId, min_reward: 1 };
    const expected = await reference(filter, false);
    expect(expected.trimEnd().split('\n')).toHaveLength(3);
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    await runExport({ repository, filter, options: { format: 'sft', fileFormat: 'jsonl', advantage: 'grpo', weights: false }, out, pageSize: 2, rowGroupSize: 10 });
    expect(text).toBe(expected);
  });
});
