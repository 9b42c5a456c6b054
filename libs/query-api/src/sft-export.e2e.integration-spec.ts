import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventType, RolloutEvent, TypedEvent } from '@rollout-ledger/contracts';
import { LedgerProducer, createAdmin, ensureTopics, type TopicNames } from '@rollout-ledger/kafka';
import { generate, loadTau2Catalog } from '@rollout-ledger/simulator';
import { deleteRun } from './history.fixture';
import { EXPORT_KEY, startQueryApi, type QueryApiHarness } from './query-api.fixture';

const root = join(__dirname, '..', '..', '..');
const CLI = join(root, 'bin', 'rollout-ledger.js');
type Started = Extract<RolloutEvent, { type: 'RolloutStarted' }>['data'];
type Turn = Extract<RolloutEvent, { type: 'TurnRecorded' }>['data'];
type ToolCall = Extract<RolloutEvent, { type: 'ToolCallRecorded' }>['data'];

/**
 * The "an SFT export checked message by message against the published events": rollouts
 * go through Kafka (LedgerProducer, Avro + registry) to a materializer child process, then out
 * through `rollout-ledger export sft` and `GET /v1/exports/sft`; every exported conversation is
 * compared with the TurnRecorded / RolloutStarted events that were published — not with what the
 * database holds — so the whole path, projection included, is under test.
 */
describe('SFT export checked message by message against the published events', () => {
  const tag = randomUUID().slice(0, 8);
  const runId = `run-sft-e2e-${tag}`;
  const groupId = `sft-e2e-${tag}`;
  const names: TopicNames = {
    rolloutEvents: `it-sft-${tag}.rollout.events`,
    rolloutEventsDlq: `it-sft-${tag}.rollout.events.dlq`,
    taskDefinitions: `it-sft-${tag}.task.definitions`,
    grpoBatches: `it-sft-${tag}.grpo.batches`,
  };
  const dir = mkdtempSync(join(tmpdir(), 'sft-e2e-'));
  // taskDefinitions off: TaskDefined would upsert the shared `tasks` rows of the real tau2 ids.
  const events: TypedEvent[] = [...generate({ seed: 7, runId, catalog: loadTau2Catalog(), taskCount: 3, groupSize: 4, toolErrorRate: 0.3, taskDefinitions: false })];
  const rolloutEvents = events as unknown as RolloutEvent[];
  const started = new Map(rolloutEvents.flatMap((e) => (e.type === 'RolloutStarted' ? [[e.data.rollout_id, e.data] as const] : [])));
  const turns = rolloutEvents.filter((e): e is Extract<RolloutEvent, { type: 'TurnRecorded' }> => e.type === 'TurnRecorded').map((e) => e.data);
  const calls = rolloutEvents.flatMap((e) => (e.type === 'ToolCallRecorded' ? [e.data] : []));
  let api: QueryApiHarness;
  let materializer: ChildProcess;
  const output: string[] = [];

  beforeAll(async () => {
    const connection = { brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'sft-e2e', logLevel: 'nothing' as const };
    const admin = createAdmin(connection);
    await admin.connect();
    await ensureTopics(admin, { partitions: 3, names });
    await admin.disconnect();
    const topics: Record<EventType, string> = {
      RolloutStarted: names.rolloutEvents,
      TurnRecorded: names.rolloutEvents,
      ToolCallRecorded: names.rolloutEvents,
      RewardAssigned: names.rolloutEvents,
      RolloutCompleted: names.rolloutEvents,
      TaskDefined: names.taskDefinitions,
      BatchAssembled: names.grpoBatches,
    };
    const producer = new LedgerProducer({ ...connection, registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7', topics });
    await producer.connect();
    await producer.publish(events);
    await producer.disconnect();

    materializer = spawn(process.execPath, [CLI, 'serve', '--apps', 'materializer'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        MATERIALIZER_TOPICS: `${names.rolloutEvents},${names.taskDefinitions}`,
        MATERIALIZER_GROUP_ID: groupId,
        MATERIALIZER_DLQ_TOPIC: names.rolloutEventsDlq,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    materializer.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    materializer.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    api = await startQueryApi();
    await waitForRows();
  }, 180_000);

  afterAll(async () => {
    if (materializer && materializer.exitCode === null) {
      const exited = new Promise((resolve) => materializer.once('exit', resolve));
      materializer.kill('SIGTERM');
      await exited;
    }
    await deleteRun(api.db, runId);
    await api.db('consumer_checkpoints').where({ consumer_group: groupId }).delete();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function waitForRows(): Promise<void> {
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      if (materializer.exitCode !== null) throw new Error(`materializer exited ${materializer.exitCode}:\n${output.join('')}`);
      const [row] = (
        await api.db.raw(
          `select count(*)::int as rollouts, coalesce(sum(turn_count), 0)::int as turns,
             count(*) filter (where completed_at is not null)::int as completed from rollouts where run_id = ?`,
          [runId],
        )
      ).rows;
      if (row.rollouts === started.size && row.turns === turns.length && row.completed === started.size) return;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    throw new Error(`rows never arrived:\n${output.join('').slice(-3000)}`);
  }

  /** The export order (group_id, rollout_id) is the database's collation order, so ask it. */
  async function exportOrder(): Promise<string[]> {
    const rows = (await api.db.raw('select rollout_id from rollouts where run_id = ? order by group_id, rollout_id', [runId])).rows as Array<{ rollout_id: string }>;
    return rows.map((row) => row.rollout_id);
  }

  function checkConversation(line: Record<string, any>, rolloutId: string, weights: boolean): void {
    const start = started.get(rolloutId) as Started;
    const own = turns.filter((t) => t.rollout_id === rolloutId).sort((a, b) => a.turn_index - b.turn_index);
    expect(own.length).toBeGreaterThan(2);
    expect(Object.keys(line)).toEqual(['messages', 'tools', 'parallel_tool_calls']);
    expect(line.tools).toEqual(JSON.parse(start.tools ?? '[]'));
    expect(line.parallel_tool_calls).toBe(false);
    const messages = line.messages as Array<Record<string, any>>;
    const hasSystemTurn = own.some((t) => t.role === 'system');
    const offset = start.system_prompt !== null && !hasSystemTurn ? 1 : 0;
    if (offset === 1) expect(messages[0]).toEqual({ role: 'system', content: start.system_prompt });
    expect(messages).toHaveLength(own.length + offset);
    own.forEach((turn: Turn, i) => {
      const message = messages[i + offset] as Record<string, any>;
      expect(message.role).toBe(turn.role);
      switch (turn.role) {
        case 'system':
        case 'user':
          expect(message).toEqual({ role: turn.role, content: turn.content ?? '' });
          break;
        case 'assistant': {
          expect(message.content).toBe(turn.content);
          if (turn.tool_calls.length === 0) expect(message.tool_calls).toBeUndefined();
          else {
            expect(message.tool_calls).toHaveLength(turn.tool_calls.length);
            turn.tool_calls.forEach((call, k) => {
              // Arguments stay the exact JSON string the worker sent (not re-serialised).
              expect(message.tool_calls[k]).toEqual({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } });
              expect(typeof message.tool_calls[k].function.arguments).toBe('string');
            });
          }
          if (weights) expect(message.weight).toBe(turn.trainable ? 1 : 0);
          else expect('weight' in message).toBe(false);
          break;
        }
        case 'tool': {
          const record = calls.find((c: ToolCall) => c.rollout_id === rolloutId && c.tool_call_id === turn.tool_call_id);
          expect(message).toEqual({ role: 'tool', tool_call_id: turn.tool_call_id ?? '', content: turn.content ?? record?.result ?? record?.error ?? '' });
          break;
        }
        default:
          throw new Error(`unexpected role ${String(turn.role)}`);
      }
    });
  }

  function checkExport(text: string, order: readonly string[], weights: boolean): void {
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines).toHaveLength(started.size);
    lines.forEach((line, i) => checkConversation(line, order[i] as string, weights));
  }

  it('published the run under test: several groups, tool calls, tool results', () => {
    expect(started.size).toBe(12);
    expect(turns.some((t) => t.role === 'assistant' && t.tool_calls.length > 0)).toBe(true);
    expect([...started.values()].every((s) => s.system_prompt !== null && s.tools !== null)).toBe(true);
    expect(turns.some((t) => t.role === 'tool')).toBe(true);
  });

  it('rollout-ledger export sft --run-id … --out FILE', async () => {
    const out = join(dir, 'sft.jsonl');
    const result = spawnSync(process.execPath, [CLI, 'export', 'sft', '--run-id', runId, '--out', out, '--json'], { cwd: root, encoding: 'utf8', env: process.env });
    expect(result.stderr).toContain('wrote 12 sft records');
    expect(result.status).toBe(0);
    checkExport(readFileSync(out, 'utf8'), await exportOrder(), false);
  });

  it('GET /v1/exports/sft?run_id=…&weights=true', async () => {
    const response = await api.get(`/v1/exports/sft?run_id=${encodeURIComponent(runId)}&weights=true`, EXPORT_KEY);
    expect(response.status).toBe(200);
    checkExport(await response.text(), await exportOrder(), true);
  });
});
