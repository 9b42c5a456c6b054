import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { deleteRun, groupEvents, insertHistory } from './history.fixture';
import { EXPORT_KEY, READ_KEY, startQueryApi, type QueryApiHarness } from './query-api.fixture';

const root = join(__dirname, '..', '..', '..');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'rollout-ledger.js'), ...args], { cwd: root, encoding: 'utf8', env: process.env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function duck(sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
  }
}

describe('dataset exports (HTTP and CLI)', () => {
  let api: QueryApiHarness;
  let runId: string;
  const dir = mkdtempSync(join(tmpdir(), 'exports-'));
  const g1 = `g1-${randomUUID()}`;
  const g2 = `g2-${randomUUID()}`;
  const g3 = `g3-${randomUUID()}`;

  beforeAll(async () => {
    api = await startQueryApi();
    runId = api.runId;
    await insertHistory(api.db, [
      ...groupEvents({ run_id: runId, group_id: g1, task_id: 'task-1', policy_version: 2, rewards: [1, 0, 0, 1], withTokens: true, replayRewards: [1, 1, 0, 0] }),
      ...groupEvents({ run_id: runId, group_id: g2, task_id: 'task-2', policy_version: 3, rewards: [1, 1], toolError: [true, false] }),
      ...groupEvents({ run_id: runId, group_id: g3, task_id: 'task-3', domain: 'airline', policy_version: 3, rewards: [0.5] }),
    ]);
  });

  afterAll(async () => {
    await deleteRun(api.db, runId);
    await api.close();
  });

  const exportText = async (format: string, query = '') => {
    const response = await api.get(`/v1/exports/${format}?run_id=${encodeURIComponent(runId)}${query}`, EXPORT_KEY);
    expect(response.status).toBe(200);
    return { contentType: response.headers.get('content-type'), text: await response.text() };
  };
  const lines = (text: string) => text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);

  it('sft: OpenAI fine-tuning JSONL with tool calls as JSON strings, tool results and optional weights', async () => {
    const { text, contentType } = await exportText('sft', '&min_reward=1');
    expect(contentType).toContain('application/x-ndjson');
    const records = lines(text);
    expect(records).toHaveLength(4);
    const first = records[0] as Record<string, any>;
    expect(Object.keys(first)).toEqual(['messages', 'tools', 'parallel_tool_calls']);
    expect(first.parallel_tool_calls).toBe(false);
    expect(first.tools[0].function.name).toBe('get_order');
    expect(first.messages.map((m: any) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(first.messages[2]).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'call-0', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"#W0"}' } }] });
    expect(first.messages[3]).toEqual({ role: 'tool', tool_call_id: 'call-0', content: '{"status":"delivered","attempt":0}' });
    const weighted = lines((await exportText('sft', '&min_reward=1&weights=true')).text);
    expect(weighted[0]?.messages[2].weight).toBe(1);
  });

  it('trl: conversational with tools and tool-call arguments as objects', async () => {
    const records = lines((await exportText('trl', `&task_id=task-2`)).text);
    expect(records).toHaveLength(2);
    const assistant = records[0]?.messages[2];
    expect(assistant.tool_calls[0]).toEqual({ id: 'call-0', type: 'function', function: { name: 'get_order', arguments: { order_id: '#W0' } } });
    expect(records[0]?.messages[3]).toEqual({ role: 'tool', tool_call_id: 'call-0', name: 'get_order', content: 'Error: order service timed out' });
    expect(records[0]?.tools[0].type).toBe('function');
  });

  it('rl JSONL: one row per trajectory with GRPO advantages per group and token fields', async () => {
    const rows = lines((await exportText('rl', '&advantage=grpo')).text);
    expect(rows.map((r) => r.group_id)).toEqual([g1, g1, g1, g1, g2, g2, g3]);
    const group1 = rows.slice(0, 4);
    // rewards 1,0,0,1: mean 0.5, unbiased std 0.57735 → ±0.866
    expect(group1.map((r) => Number(r.advantage.toFixed(4)))).toEqual([0.866, -0.866, -0.866, 0.866]);
    expect(rows[4]?.advantage).toBe(0); // equal rewards → 0
    expect(rows[6]?.advantage).toBeCloseTo(0.5, 5); // a group of one: A = r (verl)
    expect(group1[0]).toMatchObject({ run_id: runId, task_id: 'task-1', policy_version: 2, reward: 1, reward_fn: 'db-hash', advantage_mode: 'grpo' });
    expect(group1[0]?.token_ids).toEqual([1, 2, 3, 10, 11, 20, 30, 31, 32]);
    expect(group1[0]?.loss_mask).toEqual([0, 0, 0, 1, 1, 0, 1, 1, 1]);
    expect(group1[0]?.rewards.map((r: any) => r.reward_fn)).toEqual(['db-hash', 'db-hash-outputs']);
    const rloo = lines((await exportText('rl', '&advantage=rloo&task_id=task-1&reward_fn=db-hash-outputs@1')).text);
    // replay rewards 1,1,0,0: r − mean(others) = 1 − 1/3, 1 − 1/3, 0 − 2/3, 0 − 2/3
    expect(rloo.map((r) => Number(r.advantage.toFixed(4)))).toEqual([0.6667, 0.6667, -0.6667, -0.6667]);
    expect(rloo[0]?.reward_source).toBe('replay');
  });

  it('dpo: highest against lowest reward of each group, skipping ties', async () => {
    const pairs = lines((await exportText('dpo')).text);
    expect(pairs).toHaveLength(1); // g2 is a tie (1, 1); g3 has one member
    const pair = pairs[0] as Record<string, any>;
    expect(pair).toMatchObject({ group_id: g1, chosen_rollout_id: `${g1}-r0`, rejected_rollout_id: `${g1}-r2`, chosen_reward: 1, rejected_reward: 0 });
    expect(pair.prompt.map((m: any) => m.role)).toEqual(['system']);
    expect(pair.chosen[0].content).toContain('#W0');
    expect(pair.rejected[0].content).toContain('#W2');
  });

  it('verl and rl Parquet over HTTP are read by DuckDB', async () => {
    const response = await api.get(`/v1/exports/verl?run_id=${encodeURIComponent(runId)}`, EXPORT_KEY);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const file = join(dir, 'verl.parquet');
    require('node:fs').writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const rows = await duck(`select rollout_id, len(messages) as n, messages[3].tool_calls[1].function.arguments as args, messages[4].role as tool_role, tools, reward from read_parquet('${file}') order by rollout_id`);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({ rollout_id: `${g1}-r0`, n: '5', args: '{"order_id":"#W0"}', tool_role: 'tool', reward: 1 });
    expect(JSON.parse(String(rows[0]?.tools))[0].function.name).toBe('get_order');
  });

  it('refuses bad export requests with 400 naming the parameter, and needs scope export', async () => {
    const cases: Array<[string, string]> = [
      ['/v1/exports/csv', 'format'],
      ['/v1/exports/rl?advantage=ppo', 'advantage'],
      ['/v1/exports/sft?format_file=parquet', 'format_file'],
      ['/v1/exports/sft?min_reward=lots', 'min_reward'],
    ];
    for (const [path, parameter] of cases) {
      const response = await api.get(path, EXPORT_KEY);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toContain(parameter);
    }
    expect((await api.get('/v1/exports/sft', READ_KEY)).status).toBe(403);
    expect((await api.get('/v1/exports/sft')).status).toBe(401);
  });

  it('CLI: same filters, byte-identical reruns, Parquet by extension, bad input named', async () => {
    const out1 = join(dir, 'a.parquet');
    const out2 = join(dir, 'b.parquet');
    for (const out of [out1, out2]) {
      const result = cli(['export', 'rl', '--out', out, '--run-id', runId, '--advantage', 'grpo_no_std', '--policy-version', '2..3']);
      expect(result.stderr).toContain('wrote 7 rl records (parquet)');
      expect(result.status).toBe(0);
    }
    expect(readFileSync(out1).equals(readFileSync(out2))).toBe(true);
    const rows = await duck(`select rollout_id, advantage, token_ids, loss_mask, policy_version from read_parquet('${out1}') order by group_id, rollout_id`);
    expect(rows[0]).toMatchObject({ rollout_id: `${g1}-r0`, advantage: 0.5, policy_version: '2' });
    expect(rows[0]?.token_ids).toEqual([1, 2, 3, 10, 11, 20, 30, 31, 32]);

    const sft1 = join(dir, 'a.jsonl');
    const sft2 = join(dir, 'b.jsonl');
    for (const out of [sft1, sft2]) expect(cli(['export', 'sft', '--out', out, '--run-id', runId, '--min-reward', '1', '--task', 'task-1']).status).toBe(0);
    expect(readFileSync(sft1).equals(readFileSync(sft2))).toBe(true);
    expect(readFileSync(sft1, 'utf8').trimEnd().split('\n')).toHaveLength(2);
    const viaHttp = await exportText('sft', '&min_reward=1&task_id=task-1');
    expect(viaHttp.text).toBe(readFileSync(sft1, 'utf8'));

    const bad = cli(['export', 'sft', '--out', join(dir, 'x.parquet'), '--reward-fn', 'nope']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('VALIDATION_FAILED');
    expect(bad.stderr).toContain('reward_fn');
    expect(bad.stderr).toContain('out');
  });

  it('CLI curriculum prints the bands', () => {
    const result = cli(['curriculum', '--run-id', runId, '--window', 'attempts', '--last', '4', '--hi', '0.9', '--lo', '0.1', '--json']);
    expect(result.status).toBe(0);
    const body = JSON.parse(result.stdout) as { tasks: Array<Record<string, unknown>> };
    expect(body.tasks.map((t) => [t.task_id, t.pass_rate, t.band])).toEqual([
      ['task-3', 0, 'too_hard'],
      ['task-1', 0.5, 'learnable'],
      ['task-2', 1, 'too_easy'],
    ]);
    expect(cli(['curriculum', '--window', 'attempts']).stderr).toContain('last');
  });
});
