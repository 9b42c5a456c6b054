import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { loadConnectionConfig, loadMaterializerConfig, loadReplayConfig, type ReplayConfig } from '@rollout-ledger/config';
import { MaterializerConsumer, materializerMetrics } from '@rollout-ledger/materializer';
import { MetricsRegistry } from '@rollout-ledger/observability';
import type { EventType, RewardAssigned, RolloutEvent, TaskDefined, TypedEvent } from '@rollout-ledger/contracts';
import { EventSerde, HttpSchemaRegistry, LedgerProducer, createAdmin, ensureTopics, type PublishedEvent } from '@rollout-ledger/kafka';
import { KafkaReplayInput } from './kafka-replay.input';

// Shared by this lib's integration specs (not exported from index.ts): the real local stack.

export const connection = loadConnectionConfig({});
export const kafka = { brokers: connection.KAFKA_BROKERS, clientId: 'replay-integration-spec', logLevel: 'nothing' as const };
export const PROJECT_ROOT = join(__dirname, '..', '..', '..');

export interface TestTopics {
  readonly events: string;
  readonly tasks: string;
  readonly dlq: string;
  readonly env: Record<string, string>;
  readonly config: ReplayConfig;
}

export async function freshTopics(partitions = 3): Promise<TestTopics> {
  const id = randomUUID().slice(0, 8);
  const names = { rolloutEvents: `it-replay-${id}.rollout.events`, rolloutEventsDlq: `it-replay-${id}.dlq`, taskDefinitions: `it-replay-${id}.tasks`, grpoBatches: `it-replay-${id}.batches` };
  const admin = createAdmin(kafka);
  await admin.connect();
  try {
    await ensureTopics(admin, { partitions, names });
  } finally {
    await admin.disconnect();
  }
  const env = { ROLLOUT_EVENTS_TOPIC: names.rolloutEvents, TASK_DEFINITIONS_TOPIC: names.taskDefinitions, REPLAY_IDLE_TIMEOUT_MS: '5000' };
  return { events: names.rolloutEvents, tasks: names.taskDefinitions, dlq: names.rolloutEventsDlq, env, config: loadReplayConfig(env) };
}

export function serdeFor(topics: TestTopics): EventSerde {
  const byType: Partial<Record<EventType, string>> = {
    RolloutStarted: topics.events,
    TurnRecorded: topics.events,
    ToolCallRecorded: topics.events,
    RewardAssigned: topics.events,
    RolloutCompleted: topics.events,
    TaskDefined: topics.tasks,
  };
  return new EventSerde({ registry: new HttpSchemaRegistry({ url: connection.SCHEMA_REGISTRY_URL }), topics: byType });
}

/** Publishes the events with the ledger's producer; returns where each landed. */
export async function publish(topics: TestTopics, events: readonly TypedEvent[]): Promise<PublishedEvent[]> {
  const producer = new LedgerProducer({ ...kafka, serde: serdeFor(topics) });
  await producer.connect();
  try {
    return await producer.publish(events);
  } finally {
    await producer.disconnect();
  }
}

export function typed(events: readonly (RolloutEvent | { type: 'TaskDefined'; data: TaskDefined })[]): TypedEvent[] {
  return events as TypedEvent[];
}

/** Everything on the events topic now (read back with a fresh group), RewardAssigned only. */
export async function rewardsOnKafka(topics: TestTopics): Promise<RewardAssigned[]> {
  const rewards: RewardAssigned[] = [];
  const input = new KafkaReplayInput({ connection: kafka, serde: serdeFor(topics), eventsTopic: topics.events, tasksTopic: topics.tasks, groupId: `it-replay-read-${randomUUID()}`, idleTimeoutMs: 5000 });
  await input.read({ onTask: () => undefined, onProgress: () => undefined, onEvent: (e) => (e.type === 'RewardAssigned' ? rewards.push(e.data) : undefined) });
  return rewards;
}

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  stderr(): string;
}

/** The compiled CLI as a child process (so a test can SIGKILL it mid-run). */
export function startCli(args: readonly string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'rollout-ledger.js'), ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, stderr: () => stderr };
}

export async function runCli(args: readonly string[], env: Record<string, string>) {
  const result = await startCli(args, env).done;
  if (result.code !== 0) throw new Error(`rollout-ledger ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

export interface RewardRow {
  readonly event_id: string;
  readonly rollout_id: string;
  readonly reward_fn: string;
  readonly reward_fn_version: string;
  readonly source: string;
  readonly reward: number;
}

/**
 * Runs the real materializer (libs/materializer) on the test's topics while `fn` runs, so the
 * test sees what Postgres ends up with. The rows of the test's run are deleted afterwards.
 */
export async function withMaterializer<T>(topics: TestTopics, runId: string, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = new Pool({ connectionString: connection.DATABASE_URL, max: 4 });
  const groupId = `it-replay-mat-${randomUUID()}`;
  const settings = loadMaterializerConfig({
    MATERIALIZER_TOPICS: `${topics.events},${topics.tasks}`,
    MATERIALIZER_GROUP_ID: groupId,
    MATERIALIZER_DLQ_TOPIC: topics.dlq,
    MATERIALIZER_SESSION_TIMEOUT_MS: '10000',
  });
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
  const consumer = new MaterializerConsumer({ kafka, registryUrl: connection.SCHEMA_REGISTRY_URL, pool, settings, metrics: materializerMetrics(new MetricsRegistry()), logger: quiet });
  await consumer.start();
  try {
    return await fn(pool);
  } finally {
    await consumer.stop();
    const rollouts = `select rollout_id from rollouts where run_id = $1`;
    await pool.query(`delete from turns where rollout_id in (${rollouts})`, [runId]);
    await pool.query(`delete from tool_calls where rollout_id in (${rollouts})`, [runId]);
    await pool.query(`delete from tasks where task_id in (select task_id from rollouts where run_id = $1)`, [runId]);
    await pool.query('delete from rewards where run_id = $1', [runId]);
    await pool.query('delete from events where run_id = $1', [runId]);
    await pool.query('delete from rollouts where run_id = $1', [runId]);
    await pool.query('delete from consumer_checkpoints where consumer_group = $1', [groupId]);
    await pool.query('delete from consumer_kafka_clusters where consumer_group = $1', [groupId]);
    await pool.end();
  }
}

/** The rewards rows of the run once there are `count` of them (the materializer is asynchronous). */
export async function rewardRowsOnceThere(pool: Pool, runId: string, count: number, timeoutMs = 120_000): Promise<RewardRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<RewardRow>(
      'select event_id, rollout_id, reward_fn, reward_fn_version, source, reward from rewards where run_id = $1 order by rollout_id, reward_fn, source',
      [runId],
    );
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
