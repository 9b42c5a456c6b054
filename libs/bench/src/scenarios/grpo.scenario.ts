import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { EventType, TypedEvent } from '@rollout-ledger/contracts';
import { LedgerProducer, createAdmin, ensureTopics } from '@rollout-ledger/kafka';
import { createDatabase } from '@rollout-ledger/persistence';
import { projectRoot } from '@rollout-ledger/stack';
import type { BenchContext, BenchFigure, BenchScenario } from '../bench-scenario';

const KEY = 'bench-grpo-trainer-key';
const GROUP_SIZE = 8;
const TURNS = 6;
const BATCH_GROUPS = 8;
/** Pause between waves: the offered load, kept under what the assembler sustains so the figure is latency, not backlog. */
const WAVE_INTERVAL_MS = 150;

/**
 * The assembler runs as its own process (`rollout-ledger serve --apps grpo`), as deployed, so the
 * producer and the polling trainer of this benchmark do not share its event loop.
 */
async function startAssembler(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const root = projectRoot();
  const child = spawn(process.execPath, [join(root, 'bin', 'rollout-ledger.js'), 'serve', '--apps', 'grpo'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /rollout-ledger serve: .* on (http:\/\/[^\s]+) /.exec(output);
      if (match) resolve(match[1] as string);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the assembler exited with ${code}: ${output.slice(-2_000)}`)));
  });
  return { url, child };
}

async function stopAssembler(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** One wave of BATCH_GROUPS groups: start, turns and completion now; the rewards are published with the next wave. */
function wave(runId: string, index: number): { body: TypedEvent[]; rewards: TypedEvent[] } {
  const body: TypedEvent[] = [];
  const rewards: TypedEvent[] = [];
  const at = Date.now();
  for (let g = 0; g < BATCH_GROUPS; g++) {
    const group_id = `${runId}-w${index}-g${g}`;
    for (let attempt = 0; attempt < GROUP_SIZE; attempt++) {
      const envelope = { rollout_id: `${group_id}-r${attempt}`, group_id, run_id: runId, occurred_at: at };
      body.push({
        type: 'RolloutStarted',
        data: { ...envelope, event_id: randomUUID(), task_id: `task-${g}`, domain: 'retail', group_size: GROUP_SIZE, policy_version: 1, attempt, system_prompt: 'You are a retail agent.', tools: '[]', user_simulator: null, sampling: null, labels: {} },
      });
      for (let turn_index = 0; turn_index < TURNS; turn_index++) {
        const assistant = turn_index % 2 === 1;
        body.push({
          type: 'TurnRecorded',
          data: {
            ...envelope,
            event_id: randomUUID(),
            turn_index,
            role: assistant ? 'assistant' : 'user',
            content: `turn ${turn_index} of attempt ${attempt}: ${'lorem ipsum '.repeat(20)}`,
            tool_calls: [],
            tool_call_id: null,
            name: null,
            trainable: assistant,
            token_ids: Array.from({ length: 64 }, (_, i) => i + turn_index),
            logprobs: assistant ? Array.from({ length: 64 }, () => -0.1) : null,
            policy_version: null,
            usage: null,
          },
        });
      }
      body.push({ type: 'RolloutCompleted', data: { ...envelope, event_id: randomUUID(), termination_reason: 'user_stop', num_turns: TURNS, final_state_hash: null, duration_ms: 1 } });
      // Half the attempts succeed: every group has signal (none is filtered as zero-variance).
      const reward = (attempt + g) % 2;
      rewards.push({ type: 'RewardAssigned', data: { ...envelope, event_id: randomUUID(), reward, components: {}, reward_fn: 'db-hash', reward_fn_version: '1', source: 'online', details: null } });
    }
  }
  return { body, rewards };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0).toFixed(2));
}

/**
 * Latency from the last reward of a batch's groups (the moment Kafka acknowledged it) to the batch
 * being leasable, as seen by a trainer polling POST /v1/batches/lease every ~2 ms, while the next
 * wave of rollouts streams in. Each wave of 8 groups × 8 rollouts × 6 turns fills exactly one batch.
 */
export const grpoScenario: BenchScenario = {
  name: 'grpo',
  description: 'GRPO assembler: last reward of a group → its batch leasable, p50/p99 under streaming load (goal p99 ≤ 100 ms)',
  async run(context: BenchContext): Promise<readonly BenchFigure[]> {
    const waves = context.quick ? 12 : 64;
    const tag = `bench-grpo-${context.runTag}`;
    const names = { rolloutEvents: `${tag}.rollout.events`, rolloutEventsDlq: `${tag}.rollout.events.dlq`, taskDefinitions: `${tag}.task.definitions`, grpoBatches: `${tag}.grpo.batches` };
    const connection = { brokers: context.connection.KAFKA_BROKERS, clientId: 'bench-grpo', logLevel: 'nothing' as const };
    const admin = createAdmin(connection);
    await admin.connect();
    await ensureTopics(admin, { partitions: 6, names });
    const outputDir = await mkdtemp(join(tmpdir(), 'bench-grpo-'));
    const env = {
      ...process.env,
      KAFKA_BROKERS: context.connection.KAFKA_BROKERS.join(','),
      SCHEMA_REGISTRY_URL: context.connection.SCHEMA_REGISTRY_URL,
      DATABASE_URL: context.connection.DATABASE_URL,
      PORT: '0',
      API_KEYS: `${KEY}:read`,
      GRPO_TOPIC: names.rolloutEvents,
      GRPO_BATCHES_TOPIC: names.grpoBatches,
      GRPO_CONSUMER_GROUP: tag,
      GRPO_BATCH_GROUPS: String(BATCH_GROUPS),
      GRPO_OUTPUT_DIR: outputDir,
    };
    const { url, child } = await startAssembler(env);
    const topics: Partial<Record<EventType, string>> = {
      RolloutStarted: names.rolloutEvents,
      TurnRecorded: names.rolloutEvents,
      RewardAssigned: names.rolloutEvents,
      RolloutCompleted: names.rolloutEvents,
      BatchAssembled: names.grpoBatches,
    };
    const producer = new LedgerProducer({ ...connection, registryUrl: context.connection.SCHEMA_REGISTRY_URL, topics });
    await producer.connect();
    const rewardedAt = new Map<string, number>();
    // Latencies are computed at the end: a batch can become leasable before publish() has returned.
    const leased: { groupIds: readonly string[]; at: number }[] = [];
    let events = 0;
    let polling = true;
    let lastPublish = performance.now();
    const trainer = (async () => {
      while (polling || leased.length < waves) {
        const response = await fetch(`${url}/v1/batches/lease`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ trainer_id: 'bench-trainer', lease_timeout_s: 600 }),
        });
        const leasedAt = performance.now();
        if (response.status === 204) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          if (!polling && performance.now() - lastPublish > 30_000) break;
          continue;
        }
        const lease = (await response.json()) as { batch_id: string; lease_id: string; group_ids: string[] };
        leased.push({ groupIds: lease.group_ids, at: leasedAt });
        await fetch(`${url}/v1/batches/${lease.batch_id}/ack`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ lease_id: lease.lease_id }),
        });
      }
    })();
    const started = performance.now();
    try {
      let previous: TypedEvent[] = [];
      for (let w = 0; w <= waves; w++) {
        const next = w < waves ? wave(tag, w) : { body: [], rewards: [] };
        const sent = [...next.body, ...previous];
        await producer.publish(sent);
        lastPublish = performance.now();
        events += sent.length;
        for (const reward of previous) if (reward.type === 'RewardAssigned') rewardedAt.set(reward.data.group_id, lastPublish);
        previous = next.rewards;
        if (w % 8 === 0) context.progress(`grpo: wave ${w}/${waves}, ${leased.length} batches leased`);
        await new Promise((resolve) => setTimeout(resolve, WAVE_INTERVAL_MS));
      }
      polling = false;
      await trainer;
    } finally {
      polling = false;
      await producer.disconnect();
      await stopAssembler(child);
      await cleanUp(context, tag, admin, Object.values(names), outputDir);
    }
    const seconds = (performance.now() - started) / 1000;
    const latencies = leased.map((l) => l.at - Math.max(...l.groupIds.map((g) => rewardedAt.get(g) ?? Number.NaN))).filter(Number.isFinite);
    const note = `${latencies.length}/${waves} batches of ${BATCH_GROUPS} groups × ${GROUP_SIZE} rollouts × ${TURNS} turns (64 token ids per turn); ${events} events at ${Math.round(events / seconds)} events/s, 6 partitions; trainer polls every ~2 ms; assembler in its own process`;
    return [
      { name: 'grpo_reward_to_leasable_p50', value: percentile(latencies, 0.5), unit: 'ms', note },
      { name: 'grpo_reward_to_leasable_p99', value: percentile(latencies, 0.99), unit: 'ms', note: `${note}; goal ≤ 100 ms` },
      { name: 'grpo_reward_to_leasable_max', value: Number(Math.max(...latencies).toFixed(2)), unit: 'ms', note },
    ];
  },
};

/** Removes this run's topics, rows and files: the benchmark leaves nothing behind. */
async function cleanUp(context: BenchContext, assembler: string, admin: ReturnType<typeof createAdmin>, topics: string[], outputDir: string): Promise<void> {
  context.progress('grpo: removing the benchmark topics, rows and files');
  const db = createDatabase(context.connection.DATABASE_URL, { max: 2 });
  try {
    const batches = db('grpo_batches').where({ assembler }).select('batch_id');
    await db('grpo_batch_leases').whereIn('batch_id', batches).delete();
    await db('grpo_batch_members').whereIn('batch_id', batches).delete();
    for (const table of ['grpo_batches', 'grpo_group_filters', 'grpo_group_events', 'grpo_groups', 'grpo_trainers', 'grpo_policy_versions']) {
      await db(table).where({ assembler }).delete();
    }
    await db('consumer_checkpoints').where({ consumer_group: assembler }).delete();
  } finally {
    await db.destroy();
  }
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  await rm(outputDir, { recursive: true, force: true });
}
