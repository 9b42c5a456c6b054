import { randomUUID } from 'node:crypto';
import { deleteRun, groupEvents, insertHistory } from './history.fixture';
import { READ_KEY, INGEST_KEY, startQueryApi, type QueryApiHarness } from './query-api.fixture';

describe('query API over the materialized history', () => {
  let api: QueryApiHarness;
  let runId: string;
  const groupA = `ga-${randomUUID()}`;
  const groupB = `gb-${randomUUID()}`;

  beforeAll(async () => {
    api = await startQueryApi();
    runId = api.runId;
    await insertHistory(api.db, [
      ...groupEvents({ run_id: runId, group_id: groupA, task_id: 'task-a', domain: 'retail', policy_version: 3, rewards: [1, 0, 1, 1], toolError: [false, true, false, false], replayRewards: [0, 0, 1, 1] }),
      ...groupEvents({ run_id: runId, group_id: groupB, task_id: 'task-b', domain: 'airline', policy_version: 5, rewards: [0, 0, null], terminationReason: 'max_turns' }),
    ]);
  });

  afterAll(async () => {
    await deleteRun(api.db, runId);
    await api.close();
  });

  const list = async (query: string) => {
    const response = await api.get(`/v1/rollouts?run_id=${encodeURIComponent(runId)}${query}`, READ_KEY);
    expect(response.status).toBe(200);
    return (await response.json()) as { items: Array<Record<string, any>>; next_cursor: string | null };
  };

  it('lists a run in rollout_id order and pages through it with an opaque cursor', async () => {
    const first = await list('&limit=3');
    expect(first.items).toHaveLength(3);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await list(`&limit=3&cursor=${encodeURIComponent(first.next_cursor as string)}`);
    const third = await list(`&limit=3&cursor=${encodeURIComponent(second.next_cursor as string)}`);
    expect(third.next_cursor).toBeNull();
    const ids = [...first.items, ...second.items, ...third.items].map((item) => item.rollout_id);
    expect(ids).toHaveLength(7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(7);
  });

  it('filters by task, domain, policy version range, reward range, reward function, termination, tool errors and time', async () => {
    expect((await list('&task_id=task-a')).items).toHaveLength(4);
    expect((await list('&domain=airline')).items.map((i) => i.task_id)).toEqual(['task-b', 'task-b', 'task-b']);
    expect((await list('&policy_version=4..5')).items).toHaveLength(3);
    expect((await list('&min_policy_version=3&max_policy_version=3')).items).toHaveLength(4);
    const passed = await list('&min_reward=1');
    expect(passed.items.map((i) => i.rollout_id)).toEqual([`${groupA}-r0`, `${groupA}-r2`, `${groupA}-r3`]);
    expect(passed.items[0]?.reward).toEqual({ reward: 1, reward_fn: 'db-hash', reward_fn_version: '1', source: 'online' });
    const replayPassed = await list('&min_reward=1&reward_fn=db-hash-outputs@1');
    expect(replayPassed.items.map((i) => i.rollout_id)).toEqual([`${groupA}-r2`, `${groupA}-r3`]);
    expect(replayPassed.items[0]?.reward.source).toBe('replay');
    expect((await list('&max_reward=0')).items).toHaveLength(3);
    expect((await list('&termination_reason=max_turns')).items).toHaveLength(3);
    expect((await list('&has_tool_error=true')).items.map((i) => i.rollout_id)).toEqual([`${groupA}-r1`]);
    expect((await list('&has_tool_error=false')).items).toHaveLength(6);
    expect((await list('&since=2026-01-01T00:00:02.500Z&task_id=task-a')).items.map((i) => i.attempt)).toEqual([3]);
    expect((await list(`&until=${Date.UTC(2026, 0, 1) + 500}`)).items.map((i) => i.attempt)).toEqual([0, 0]);
  });

  it('answers 400 naming every bad or unknown filter', async () => {
    const response = await api.get('/v1/rollouts?min_reward=high&policy_version=x..y&has_tool_error=maybe&reward_fn=nope&colour=red&limit=0', READ_KEY);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: Array<{ path: string }> };
    expect(body.error).toBe('VALIDATION_FAILED');
    expect(body.issues.map((issue) => issue.path).sort()).toEqual(['colour', 'has_tool_error', 'limit', 'min_reward', 'policy_version', 'reward_fn']);
    const cursor = await api.get('/v1/rollouts?cursor=garbage', READ_KEY);
    expect(cursor.status).toBe(400);
    expect(((await cursor.json()) as { issues: Array<{ path: string }> }).issues[0]?.path).toBe('cursor');
    const range = await api.get('/v1/rollouts?min_reward=1&max_reward=0', READ_KEY);
    expect(((await range.json()) as { issues: Array<{ path: string }> }).issues[0]?.path).toBe('min_reward');
  });

  it('needs a key with scope read', async () => {
    expect((await api.get('/v1/rollouts')).status).toBe(401);
    expect((await api.get('/v1/rollouts', INGEST_KEY)).status).toBe(403);
    expect((await api.get(`/v1/rollouts/${groupA}-r0`, INGEST_KEY)).status).toBe(403);
    expect((await api.get('/v1/tasks/stats', 'not-a-key-at-all')).status).toBe(401);
  });

  it('returns the whole trajectory with turns, tool calls and every reward', async () => {
    const response = await api.get(`/v1/rollouts/${groupA}-r1`, READ_KEY);
    expect(response.status).toBe(200);
    const detail = (await response.json()) as Record<string, any>;
    expect(detail).toMatchObject({ rollout_id: `${groupA}-r1`, run_id: runId, task_id: 'task-a', policy_version: 3, attempt: 1, group_size: 4, status: 'completed', num_turns: 4 });
    expect(detail.turns.map((t: any) => t.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(detail.turns[1].tool_calls).toEqual([{ id: 'call-1', name: 'get_order', arguments: '{"order_id":"#W1"}' }]);
    expect(detail.turns[1].tool_results[0]).toMatchObject({ tool_call_id: 'call-1', status: 'error', error: 'order service timed out' });
    expect(detail.tool_calls).toHaveLength(1);
    expect(detail.rewards.map((r: any) => [r.reward_fn, r.reward_fn_version, r.source, r.reward, r.components])).toEqual([
      ['db-hash', '1', 'online', 0, { db_match: 0 }],
      ['db-hash-outputs', '1', 'replay', 0, { db_match: 0, outputs: 0 }],
    ]);
    expect(detail.rewards[0].details).toEqual({ note: 'fixture' });
    expect(detail.tools[0].function.name).toBe('get_order');
  });

  it('answers 404 for an unknown rollout, on the trajectory and on its events', async () => {
    for (const path of [`/v1/rollouts/nope-${randomUUID()}`, `/v1/rollouts/nope-${randomUUID()}/events`]) {
      const response = await api.get(path, READ_KEY);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toBe('ROLLOUT_NOT_FOUND');
    }
  });

  it('returns the raw event history with Kafka coordinates and schema ids', async () => {
    const response = await api.get(`/v1/rollouts/${groupA}-r0/events`, READ_KEY);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { events: Array<Record<string, any>> };
    expect(body.events.map((e) => e.event_type)).toEqual([
      'RolloutStarted', 'TurnRecorded', 'TurnRecorded', 'ToolCallRecorded', 'TurnRecorded', 'TurnRecorded', 'RolloutCompleted', 'RewardAssigned', 'RewardAssigned',
    ]);
    const offsets = body.events.map((e) => BigInt(e.offset));
    expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    expect(body.events[0]).toMatchObject({ topic: 'fixture.rollout.events', partition: 0, schema_id: expect.any(Number) });
    expect(body.events[0]?.payload.task_id).toBe('task-a');
  });

  it('computes task stats per task and domain, overall and by policy version', async () => {
    const response = await api.get(`/v1/tasks/stats?run_id=${runId}`, READ_KEY);
    expect(response.status).toBe(200);
    const { tasks } = (await response.json()) as { tasks: Array<Record<string, any>> };
    expect(tasks.map((t) => [t.domain, t.task_id])).toEqual([['airline', 'task-b'], ['retail', 'task-a']]);
    const [b, a] = tasks;
    expect(a).toMatchObject({ attempts: 4, scored: 4, passes: 3, pass_rate: 0.75, mean_reward: 0.75, mean_turns: 4, tool_error_rate: 0.25 });
    expect(a?.by_policy_version).toEqual([expect.objectContaining({ policy_version: 3, attempts: 4, passes: 3 })]);
    expect(b).toMatchObject({ attempts: 3, scored: 2, passes: 0, pass_rate: 0, mean_reward: 0, tool_error_rate: 0 });
    const replay = (await (await api.get(`/v1/tasks/stats?run_id=${runId}&task_id=task-a&reward_fn=db-hash-outputs@1`, READ_KEY)).json()) as { tasks: any[] };
    expect(replay.tasks[0]).toMatchObject({ passes: 2, pass_rate: 0.5 });
    expect((await api.get('/v1/tasks/stats?pass_threshold=abc', READ_KEY)).status).toBe(400);
  });

  it('serves the curriculum with a window and thresholds, and rejects bad parameters', async () => {
    const response = await api.get(`/v1/curriculum?run_id=${runId}&window=attempts&last=2&hi=0.8&lo=0.2`, READ_KEY);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { window: unknown; tasks: Array<Record<string, any>> };
    expect(body.window).toEqual({ kind: 'attempts', last: 2 });
    // task-a's newest two attempts (r3, r2) both passed; task-b's scored attempts both failed.
    expect(body.tasks.map((t) => [t.task_id, t.attempts, t.pass_rate, t.band])).toEqual([
      ['task-b', 2, 0, 'too_hard'],
      ['task-a', 2, 1, 'too_easy'],
    ]);
    const versions = (await (await api.get(`/v1/curriculum?run_id=${runId}&window=policy_versions&last=1`, READ_KEY)).json()) as { tasks: any[] };
    expect(versions.tasks.map((t) => t.task_id)).toEqual(['task-b']);
    const all = (await (await api.get(`/v1/curriculum?run_id=${runId}&pass_threshold=0.5&hi=0.7`, READ_KEY)).json()) as { tasks: any[] };
    expect(all.tasks.find((t) => t.task_id === 'task-a')).toMatchObject({ attempts: 4, passes: 3, band: 'too_easy' });
    const bad = await api.get('/v1/curriculum?window=weeks&hi=2&lo=0.5', READ_KEY);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path).sort()).toEqual(['hi', 'window']);
    const missing = await api.get('/v1/curriculum?window=attempts', READ_KEY);
    expect(((await missing.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['last']);
  });

  it('publishes the OpenAPI document at /docs', async () => {
    const json = await api.get('/docs-json');
    expect(json.status).toBe(200);
    const document = (await json.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/rollouts', '/v1/rollouts/{id}', '/v1/rollouts/{id}/events', '/v1/tasks/stats', '/v1/curriculum', '/v1/exports/{format}']),
    );
    const ui = await api.get('/docs');
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
