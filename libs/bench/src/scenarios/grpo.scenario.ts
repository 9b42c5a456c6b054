import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { EventType } from '@rollout-ledger/contracts';
import { servedUrl } from '@rollout-ledger/http';
import { LedgerProducer, createAdmin, ensureTopics, type PreparedEvents } from '@rollout-ledger/kafka';
import { createDatabase } from '@rollout-ledger/persistence';
import { projectRoot } from '@rollout-ledger/stack';
import type { BenchContext, BenchFigure, BenchScenario } from '../bench-scenario';
import { processStatusMb } from '../rss-sampler';
import { histogramDelta, histogramMean, readHistogram, readValue, shareAbove, type HistogramSnapshot } from '../prometheus-histogram';
import { GRPO_STREAM_SHAPE, GrpoStream } from './grpo-stream.generator';
import { latencyLegs, percentile, type BatchStamps } from './latency-legs';

const KEY = 'bench-grpo-trainer-key';
/** MUA-RL: a training step is 32 prompts × 8 rollouts. */
const BATCH_GROUPS = 32;
/** Events published per chunk interval; each chunk is one LedgerProducer.publish (acks=all). */
const CHUNK_INTERVAL_MS = 50;
/**
 * The trainer long-polls (wait_s): the lease answers when the batch's commit notifies. With
 * BENCH_GRPO_TRAINER_POLL_MS set, it polls that often instead (the side-by-side in BENCHMARKS.md).
 */
const TRAINER_WAIT_S = 5;
const TRAINER_POLL_MS = Number(process.env.BENCH_GRPO_TRAINER_POLL_MS ?? 0);
/**
 * Trainers leasing concurrently (BENCH_GRPO_TRAINERS, default 1), as a GPU cluster's nodes do.
 * When the assembler's host is saturated, one trainer's lease-and-ack round trips slow down until
 * batches wait leasable but not yet asked for; with several, one is usually waiting when a batch
 * becomes leasable (every waiter wakes at each batch, so they add lease queries).
 */
const TRAINERS = Number(process.env.BENCH_GRPO_TRAINERS ?? 1);
/**
 * Node flags of the assembler's process: what the README recommends for it (a 64 MB young
 * generation semi-space; V8's default is 16 MB). BENCH_GRPO_NODE_FLAGS replaces them ('' for
 * V8's defaults: the side-by-side in BENCHMARKS.md).
 */
const ASSEMBLER_NODE_FLAGS = (process.env.BENCH_GRPO_NODE_FLAGS ?? '--max-semi-space-size=64').split(/\s+/).filter((flag) => flag !== '');
/**
 * Where the trainers lease, as the README recommends: a lease server of the same assembler
 * (`GRPO_ROLE=leases`, its own process), so lease requests and their wake-ups do not wait behind
 * the consumer's decoding and rendering. BENCH_GRPO_LEASE_SERVER=0 sends them to the assembler's
 * process itself (the side-by-side in BENCHMARKS.md).
 */
const LEASE_SERVER = process.env.BENCH_GRPO_LEASE_SERVER !== '0';

interface Phase {
  readonly name: 'warmup' | 'light' | 'materializer_rate' | 'with_materializer' | 'with_niced_materializer' | 'full';
  readonly targetEventsPerS: number;
  readonly seconds: number;
  /** The warm-up's batches (a fresh process compiling its hot paths) are not measured. */
  readonly reported: boolean;
  /** A materializer consumes the same stream meanwhile, in its own process, from the phase's first event. */
  readonly withMaterializer?: boolean;
  /** That materializer's nice value: the README's advice for a host shared with the assembler. */
  readonly materializerNice?: number;
}

/**
 * Light load; the rate the materializer sustains end to end on a machine of this size (its
 * benchmark's load), with the assembler alone, then with a materializer writing the same stream on
 * the same two cores, then with that materializer started at a lower priority (`nice -n 10`, as
 * the README advises for a shared host); the materializer's goal rate.
 */
const PHASES = (quick: boolean): readonly Phase[] => [
  { name: 'warmup', targetEventsPerS: 2_000, seconds: quick ? 2 : 6, reported: false },
  { name: 'light', targetEventsPerS: 2_000, seconds: quick ? 4 : 20, reported: true },
  { name: 'materializer_rate', targetEventsPerS: 12_000, seconds: quick ? 4 : 30, reported: true },
  { name: 'with_materializer', targetEventsPerS: 12_000, seconds: quick ? 4 : 30, reported: true, withMaterializer: true },
  { name: 'with_niced_materializer', targetEventsPerS: 12_000, seconds: quick ? 4 : 30, reported: true, withMaterializer: true, materializerNice: 10 },
  { name: 'full', targetEventsPerS: 24_000, seconds: quick ? 4 : 30, reported: true },
];

/**
 * The trainer, on its own thread: on the benchmark's main thread, encoding and publishing the
 * stream delayed requests and their timestamps by hundreds of milliseconds under full load, which
 * measured the benchmark, not the assembler. Long-polls the lease (or polls every pollMs when set);
 * acks each lease, then posts it (group ids, the wall-clock time the lease response arrived, how
 * long the ack took: the served process's responsiveness) to the main thread; stops on 'stop' and
 * posts 'done'.
 */
const TRAINER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, pollMs, waitS, trainerId } = workerData;
const headers = { authorization: 'Bearer ' + key, 'content-type': 'application/json' };
let polling = true;
parentPort.on('message', (message) => { if (message === 'stop') polling = false; });
(async () => {
  const request = JSON.stringify({ trainer_id: trainerId, lease_timeout_s: 600, wait_s: pollMs > 0 ? 0 : waitS });
  while (polling) {
    const response = await fetch(url + '/v1/batches/lease', { method: 'POST', headers, body: request });
    const at = Date.now();
    if (response.status === 204) {
      if (pollMs > 0) await new Promise((resolve) => setTimeout(resolve, pollMs));
      continue;
    }
    if (!response.ok) throw new Error('lease answered ' + response.status + ': ' + (await response.text()));
    const lease = await response.json();
    const acking = performance.now();
    await fetch(url + '/v1/batches/' + encodeURIComponent(lease.batch_id) + '/ack', { method: 'POST', headers, body: JSON.stringify({ lease_id: lease.lease_id }) });
    parentPort.postMessage({ batchId: lease.batch_id, groupIds: lease.group_ids, at, ackMs: performance.now() - acking });
  }
  parentPort.postMessage('done');
})();
`;

interface Lease {
  readonly batchId: string;
  readonly groupIds: readonly string[];
  /** Wall-clock ms when the lease response arrived. */
  readonly at: number;
  /** How long POST /v1/batches/:id/ack took: a lease request waits as long for the same busy process. */
  readonly ackMs: number;
}

function startTrainer(url: string, trainerId: string, onLease: (lease: Lease) => void): { stop: () => Promise<void> } {
  const worker = new Worker(TRAINER_SOURCE, { eval: true, workerData: { url, key: KEY, pollMs: TRAINER_POLL_MS, waitS: TRAINER_WAIT_S, trainerId } });
  let failure: Error | null = null;
  const done = new Promise<void>((resolve) => {
    worker.on('message', (message: 'done' | Lease) => (message === 'done' ? resolve() : onLease(message)));
    worker.once('error', (error) => {
      failure = error;
      resolve();
    });
    worker.once('exit', () => resolve());
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      await done;
      await worker.terminate();
      if (failure !== null) throw failure;
    },
  };
}

/**
 * The assembler (and the materializer of the shared phase) run as their own processes
 * (`rollout-ledger serve --apps …`), as deployed, so the producer and the polling trainer of this
 * benchmark do not share their event loops.
 */
async function startServe(app: 'grpo' | 'materializer', env: NodeJS.ProcessEnv, flags: readonly string[] = [], niceness = 0): Promise<{ url: string; child: ChildProcess }> {
  const root = projectRoot();
  const command = [process.execPath, ...flags, join(root, 'bin', 'rollout-ledger.js'), 'serve', '--apps', app];
  // `nice` execs node in its own process, so every thread node starts has the lower priority.
  const [file, ...args] = niceness > 0 ? ['nice', '-n', String(niceness), ...command] : command;
  const child = spawn(file as string, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const served = servedUrl(output);
      if (served !== null) resolve(served);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve --apps ${app} exited with ${code}: ${output.slice(-2_000)}`)));
  });
  return { url, child };
}

async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** The run id of a phase's rollouts. */
function streamRunId(context: BenchContext, phase: Phase): string {
  return `bench-grpo-${context.runTag}-${phase.name}`;
}

interface PlannedChunk {
  readonly prepared: PreparedEvents;
  /** Groups whose last event (a reward) is in this chunk. */
  readonly finished: readonly string[];
}

/**
 * The phase's stream, generated, validated and Avro-encoded before the phase starts: during the
 * phase the benchmark only sends. Rollout workers encode on their own machines; on this one, the
 * encoding took most of a core from the assembler, Kafka and Postgres, and the latency measured it.
 */
async function encodeAhead(context: BenchContext, producer: LedgerProducer, phase: Phase): Promise<(PlannedChunk | null)[]> {
  const stream = new GrpoStream(streamRunId(context, phase));
  const perChunk = Math.max(1, Math.round((phase.targetEventsPerS * CHUNK_INTERVAL_MS) / 1000));
  const count = Math.ceil((phase.seconds * 1000) / CHUNK_INTERVAL_MS);
  context.progress(`grpo ${phase.name}: encoding ${count * perChunk} events ahead of the phase`);
  const plan: PlannedChunk[] = [];
  for (let i = 0; i < count; i++) {
    const finished: string[] = [];
    plan.push({ prepared: await producer.prepare(stream.take(perChunk, finished)), finished });
  }
  return plan;
}

interface PhaseStats {
  events: number;
  seconds: number;
  /** Last publish of the phase → last of its batches leased: how far the assembler fell behind. */
  drainMs: number;
  /** Last publish of the phase → the materializer's checkpoints at the end of the topic (shared phase only). */
  materializerDrainMs?: number;
  /** The assembler's own step and fetch-queue histograms over the phase: where the latency goes. */
  steps: StepHistograms;
}

interface StepHistograms {
  readonly step: HistogramSnapshot;
  readonly fetchWait: HistogramSnapshot;
  /** The process's CPU seconds so far, every thread (main, Parquet encoder, libuv). */
  readonly cpuSeconds: number;
}

/** A process's peak resident memory so far (Linux: VmHWM), in MB; null where it cannot be read. */
function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const mb = processStatusMb(pid, 'VmHWM');
    return mb === null ? null : Math.round(mb);
  } catch {
    return null;
  }
}

/** The assembler's step and fetch-wait histograms and its CPU time, as its /metrics shows them now. */
async function stepHistograms(url: string): Promise<StepHistograms> {
  const response = await fetch(`${url}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  return {
    step: readHistogram(text, 'rollout_ledger_grpo_step_seconds'),
    fetchWait: readHistogram(text, 'rollout_ledger_grpo_fetch_wait_seconds'),
    cpuSeconds: readValue(text, 'rollout_ledger_process_process_cpu_seconds_total'),
  };
}

/** Waits until the materializer committed every record of the topic to Postgres; ms after the last publish. */
async function materializerCaughtUp(context: BenchContext, admin: ReturnType<typeof createAdmin>, topic: string, groupId: string, lastPublish: number): Promise<number> {
  const end = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + BigInt(p.offset), 0n);
  const db = createDatabase(context.connection.DATABASE_URL, { max: 1 });
  try {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const [row] = await db('consumer_checkpoints').where({ consumer_group: groupId, topic }).sum<{ sum: string | null }[]>('next_offset as sum');
      if (BigInt(row?.sum ?? 0) >= end) return Date.now() - lastPublish;
      if (Date.now() > deadline) throw new Error(`the materializer did not catch up within 300 s (${row?.sum ?? 0} of ${end})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await db.destroy();
  }
}

/**
 * Latency from the last reward of a batch's groups (the moment Kafka acknowledged it) to the batch
 * being leasable, as seen by the first of TRAINERS trainers long-polling POST /v1/batches/lease
 * (wait_s), while a MUA-RL-shaped stream flows in: 32 groups in flight, 8 rollouts each, 12 turns with tool calls
 * and 64 token ids on assistant turns, 32-group batches. One assembler through the phases of
 * PHASES, each stream encoded before its phase (encodeAhead), after an unmeasured warm-up.
 */
export const grpoScenario: BenchScenario = {
  name: 'grpo',
  description: 'GRPO assembler: last reward of a group → its batch leasable, p50/p99 under light load, at the materializer rate and at its goal rate (goal p99 ≤ 100 ms)',
  async run(context: BenchContext): Promise<readonly BenchFigure[]> {
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
    const { url, child } = await startServe('grpo', env, ASSEMBLER_NODE_FLAGS);
    const leaseServer = LEASE_SERVER ? await startServe('grpo', { ...env, GRPO_ROLE: 'leases' }).catch(async (error: unknown) => {
      await stopServe(child);
      throw error;
    }) : null;
    const leaseUrl = leaseServer?.url ?? url;
    const topics: Partial<Record<EventType, string>> = {
      RolloutStarted: names.rolloutEvents,
      TurnRecorded: names.rolloutEvents,
      ToolCallRecorded: names.rolloutEvents,
      RewardAssigned: names.rolloutEvents,
      RolloutCompleted: names.rolloutEvents,
      BatchAssembled: names.grpoBatches,
    };
    const producer = new LedgerProducer({ ...connection, registryUrl: context.connection.SCHEMA_REGISTRY_URL, topics });
    await producer.connect();
    const rewardedAt = new Map<string, number>();
    const phaseOf = new Map<string, Phase['name']>();
    // Latencies are computed at the end: a batch can become leasable before publish() has returned.
    // Times are wall-clock (Date.now()) because the trainer takes them on another thread.
    const leased: Lease[] = [];
    const stats = new Map<Phase['name'], PhaseStats>();
    let lastPublish = Date.now();
    if (!(Number.isInteger(TRAINERS) && TRAINERS >= 1)) throw new Error(`BENCH_GRPO_TRAINERS must be an integer ≥ 1, got ${process.env.BENCH_GRPO_TRAINERS}`);
    const trainers = Array.from({ length: TRAINERS }, (_, i) => startTrainer(leaseUrl, `bench-trainer-${i + 1}`, (lease) => leased.push(lease)));
    const trainer = { stop: async () => void (await Promise.all(trainers.map((t) => t.stop()))) };
    let trainerStopped = false;
    let assemblerPeakRss: number | null = null;
    let stamps = new Map<string, BatchStamps>();
    let materializer: ChildProcess | null = null;
    const materializerGroup = `${tag}-materializer`;
    try {
      for (const phase of PHASES(context.quick)) {
        const plan = await encodeAhead(context, producer, phase);
        if (phase.withMaterializer === true) {
          // A new group starts at the end of the topic: only this phase's events, no backlog of the earlier ones.
          // (Explicit offsets: kafkajs' resetOffsets to the latest commits -1, which the consumer ignores.)
          const ends = await admin.fetchTopicOffsets(names.rolloutEvents);
          await admin.setOffsets({ groupId: materializerGroup, topic: names.rolloutEvents, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
          materializer = (await startServe('materializer', { ...env, MATERIALIZER_TOPICS: names.rolloutEvents, MATERIALIZER_GROUP_ID: materializerGroup, MATERIALIZER_DLQ_TOPIC: names.rolloutEventsDlq }, [], phase.materializerNice ?? 0)).child;
        }
        // Groups past the last full batch of the phase stay ready, waiting for more: not measured.
        const done: string[] = [];
        const stepsBefore = await stepHistograms(url);
        const started = performance.now();
        let events = 0;
        let chunks = 0;
        while (performance.now() - started < phase.seconds * 1000 && chunks < plan.length) {
          const due = started + chunks * CHUNK_INTERVAL_MS;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          const { prepared, finished } = plan[chunks] as PlannedChunk;
          plan[chunks] = null;
          await producer.publishPrepared(prepared);
          lastPublish = Date.now();
          for (const groupId of finished) {
            rewardedAt.set(groupId, lastPublish);
            phaseOf.set(groupId, phase.name);
            done.push(groupId);
          }
          events += prepared.events.length;
          chunks += 1;
          if (chunks % Math.round(5_000 / CHUNK_INTERVAL_MS) === 0) context.progress(`grpo ${phase.name}: ${events} events, ${done.length} groups complete, ${leased.length} batches leased`);
        }
        const seconds = (performance.now() - started) / 1000;
        const expected = Math.floor(done.length / BATCH_GROUPS);
        const phaseLeased = () => leased.filter((l) => phaseOf.get(l.groupIds[0] as string) === phase.name);
        const deadline = performance.now() + 120_000;
        while (phaseLeased().length < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        const last = Math.max(...phaseLeased().map((l) => l.at));
        const stepsAfter = await stepHistograms(url);
        const steps = { step: histogramDelta(stepsBefore.step, stepsAfter.step), fetchWait: histogramDelta(stepsBefore.fetchWait, stepsAfter.fetchWait), cpuSeconds: stepsAfter.cpuSeconds - stepsBefore.cpuSeconds };
        const materializerDrainMs = materializer === null ? undefined : await materializerCaughtUp(context, admin, names.rolloutEvents, materializerGroup, lastPublish);
        if (materializer !== null) {
          await stopServe(materializer);
          materializer = null;
        }
        stats.set(phase.name, { events, seconds, drainMs: last - lastPublish, materializerDrainMs, steps });
        context.progress(`grpo ${phase.name}: ${Math.round(events / seconds)} events/s offered, ${phaseLeased().length}/${expected} batches leased`);
      }
      trainerStopped = true;
      await trainer.stop();
      stamps = await batchStamps(context, tag);
    } finally {
      if (!trainerStopped) await trainer.stop().catch(() => undefined);
      await producer.disconnect();
      if (materializer !== null) await stopServe(materializer);
      assemblerPeakRss = peakRssMb(child.pid);
      if (leaseServer !== null) await stopServe(leaseServer.child);
      await stopServe(child);
      const materializedRuns = PHASES(context.quick).filter((p) => p.withMaterializer === true).map((p) => streamRunId(context, p));
      await cleanUp(context, tag, { group: materializerGroup, runIds: materializedRuns }, admin, Object.values(names), outputDir);
    }
    const shape = `${BATCH_GROUPS}-group batches of ${GRPO_STREAM_SHAPE.groupSize} rollouts × ${GRPO_STREAM_SHAPE.turns} turns + ${GRPO_STREAM_SHAPE.toolCallsPerRollout} tool calls (${GRPO_STREAM_SHAPE.tokenIds} token ids per assistant turn), ${GRPO_STREAM_SHAPE.groupsInFlight} groups in flight, 6 partitions; ${TRAINERS} trainer(s) ${TRAINER_POLL_MS > 0 ? `polling every ~${TRAINER_POLL_MS} ms` : 'long-polling the lease (wait_s)'}, each on its own thread, leasing from ${LEASE_SERVER ? 'a lease server (GRPO_ROLE=leases) in its own process' : "the assembler's own process"}; assembler in its own process (node ${ASSEMBLER_NODE_FLAGS.join(' ') || 'with V8 defaults'})`;
    const figures: BenchFigure[] = [];
    for (const phase of PHASES(context.quick).filter((p) => p.reported)) {
      const s = stats.get(phase.name) as PhaseStats;
      const phaseLeases = leased.filter((l) => phaseOf.get(l.groupIds[0] as string) === phase.name);
      const lastReward = (l: Lease) => Math.max(...l.groupIds.map((g) => rewardedAt.get(g) ?? Number.NaN));
      const latencies = phaseLeases.map((l) => l.at - lastReward(l)).filter(Number.isFinite);
      const acks = phaseLeases.map((l) => l.ackMs);
      const rate = Math.round(s.events / s.seconds);
      const note = `${phase.name} load: ${latencies.length} batches, ${s.events} events in ${s.seconds.toFixed(1)} s = ${rate} events/s offered (target ${phase.targetEventsPerS})${phase.withMaterializer === true ? `, a materializer on the same stream${phase.materializerNice === undefined ? '' : ` at nice ${phase.materializerNice}`}` : ''}; ${shape}`;
      figures.push(
        { name: `grpo.${phase.name}.offered_events_per_s`, value: rate, unit: 'events/s', note },
        { name: `grpo.${phase.name}.reward_to_leasable_p50`, value: percentile(latencies, 0.5), unit: 'ms', note },
        { name: `grpo.${phase.name}.reward_to_leasable_p99`, value: percentile(latencies, 0.99), unit: 'ms', note: `${note}; goal ≤ 100 ms` },
        { name: `grpo.${phase.name}.reward_to_leasable_max`, value: Number(Math.max(...latencies).toFixed(2)), unit: 'ms', note },
        { name: `grpo.${phase.name}.drain_after_last_publish`, value: Math.round(s.drainMs), unit: 'ms', note: 'last publish of the phase → its last batch leased (a growing backlog shows here)' },
        {
          name: `grpo.${phase.name}.ack_p99`,
          value: percentile(acks, 0.99),
          unit: 'ms',
          note: `POST /v1/batches/:id/ack round trip (p50 ${percentile(acks, 0.5)} ms): how long ${LEASE_SERVER ? 'the lease server' : "the assembler's busy event loop"} keeps a trainer's request waiting`,
        },
        {
          name: `grpo.${phase.name}.step_mean`,
          value: Number((histogramMean(s.steps.step) * 1000).toFixed(1)),
          unit: 'ms',
          note: `the assembler's own rollout_ledger_grpo_step_seconds over the phase: ${s.steps.step.count} steps (fold, decide, batch, checkpoint, commit), ${(shareAbove(s.steps.step, 0.05) * 100).toFixed(1)} % over 50 ms, ${(shareAbove(s.steps.step, 0.1) * 100).toFixed(1)} % over 100 ms`,
        },
        {
          name: `grpo.${phase.name}.fetch_wait_mean`,
          value: Number((histogramMean(s.steps.fetchWait) * 1000).toFixed(1)),
          unit: 'ms',
          note: `rollout_ledger_grpo_fetch_wait_seconds: how long a step's oldest Kafka fetch queued behind the step before it; ${(shareAbove(s.steps.fetchWait, 0.1) * 100).toFixed(1)} % over 100 ms. The rest of reward → leasable is Kafka (publish → fetch) and the lease's wake-up`,
        },
      );
      figures.push(...latencyLegs(phase.name, phaseLeases, lastReward, stamps));
      if (s.steps.cpuSeconds > 0) {
        figures.push({
          name: `grpo.${phase.name}.assembler_cpu_ms_per_1k_events`,
          value: Number(((s.steps.cpuSeconds * 1e6) / s.events).toFixed(1)),
          unit: 'CPU-ms',
          note: `the assembler process's CPU time (all its threads, from its process_cpu_seconds_total) from the phase's start until its last batch was leased, per 1,000 events offered: ${s.steps.cpuSeconds.toFixed(1)} CPU-s in all`,
        });
      }
      if (s.materializerDrainMs !== undefined) {
        figures.push({ name: `grpo.${phase.name}.materializer_drain_after_last_publish`, value: Math.round(s.materializerDrainMs), unit: 'ms', note: `last publish of the phase → every event of it committed by the materializer${phase.materializerNice === undefined ? '' : ` (started with nice -n ${phase.materializerNice})`} (a materializer falling behind shows here)` });
      }
    }
    if (assemblerPeakRss !== null) {
      figures.push({ name: 'grpo.assembler_peak_rss', value: assemblerPeakRss, unit: 'MB', note: 'the assembler process\'s peak RSS over every phase (VmHWM)' });
    }
    return figures;
  },
};

async function batchStamps(context: BenchContext, assembler: string): Promise<Map<string, BatchStamps>> {
  const db = createDatabase(context.connection.DATABASE_URL, { max: 1 });
  try {
    const rows = await db('grpo_batches as b')
      .join('grpo_batch_leases as l', 'l.batch_id', 'b.batch_id')
      .where('b.assembler', assembler)
      .groupBy('b.batch_id', 'b.created_at')
      .select<{ batch_id: string; created_at: Date; leased_at: Date }[]>('b.batch_id', 'b.created_at', db.raw('min(l.leased_at) as leased_at'));
    return new Map(rows.map((r) => [r.batch_id, { createdAt: r.created_at.getTime(), leasedAt: new Date(r.leased_at).getTime() }]));
  } finally {
    await db.destroy();
  }
}

/** Removes this run's topics, rows and files: the benchmark leaves nothing behind. */
async function cleanUp(context: BenchContext, assembler: string, materializer: { group: string; runIds: string[] }, admin: ReturnType<typeof createAdmin>, topics: string[], outputDir: string): Promise<void> {
  context.progress('grpo: removing the benchmark topics, rows and files');
  const db = createDatabase(context.connection.DATABASE_URL, { max: 2 });
  try {
    const batches = db('grpo_batches').where({ assembler }).select('batch_id');
    await db('grpo_batch_leases').whereIn('batch_id', batches).delete();
    await db('grpo_batch_members').whereIn('batch_id', batches).delete();
    for (const table of ['grpo_batches', 'grpo_group_filters', 'grpo_group_events', 'grpo_groups', 'grpo_trainers', 'grpo_policy_versions']) {
      await db(table).where({ assembler }).delete();
    }
    await db('consumer_checkpoints').whereIn('consumer_group', [assembler, materializer.group]).delete();
    await db('consumer_kafka_clusters').whereIn('consumer_group', [assembler, materializer.group]).delete();
    // What the shared phase's materializer wrote.
    const rollouts = db('rollouts').whereIn('run_id', materializer.runIds).select('rollout_id');
    await db('turns').whereIn('rollout_id', rollouts).delete();
    await db('tool_calls').whereIn('rollout_id', rollouts).delete();
    for (const table of ['rewards', 'rollouts', 'events']) await db(table).whereIn('run_id', materializer.runIds).delete();
    // Where autovacuum is off (the local stack) the space is reused by the next run only after this.
    await db.raw('vacuum (analyze) grpo_batch_leases, grpo_batch_members, grpo_batches, grpo_group_filters, grpo_group_events, grpo_groups, grpo_trainers, grpo_policy_versions, consumer_checkpoints, turns, tool_calls, rewards, rollouts, events');
  } finally {
    await db.destroy();
  }
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  await rm(outputDir, { recursive: true, force: true });
}
