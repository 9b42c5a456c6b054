import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EventType, RolloutEvent, TypedEvent } from '@rollout-ledger/contracts';
import { servedUrl } from '@rollout-ledger/http';
import { LedgerProducer, createAdmin, ensureTopics } from '@rollout-ledger/kafka';

// Test-only helpers of the integration specs (not exported from index.ts, not built).
export const ROOT = join(__dirname, '..', '..', '..');
export const BROKERS = ['127.0.0.1:9092'];
export const REGISTRY_URL = 'http://127.0.0.1:8081/apis/ccompat/v7';
export const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/rollout_ledger';
export const API_KEY = 'grpo-it-trainer-key';

export interface TestNames {
  readonly tag: string;
  readonly topic: string;
  readonly batchesTopic: string;
  readonly consumerGroup: string;
  readonly runId: string;
}

export function randomNames(label: string): TestNames {
  const tag = `${label}-${randomUUID().slice(0, 8)}`;
  return { tag, topic: `it-${tag}.rollout.events`, batchesTopic: `it-${tag}.grpo.batches`, consumerGroup: `it-grpo-${tag}`, runId: `run-${tag}` };
}

export async function createTopics(names: TestNames, partitions = 3): Promise<void> {
  const admin = createAdmin({ brokers: BROKERS, clientId: 'grpo-it', logLevel: 'nothing' });
  await admin.connect();
  try {
    await ensureTopics(admin, {
      partitions,
      names: { rolloutEvents: names.topic, grpoBatches: names.batchesTopic, rolloutEventsDlq: `${names.topic}.dlq`, taskDefinitions: `it-${names.tag}.tasks` },
    });
  } finally {
    await admin.disconnect();
  }
}

export async function connectProducer(names: TestNames): Promise<LedgerProducer> {
  const topics: Partial<Record<EventType, string>> = {
    RolloutStarted: names.topic,
    TurnRecorded: names.topic,
    ToolCallRecorded: names.topic,
    RewardAssigned: names.topic,
    RolloutCompleted: names.topic,
    BatchAssembled: names.batchesTopic,
  };
  const producer = new LedgerProducer({ brokers: BROKERS, clientId: 'grpo-it-producer', logLevel: 'nothing', registryUrl: REGISTRY_URL, topics });
  await producer.connect();
  return producer;
}

export interface RunningAssembler {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** `node bin/rollout-ledger.js serve --apps grpo` as a child process, configured by env like a deployment. */
export async function startAssembler(names: TestNames, env: Record<string, string>, outputDir: string): Promise<RunningAssembler> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'rollout-ledger.js'), 'serve', '--apps', 'grpo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      API_KEYS: `${API_KEY}:read`,
      GRPO_TOPIC: names.topic,
      GRPO_BATCHES_TOPIC: names.batchesTopic,
      GRPO_CONSUMER_GROUP: names.consumerGroup,
      GRPO_OUTPUT_DIR: outputDir,
      GRPO_SWEEP_INTERVAL_MS: '200',
      // A SIGKILLed instance holds its partitions until the session times out: keep restarts quick.
      GRPO_SESSION_TIMEOUT_MS: '6000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`assembler did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const served = servedUrl(output);
      if (served !== null) {
        clearTimeout(timer);
        resolve(served);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`assembler exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function api(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : JSON.parse(text) };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface GroupSpec {
  readonly groupId: string;
  /** One per attempt; null: the rollout starts but never completes. */
  readonly rewards: readonly (number | null)[];
  readonly policyVersion?: number;
  readonly withTokens?: boolean;
  readonly terminationReason?: string;
}

/** The events of one simulated GRPO group: start, a user and an assistant turn, completion, online reward. */
export function groupEvents(runId: string, spec: GroupSpec, at = Date.now()): TypedEvent[] {
  const events: RolloutEvent[] = [];
  spec.rewards.forEach((reward, attempt) => {
    const rollout_id = `${spec.groupId}-r${attempt}`;
    const envelope = (offset: number) => ({
      event_id: randomUUID(),
      rollout_id,
      group_id: spec.groupId,
      run_id: runId,
      occurred_at: at + offset,
    });
    events.push({
      type: 'RolloutStarted',
      data: {
        ...envelope(0),
        task_id: `task-${spec.groupId}`,
        domain: 'retail',
        group_size: spec.rewards.length,
        policy_version: spec.policyVersion ?? 10,
        attempt,
        system_prompt: 'You are a retail agent.',
        tools: '[{"type":"function","function":{"name":"get_order","parameters":{"type":"object"}}}]',
        user_simulator: null,
        sampling: null,
        labels: {},
      },
    });
    const tokens = spec.withTokens === true;
    for (const [turn_index, role] of (['user', 'assistant'] as const).entries()) {
      events.push({
        type: 'TurnRecorded',
        data: {
          ...envelope(1 + turn_index),
          turn_index,
          role,
          content: `${role} says ${attempt}`,
          tool_calls: [],
          tool_call_id: null,
          name: null,
          trainable: role === 'assistant',
          token_ids: tokens ? [turn_index * 10 + 1, turn_index * 10 + 2] : null,
          logprobs: tokens && role === 'assistant' ? [-0.25, -0.5] : null,
          policy_version: null,
          usage: null,
        },
      });
    }
    if (reward === null) return;
    events.push({
      type: 'RolloutCompleted',
      data: { ...envelope(5), termination_reason: spec.terminationReason ?? 'user_stop', num_turns: 2, final_state_hash: null, duration_ms: 5 },
    });
    events.push({
      type: 'RewardAssigned',
      data: { ...envelope(6), reward, components: { db_match: reward }, reward_fn: 'db-hash', reward_fn_version: '1', source: 'online', details: null },
    });
  });
  return events;
}
