import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConnectionConfig } from '@rollout-ledger/config';
import { servedUrl } from '@rollout-ledger/http';
import { createAdmin, ensureTopics } from '@rollout-ledger/kafka';
import { createDatabase } from '@rollout-ledger/persistence';
import { fixtureText, TAU2_FIXTURE, TAU_BENCH_FIXTURE } from './import.fixture';

// The done-when, end to end as an operator runs it: both fixtures are imported with the
// CLI into this test's own topics, `serve --apps materializer` (a child process, own consumer
// group) writes them to Postgres, `export sft` reads them back. Expectations come from the raw
// files, not from the importer, so a conversion bug cannot hide behind itself.

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'bin', 'rollout-ledger.js');
const config = loadConnectionConfig({});
const tag = randomUUID().slice(0, 8);
const topics = {
  rolloutEvents: `it-import-roundtrip-${tag}.rollout.events`,
  rolloutEventsDlq: `it-import-roundtrip-${tag}.rollout.events.dlq`,
  taskDefinitions: `it-import-roundtrip-${tag}.task.definitions`,
  grpoBatches: `it-import-roundtrip-${tag}.grpo.batches`,
};
const publishEnv = { ROLLOUT_EVENTS_TOPIC: topics.rolloutEvents, TASK_DEFINITIONS_TOPIC: topics.taskDefinitions };

type Json = Record<string, unknown>;
type Result = { code: number; stdout: string; stderr: string };

function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** This test's registry subjects (`<topic>-<record>`, on its own topics only): soft, then permanent delete. */
async function deleteOwnSubjects(): Promise<void> {
  const base = config.SCHEMA_REGISTRY_URL.replace(/\/+$/, '');
  const subjects = (await (await fetch(`${base}/subjects`)).json()) as string[];
  for (const subject of subjects.filter((s) => Object.values(topics).some((topic) => s.startsWith(`${topic}-`)))) {
    await fetch(`${base}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' });
    await fetch(`${base}/subjects/${encodeURIComponent(subject)}?permanent=true`, { method: 'DELETE' });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One source conversation: what the file says, keyed as the importer labels it. */
interface SourceRun {
  readonly taskId: string;
  readonly trial: string;
  readonly reward: number;
  readonly components: Json;
  /** OpenAI messages as the file has them (tau2: arguments still objects). */
  readonly messages: Json[];
  /** tool_call_id → the tool name the file gives for its result. */
  readonly toolNames: Map<string, string>;
}

function tauBenchRuns(): SourceRun[] {
  return (JSON.parse(fixtureText(TAU_BENCH_FIXTURE)) as Json[]).map((run) => {
    const info = run['info'] as Json;
    const scores = ((info['reward_info'] as Json)['info'] ?? {}) as Json;
    const toolNames = new Map<string, string>();
    const messages = (run['traj'] as Json[]).map((m): Json => {
      if (m['role'] === 'tool') {
        toolNames.set(m['tool_call_id'] as string, m['name'] as string);
        return { role: 'tool', tool_call_id: m['tool_call_id'], content: m['content'] };
      }
      if (m['role'] !== 'assistant') return { role: m['role'], content: m['content'] };
      const calls = (m['tool_calls'] as Json[] | null) ?? [];
      return { role: 'assistant', content: m['content'], ...(calls.length > 0 ? { tool_calls: calls } : {}) };
    });
    const components = Object.fromEntries(['r_actions', 'r_outputs'].filter((k) => typeof scores[k] === 'number').map((k) => [k, scores[k]]));
    return { taskId: String(run['task_id']), trial: String(run['trial']), reward: run['reward'] as number, components, messages, toolNames };
  });
}

function tau2Runs(): SourceRun[] {
  return ((JSON.parse(fixtureText(TAU2_FIXTURE)) as Json)['simulations'] as Json[]).map((sim) => {
    const info = sim['reward_info'] as Json;
    const db = info['db_check'] as Json;
    const toolNames = new Map<string, string>();
    const callNames = new Map<string, string>();
    const messages = (sim['messages'] as Json[]).map((m): Json => {
      if (m['role'] === 'tool') {
        toolNames.set(m['id'] as string, callNames.get(m['id'] as string) ?? '(no call)');
        return { role: 'tool', tool_call_id: m['id'], content: m['content'] };
      }
      if (m['role'] !== 'assistant') return { role: m['role'], content: m['content'] };
      const calls = (m['tool_calls'] as Json[] | null) ?? [];
      for (const c of calls) callNames.set(c['id'] as string, c['name'] as string);
      const toolCalls = calls.map((c) => ({ id: c['id'], type: 'function', function: { name: c['name'], arguments: c['arguments'] } }));
      return { role: 'assistant', content: m['content'], ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
    });
    const breakdown = Object.fromEntries(Object.entries(info['reward_breakdown'] as Json).map(([k, v]) => [`breakdown_${k.toLowerCase()}`, v]));
    const components = { db_match: db['db_match'] === true ? 1 : 0, db_reward: db['db_reward'], ...breakdown };
    return { taskId: String(sim['task_id']), trial: String(sim['trial']), reward: info['reward'] as number, components, messages, toolNames };
  });
}

/** tau2 writes arguments as objects; the export carries JSON strings: compare them parsed. */
function withParsedArguments(messages: readonly Json[]): Json[] {
  return messages.map((m) =>
    Array.isArray(m['tool_calls'])
      ? { ...m, tool_calls: (m['tool_calls'] as Json[]).map((c) => ({ ...c, function: { ...(c['function'] as Json), arguments: JSON.parse((c['function'] as Json)['arguments'] as string) as unknown } })) }
      : m,
  );
}

/** Pairs each exported conversation with the source run it agrees with most, message by message. */
function pairUp(exported: readonly Json[][], sources: readonly SourceRun[]): [Json[], SourceRun][] {
  const left = [...sources];
  return exported.map((messages) => {
    const score = (s: SourceRun) => s.messages.filter((m, i) => JSON.stringify(m) === JSON.stringify(messages[i])).length - Math.abs(s.messages.length - messages.length);
    left.sort((a, b) => score(b) - score(a));
    const best = left.shift();
    if (best === undefined) throw new Error(`more exported conversations than the ${sources.length} in the file`);
    return [messages, best];
  });
}

class MaterializerProcess {
  readonly output: string[] = [];
  readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(groupId: string) {
    this.child = spawn(process.execPath, [CLI, 'serve', '--apps', 'materializer'], {
      cwd: ROOT,
      env: {
        ...process.env,
        // The system picks a free port; serve prints where it listens.
        PORT: '0',
        MATERIALIZER_TOPICS: `${topics.rolloutEvents},${topics.taskDefinitions}`,
        MATERIALIZER_GROUP_ID: groupId,
        MATERIALIZER_DLQ_TOPIC: topics.rolloutEventsDlq,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (c: Buffer) => this.output.push(c.toString()));
    this.child.stderr?.on('data', (c: Buffer) => this.output.push(c.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** /health answers 200 once the consumer has joined its group. */
  async ready(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`serve exited with ${this.child.exitCode}:\n${this.output.join('')}`);
      const url = servedUrl(this.output.join(''));
      const status = url === null ? 0 : await fetch(`${url}/health`).then((r) => r.status, () => 0);
      if (status === 200) return;
      await sleep(300);
    }
    throw new Error(`serve --apps materializer never became healthy:\n${this.output.join('')}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(kill);
  }
}

describe('import tau-bench and tau2 → materializer → export sft, on the real stack', () => {
  const db = createDatabase(config.DATABASE_URL, { max: 2 });
  const runIds = { 'tau-bench': `it-roundtrip-tau-bench-${randomUUID()}`, tau2: `it-roundtrip-tau2-${randomUUID()}` } as const;
  const sources = { 'tau-bench': tauBenchRuns(), tau2: tau2Runs() };
  const outFiles: string[] = [];
  let materializer: MaterializerProcess | undefined;

  beforeAll(async () => {
    const admin = createAdmin({ brokers: config.KAFKA_BROKERS, clientId: 'it-import-roundtrip', logLevel: 'nothing' });
    await admin.connect();
    await ensureTopics(admin, { partitions: 3, names: topics });
    await admin.disconnect();
  });

  afterAll(async () => {
    await materializer?.stop();
    const admin = createAdmin({ brokers: config.KAFKA_BROKERS, clientId: 'it-import-roundtrip', logLevel: 'nothing' });
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
    await deleteOwnSubjects();
    await db.destroy();
    for (const file of outFiles) rmSync(file, { force: true });
  });

  it('keeps counts, groups, rewards and every message, tool call id, argument and tool name', async () => {
    for (const [format, file] of [['tau-bench', TAU_BENCH_FIXTURE], ['tau2', TAU2_FIXTURE]] as const) {
      const result = await cli(['import', format, file, '--run-id', runIds[format], '--json'], publishEnv);
      expect({ format, code: result.code, stderr: result.stderr }).toMatchObject({ format, code: 0 });
      expect(JSON.parse(result.stdout)).toMatchObject({ run_id: runIds[format], rollouts: sources[format].length });
    }

    materializer = new MaterializerProcess(`it-import-roundtrip-${tag}`);
    await materializer.ready();
    const expectedTurns = [...sources['tau-bench'], ...sources.tau2].reduce((sum, s) => sum + s.messages.length, 0);
    const expectedRollouts = sources['tau-bench'].length + sources.tau2.length;
    // Materialized = every rollout completed, rewarded and with all its turns.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [row] = (await db('rollouts as r')
        .whereIn('r.run_id', Object.values(runIds))
        .whereNotNull('r.termination_reason')
        .whereNotNull('r.task_id')
        .select(
          db.raw('count(*)::int as rollouts'),
          db.raw('coalesce(sum((select count(*) from turns t where t.rollout_id = r.rollout_id)), 0)::int as turns'),
          db.raw('coalesce(sum((select count(*) from rewards w where w.rollout_id = r.rollout_id)), 0)::int as rewards'),
        )) as { rollouts: number; turns: number; rewards: number }[];
      if (row.rollouts === expectedRollouts && row.turns === expectedTurns && row.rewards === expectedRollouts) break;
      if (Date.now() > deadline) throw new Error(`materialized ${JSON.stringify(row)} of ${expectedRollouts} rollouts / ${expectedTurns} turns:\n${materializer.output.join('')}`);
      await sleep(500);
    }

    for (const format of ['tau-bench', 'tau2'] as const) {
      const runs = sources[format];
      const rollouts = (await db('rollouts').where({ run_id: runIds[format] }).select('rollout_id', 'group_id', 'group_size', 'attempt', 'task_id', 'labels', 'num_turns')) as {
        rollout_id: string;
        group_id: string;
        group_size: number;
        attempt: number;
        task_id: string;
        labels: Record<string, string>;
        num_turns: number;
      }[];
      expect(rollouts).toHaveLength(runs.length);

      // Groups: the trials of one task, group_size = their number, attempts 0..G-1.
      const trialsByTask = new Map<string, number>();
      for (const run of runs) trialsByTask.set(run.taskId, (trialsByTask.get(run.taskId) ?? 0) + 1);
      const groups = new Map<string, typeof rollouts>();
      for (const r of rollouts) groups.set(r.group_id, [...(groups.get(r.group_id) ?? []), r]);
      expect(groups.size).toBe(trialsByTask.size);
      for (const members of groups.values()) {
        const sourceTask = members[0].labels['source_task_id'];
        expect(members.every((m) => m.labels['source_task_id'] === sourceTask && m.task_id === members[0].task_id)).toBe(true);
        expect(members.map((m) => m.group_size)).toEqual(members.map(() => trialsByTask.get(sourceTask)));
        expect(members.map((m) => m.attempt).sort()).toEqual(members.map((_, i) => i));
      }

      // Rewards: one per rollout, source import, the file's reward and components.
      const rewards = (await db('rewards').whereIn('rollout_id', rollouts.map((r) => r.rollout_id)).select('rollout_id', 'reward', 'components', 'source', 'reward_fn', 'reward_fn_version')) as {
        rollout_id: string;
        reward: number;
        components: Json;
        source: string;
        reward_fn: string;
        reward_fn_version: string;
      }[];
      expect(rewards).toHaveLength(runs.length);
      const rolloutById = new Map(rollouts.map((r) => [r.rollout_id, r]));
      for (const reward of rewards) {
        const labels = rolloutById.get(reward.rollout_id)?.labels ?? {};
        const run = runs.find((s) => s.taskId === labels['source_task_id'] && s.trial === labels['source_trial']);
        expect({ task: labels['source_task_id'], trial: labels['source_trial'], found: run !== undefined }).toMatchObject({ found: true });
        expect({ source: reward.source, fn: `${reward.reward_fn}@${reward.reward_fn_version}`, reward: reward.reward, components: reward.components }).toEqual({
          source: 'import',
          fn: format === 'tau2' ? 'tau2-bench@1' : 'tau-bench@1',
          reward: run?.reward,
          components: format === 'tau2' ? expect.objectContaining(run?.components) : run?.components,
        });
      }
      for (const r of rollouts) {
        const run = runs.find((s) => s.taskId === r.labels['source_task_id'] && s.trial === r.labels['source_trial']);
        expect(r.num_turns).toBe(run?.messages.length);
      }

      // The SFT export reproduces every conversation of the file, message by message.
      const out = join(tmpdir(), `it-roundtrip-${format}-${randomUUID()}.jsonl`);
      outFiles.push(out);
      const exported = await cli(['export', 'sft', '--run-id', runIds[format], '--out', out]);
      expect({ format, code: exported.code, stderr: exported.stderr }).toMatchObject({ format, code: 0 });
      const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Json);
      expect(lines).toHaveLength(runs.length);
      expect(lines.every((l) => l['parallel_tool_calls'] === false && Array.isArray(l['tools']))).toBe(true);
      const conversations = lines.map((l) => (format === 'tau2' ? withParsedArguments(l['messages'] as Json[]) : (l['messages'] as Json[])));
      const pairs = pairUp(conversations, runs);
      expect(new Set(pairs.map(([, run]) => run)).size).toBe(runs.length);
      for (const [messages, run] of pairs) {
        expect({ task: run.taskId, trial: run.trial, messages }).toEqual({ task: run.taskId, trial: run.trial, messages: run.messages });
        // Tool names: each result answers a call of the tool the file names for that result.
        const calledNames = new Map(messages.flatMap((m) => ((m['tool_calls'] as Json[] | undefined) ?? []).map((c) => [c['id'] as string, (c['function'] as Json)['name'] as string] as const)));
        const resultNames = messages.filter((m) => m['role'] === 'tool').map((m) => [m['tool_call_id'], calledNames.get(m['tool_call_id'] as string)]);
        expect(resultNames).toEqual(messages.filter((m) => m['role'] === 'tool').map((m) => [m['tool_call_id'], run.toolNames.get(m['tool_call_id'] as string)]));
      }
    }
  });
});
