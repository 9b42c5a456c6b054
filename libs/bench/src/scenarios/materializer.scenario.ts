import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { loadMaterializerConfig, type ConnectionConfig } from '@rollout-ledger/config';
import type { EventType, TypedEvent } from '@rollout-ledger/contracts';
import { EventSerde, HttpSchemaRegistry, LedgerConsumer, LedgerProducer, createAdmin, ensureTopics, type ConsumedRecord, type TopicNames } from '@rollout-ledger/kafka';
import { copyIn, copyRowBuffers, eventsTable, projectEvent, reduceWrites, rewardsTable, rolloutsTable, toolCallsTable, turnsTable, type StagedTable } from '@rollout-ledger/materializer';
import { generate, loadTau2Catalog } from '@rollout-ledger/simulator';
import { projectRoot } from '@rollout-ledger/stack';
import type { BenchContext, BenchFigure, BenchScenario } from '../bench-scenario';
import { round } from '../bench-runner';
import { processStatusMb } from '../rss-sampler';

const FULL_EVENTS = 1_000_000;
const QUICK_EVENTS = 20_000;
const FULL_NAIVE_EVENTS = 20_000;
const QUICK_NAIVE_EVENTS = 3_000;
const PARTITIONS = 6;
const RAW_CHUNK = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function topicNames(tag: string): TopicNames {
  return { rolloutEvents: `${tag}.rollout.events`, rolloutEventsDlq: `${tag}.rollout.events.dlq`, taskDefinitions: `${tag}.task.definitions`, grpoBatches: `${tag}.grpo.batches` };
}

function byType(names: TopicNames): Record<EventType, string> {
  const r = names.rolloutEvents;
  return { RolloutStarted: r, TurnRecorded: r, ToolCallRecorded: r, RewardAssigned: r, RolloutCompleted: r, TaskDefined: names.taskDefinitions, BatchAssembled: names.grpoBatches };
}

/** MUA-RL-shaped rollouts over the tau2 tasks (~31 events, ~20 turns, ~1.1 KB per event), the first `count` events. */
function* workload(runId: string, count: number): Generator<TypedEvent> {
  let n = 0;
  for (const event of generate({ seed: 11, runId, catalog: loadTau2Catalog(), groupSize: 8, rollouts: Math.ceil(count / 25), tokenFields: 0.5 })) {
    if (n++ >= count) return;
    yield event;
  }
}

async function withTopics(context: BenchContext, names: TopicNames): Promise<void> {
  const admin = createAdmin({ brokers: context.connection.KAFKA_BROKERS, clientId: 'bench-materializer', logLevel: 'error' });
  await admin.connect();
  try {
    await ensureTopics(admin, { partitions: PARTITIONS, names });
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopics(connection: ConnectionConfig, names: readonly TopicNames[]): Promise<void> {
  const admin = createAdmin({ brokers: connection.KAFKA_BROKERS, clientId: 'bench-materializer', logLevel: 'nothing' });
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: names.flatMap((n) => Object.values(n)) }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

async function produce(context: BenchContext, names: TopicNames, events: Iterable<TypedEvent>, label: string, total: number): Promise<{ events: number; seconds: number }> {
  const producer = new LedgerProducer({ brokers: context.connection.KAFKA_BROKERS, clientId: 'bench-materializer', logLevel: 'error', registryUrl: context.connection.SCHEMA_REGISTRY_URL, topics: byType(names) });
  await producer.connect();
  const started = performance.now();
  let n = 0;
  let shown = 0;
  try {
    let chunk: TypedEvent[] = [];
    for (const event of events) {
      chunk.push(event);
      if (chunk.length === 2_000) {
        await producer.publish(chunk);
        n += chunk.length;
        chunk = [];
        if (n - shown >= total / 10) {
          shown = n;
          context.progress(`  ${label}: produced ${n}/${total}`);
        }
      }
    }
    if (chunk.length > 0) await producer.publish(chunk);
    n += chunk.length;
  } finally {
    await producer.disconnect();
  }
  return { events: n, seconds: (performance.now() - started) / 1000 };
}

async function checkpointSum(pool: Pool, groupId: string): Promise<number> {
  const result = await pool.query<{ n: string }>('select coalesce(sum(next_offset), 0)::text as n from consumer_checkpoints where consumer_group = $1', [groupId]);
  return Number(result.rows[0].n);
}

/** `rollout-ledger serve --apps materializer` as operators run it, in its own process. */
function startMaterializer(names: TopicNames, groupId: string): ChildProcess {
  return spawn(process.execPath, [join(projectRoot(), 'bin', 'rollout-ledger.js'), 'serve', '--apps', 'materializer'], {
    env: { ...process.env, PORT: '0', MATERIALIZER_TOPICS: `${names.rolloutEvents},${names.taskDefinitions}`, MATERIALIZER_GROUP_ID: groupId, MATERIALIZER_DLQ_TOPIC: names.rolloutEventsDlq },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Drains a pre-produced backlog: from the first committed checkpoint to the last; samples the consumer's RSS. */
async function materializerDrain(context: BenchContext, pool: Pool, names: TopicNames, total: number): Promise<{ rate: number; rssMb: number; events: number; seconds: number }> {
  const groupId = `${context.runTag}-materializer`;
  const child = startMaterializer(names, groupId);
  let peak = 0;
  try {
    let first: { at: number; done: number } | null = null;
    let done = 0;
    let shown = 0;
    const deadline = Date.now() + 30 * 60_000;
    while (done < total && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the materializer exited with ${child.exitCode}`);
      await sleep(100);
      peak = Math.max(peak, processStatusMb(child.pid as number, 'VmRSS') ?? 0);
      done = await checkpointSum(pool, groupId);
      if (first === null && done > 0) first = { at: performance.now(), done };
      if (done - shown >= total / 10) {
        shown = done;
        context.progress(`  materializer: ${done}/${total} committed, rss ${Math.round(peak)} MB`);
      }
    }
    if (done < total || first === null) throw new Error(`the materializer committed ${done} of ${total} in time`);
    const seconds = (performance.now() - first.at) / 1000;
    return { rate: (done - first.done) / seconds, rssMb: peak, events: done - first.done, seconds };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/**
 * The raw limit: the same rows COPYed straight into the same tables, no Kafka, no staging, no
 * upserts — on as many connections at once as the materializer has writers, so the ratio compares
 * like with like.
 */
async function rawCopy(context: BenchContext, pool: Pool, events: Iterable<TypedEvent>, writers: number): Promise<{ rate: number; events: number }> {
  const clients = await Promise.all(Array.from({ length: writers }, () => pool.connect()));
  const busy: Array<Promise<void>> = clients.map(() => Promise.resolve());
  let n = 0;
  let chunks = 0;
  const started = performance.now();
  try {
    let chunk: TypedEvent[] = [];
    let last: string | null = null;
    const flush = async () => {
      const rows = chunk;
      const first = n;
      n += rows.length;
      chunk = [];
      const lane = chunks++ % clients.length;
      await busy[lane];
      const client = clients[lane] as PoolClient;
      busy[lane] = (async () => {
        const batch = reduceWrites(rows.map((event, i) => projectEvent(event, { topic: 'raw', partition: lane, offset: String(first + i), schemaId: 1 })));
        await client.query('BEGIN');
        await copyTable(client, eventsTable, batch.events);
        await copyTable(client, rolloutsTable, batch.rollouts);
        await copyTable(client, turnsTable, batch.turns);
        await copyTable(client, toolCallsTable, batch.toolCalls);
        await copyTable(client, rewardsTable, batch.rewards);
        await client.query('COMMIT');
      })();
    };
    for (const event of events) {
      // Tasks are shared by every run (their ids are the tau2 task ids): the raw COPY leaves them out.
      if (event.type === 'TaskDefined' || event.type === 'BatchAssembled') continue;
      // Chunks end on a rollout boundary, so no rollout row is COPYed twice.
      if (chunk.length >= RAW_CHUNK && event.data.rollout_id !== last) await flush();
      chunk.push(event);
      last = event.data.rollout_id;
    }
    if (chunk.length > 0) await flush();
    await Promise.all(busy);
  } finally {
    for (const client of clients) client.release();
  }
  context.progress(`  raw COPY: ${n} events on ${writers} connection(s)`);
  return { rate: n / ((performance.now() - started) / 1000), events: n };
}

async function copyTable<R>(client: PoolClient, table: StagedTable<R>, rows: readonly R[]): Promise<void> {
  if (rows.length === 0) return;
  await copyIn(client, `COPY ${table.table} (${table.columns.map((c) => `"${c.name}"`).join(', ')}) FROM STDIN`, copyRowBuffers(table.columns, rows));
}

/** What a user writes first: one message at a time, one INSERT per row, autocommit. */
async function naiveConsumer(context: BenchContext, pool: Pool, names: TopicNames, total: number): Promise<{ rate: number; events: number }> {
  const consumer = new LedgerConsumer({
    brokers: context.connection.KAFKA_BROKERS,
    clientId: 'bench-naive',
    logLevel: 'error',
    groupId: `${context.runTag}-naive`,
    topics: [names.rolloutEvents, names.taskDefinitions],
    serde: new EventSerde({ registry: new HttpSchemaRegistry({ url: context.connection.SCHEMA_REGISTRY_URL }) }),
  });
  let done = 0;
  let started = 0;
  await consumer.connect();
  try {
    await consumer.run(async (records) => {
      for (const record of records) {
        if (started === 0) started = performance.now();
        await naiveInsert(pool, record);
        done++;
      }
    });
    const deadline = Date.now() + 20 * 60_000;
    while (done < total && Date.now() < deadline) await sleep(100);
  } finally {
    await consumer.disconnect();
  }
  return { rate: done / ((performance.now() - started) / 1000), events: done };
}

async function naiveInsert(pool: Pool, record: ConsumedRecord): Promise<void> {
  if (record.kind !== 'event') return;
  const { event, message } = record;
  const d = event.data as unknown as Record<string, unknown>;
  await pool.query(
    'insert into events (event_id, event_type, rollout_id, group_id, run_id, topic, partition, "offset", schema_id, occurred_at, payload) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,to_timestamp($10 / 1000.0),$11) on conflict do nothing',
    [d.event_id, event.type, d.rollout_id ?? null, d.group_id ?? null, d.run_id ?? null, message.topic, message.partition, message.offset, event.schemaId, d.occurred_at, JSON.stringify(d)],
  );
  switch (event.type) {
    case 'RolloutStarted': {
      const e = event.data;
      await pool.query(
        'insert into rollouts (rollout_id, run_id, group_id, task_id, domain, group_size, policy_version, attempt, system_prompt, tools, started_at) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,to_timestamp($11 / 1000.0)) on conflict (rollout_id) do update set task_id = excluded.task_id',
        [e.rollout_id, e.run_id, e.group_id, e.task_id, e.domain, e.group_size, e.policy_version, e.attempt, e.system_prompt, e.tools, e.occurred_at],
      );
      return;
    }
    case 'TurnRecorded': {
      const e = event.data;
      await pool.query(
        'insert into turns (rollout_id, turn_index, event_id, role, content, tool_calls, tool_call_id, name, trainable, token_ids, logprobs, policy_version, usage, occurred_at) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,to_timestamp($14 / 1000.0)) on conflict do nothing',
        [e.rollout_id, e.turn_index, e.event_id, e.role, e.content, JSON.stringify(e.tool_calls), e.tool_call_id, e.name, e.trainable, e.token_ids, e.logprobs, e.policy_version, e.usage && JSON.stringify(e.usage), e.occurred_at],
      );
      return;
    }
    case 'ToolCallRecorded': {
      const e = event.data;
      await pool.query(
        'insert into tool_calls (rollout_id, tool_call_id, event_id, name, arguments, requestor, turn_index, result, error, status, latency_ms, occurred_at) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,to_timestamp($12 / 1000.0)) on conflict do nothing',
        [e.rollout_id, e.tool_call_id, e.event_id, e.name, e.arguments, e.requestor, e.turn_index, e.result, e.error, e.status, e.latency_ms, e.occurred_at],
      );
      return;
    }
    case 'RewardAssigned': {
      const e = event.data;
      await pool.query(
        'insert into rewards (event_id, rollout_id, group_id, run_id, reward, components, reward_fn, reward_fn_version, source, details, occurred_at) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,to_timestamp($11 / 1000.0)) on conflict do nothing',
        [e.event_id, e.rollout_id, e.group_id, e.run_id, e.reward, JSON.stringify(e.components), e.reward_fn, e.reward_fn_version, e.source, e.details, e.occurred_at],
      );
      return;
    }
    case 'RolloutCompleted': {
      const e = event.data;
      await pool.query('update rollouts set termination_reason = $2, num_turns = $3, final_state_hash = $4, duration_ms = $5, completed_at = to_timestamp($6 / 1000.0) where rollout_id = $1', [e.rollout_id, e.termination_reason, e.num_turns, e.final_state_hash, e.duration_ms, e.occurred_at]);
      return;
    }
    default:
      return;
  }
}

async function deleteRuns(pool: Pool, runIds: readonly string[], groups: readonly string[]): Promise<void> {
  await pool.query('delete from turns where rollout_id in (select rollout_id from rollouts where run_id = any($1))', [runIds]);
  await pool.query('delete from tool_calls where rollout_id in (select rollout_id from rollouts where run_id = any($1))', [runIds]);
  for (const table of ['rewards', 'rollouts', 'events']) await pool.query(`delete from ${table} where run_id = any($1)`, [runIds]);
  await pool.query('delete from consumer_checkpoints where consumer_group = any($1)', [groups]);
  await pool.query('delete from consumer_kafka_clusters where consumer_group = any($1)', [groups]);
  // Where autovacuum is off (the local stack) the space is reused by the next run only after this.
  await pool.query('vacuum (analyze) turns, tool_calls, rewards, rollouts, events, consumer_checkpoints');
}

export const materializerScenario: BenchScenario = {
  name: 'materializer',
  description: 'events/s from Kafka to committed Postgres rows (`serve --apps materializer`, MUA-RL-shaped tau2 rollouts) vs a naive eachMessage consumer and vs raw COPY',
  async run(context: BenchContext): Promise<readonly BenchFigure[]> {
    const total = context.quick ? QUICK_EVENTS : FULL_EVENTS;
    const naiveTotal = context.quick ? QUICK_NAIVE_EVENTS : FULL_NAIVE_EVENTS;
    const main = topicNames(`${context.runTag}-mat`);
    const naive = topicNames(`${context.runTag}-naive`);
    const runs = { main: `${context.runTag}-mat`, raw: `${context.runTag}-raw`, naive: `${context.runTag}-naive` };
    const pool = new Pool({ connectionString: context.connection.DATABASE_URL, max: 3 + loadMaterializerConfig().MATERIALIZER_WRITERS });
    try {
      await withTopics(context, main);
      const produced = await produce(context, main, workload(runs.main, total), 'materializer backlog', total);
      const drained = await materializerDrain(context, pool, main, produced.events);
      const writers = loadMaterializerConfig().MATERIALIZER_WRITERS;
      const raw = await rawCopy(context, pool, workload(runs.raw, total), writers);
      await withTopics(context, naive);
      const naiveProduced = await produce(context, naive, workload(runs.naive, naiveTotal), 'naive backlog', naiveTotal);
      const slow = await naiveConsumer(context, pool, naive, naiveProduced.events);
      const note = `${produced.events} simulated tau2 events (~31 per rollout, ~1.1 KB each, token fields on half the runs), ${PARTITIONS} partitions, one instance with ${writers} writer(s)`;
      return [
        { name: 'materializer.events_per_s', value: round(drained.rate, 0), unit: 'events/s', note: `${note}; backlog drained from first to last committed checkpoint (${drained.events} events in ${round(drained.seconds, 1)} s)` },
        { name: 'materializer.raw_copy_events_per_s', value: round(raw.rate, 0), unit: 'events/s', note: `same rows COPYed directly (no Kafka, staging or upserts), ${raw.events} events in chunks of ${RAW_CHUNK}, ${writers} connection(s) at once (as many as the materializer's writers)` },
        { name: 'materializer.vs_raw', value: round(drained.rate / raw.rate, 3), unit: 'ratio', baseline: 'materializer.raw_copy_events_per_s', ratio: round(drained.rate / raw.rate, 3) },
        { name: 'materializer.naive_events_per_s', value: round(slow.rate, 0), unit: 'events/s', note: `eachMessage-style, one INSERT per row, autocommit, ${slow.events} events` },
        { name: 'materializer.vs_naive', value: round(drained.rate / slow.rate, 1), unit: 'ratio', baseline: 'materializer.naive_events_per_s', ratio: round(drained.rate / slow.rate, 1) },
        { name: 'materializer.consumer_rss_mb', value: round(drained.rssMb, 0), unit: 'MB', note: 'peak RSS of the materializer process while draining' },
        { name: 'materializer.produce_events_per_s', value: round(produced.events / produced.seconds, 0), unit: 'events/s', note: 'LedgerProducer filling the backlog (for orientation)' },
      ];
    } finally {
      context.progress('  cleaning up rows and topics');
      await deleteRuns(pool, Object.values(runs), [`${context.runTag}-materializer`]).catch((error: Error) => context.progress(`  cleanup failed: ${error.message}`));
      // The local stack runs without autovacuum: the full run's ~2M deleted rows would otherwise stay
      // in the indexes and slow every later write and event-id lookup (and the next run's figures).
      context.progress('  vacuuming the history tables');
      await pool.query('VACUUM (ANALYZE) events, rollouts, turns, tool_calls, rewards').catch((error: Error) => context.progress(`  vacuum failed: ${error.message}`));
      await pool.end();
      await deleteTopics(context.connection, [main, naive]).catch(() => undefined);
    }
  },
};
