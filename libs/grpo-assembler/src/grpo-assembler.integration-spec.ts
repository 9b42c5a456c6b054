import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { computeAdvantages } from '@rollout-ledger/grpo';
import { DeadLetterPublisher, EventSerde, HttpSchemaRegistry, LedgerConsumer, createAdmin, type ConsumedRecord } from '@rollout-ledger/kafka';
import { createDatabase, type Database } from '@rollout-ledger/persistence';
import {
  API_KEY,
  BROKERS,
  DATABASE_URL,
  REGISTRY_URL,
  ROOT,
  api,
  connectProducer,
  createTopics,
  groupEvents,
  randomNames,
  startAssembler,
  waitFor,
  type GroupSpec,
  type RunningAssembler,
  type TestNames,
} from './assembler-process.fixture';
import { listenerName } from './batch-availability';
import { requireEsm } from './esm-require';

const run = promisify(execFile);
let db: Database;
const running: RunningAssembler[] = [];

beforeAll(() => {
  db = createDatabase(DATABASE_URL, { max: 4 });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.kill('SIGTERM')));
});

afterAll(async () => {
  await db.destroy();
});

async function launch(names: TestNames, env: Record<string, string>, dir: string): Promise<RunningAssembler> {
  const assembler = await startAssembler(names, env, dir);
  running.push(assembler);
  return assembler;
}

/** Resolves once a trainer's lease request has found nothing: it records the trainer as seen (last_lease_at) before it waits. */
function trainerWaiting(names: TestNames, trainerId: string): Promise<boolean> {
  return waitFor(`trainer ${trainerId}'s request to be waiting`, async () => (await db('grpo_trainers').where({ assembler: names.consumerGroup, trainer_id: trainerId }).first()) !== undefined);
}

function expectedAdvantages(spec: GroupSpec): Map<string, number> {
  const complete = spec.rewards.flatMap((r, attempt) => (r === null ? [] : [{ attempt, r }]));
  const advantages = computeAdvantages('grpo', complete.map((c) => c.r));
  return new Map(complete.map((c, i) => [`${spec.groupId}-r${c.attempt}`, advantages[i] as number]));
}

async function batchesOf(names: TestNames): Promise<{ batch_id: string; sequence: string; group_ids: string[]; payload_jsonl: string; payload_parquet: string }[]> {
  return db('grpo_batches').where({ assembler: names.consumerGroup }).orderBy('sequence').select('batch_id', 'sequence', 'group_ids', 'payload_jsonl', 'payload_parquet');
}

/** Every BatchAssembled on the test's topic, read with a fresh group. */
async function readBatchAssembled(names: TestNames, count: number): Promise<string[]> {
  const serde = new EventSerde({ registry: new HttpSchemaRegistry({ url: REGISTRY_URL }), topics: { BatchAssembled: names.batchesTopic } });
  const consumer = new LedgerConsumer({ brokers: BROKERS, clientId: 'grpo-it-reader', logLevel: 'nothing', groupId: `it-reader-${randomUUID()}`, topics: [names.batchesTopic], serde });
  const ids: string[] = [];
  await consumer.connect();
  try {
    await consumer.run(async (records) => {
      for (const r of records) if (r.kind === 'event' && r.event.type === 'BatchAssembled') ids.push(r.event.data.batch_id);
    });
    await waitFor(`${count} BatchAssembled events`, async () => new Set(ids).size >= count);
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

describe('GRPO assembler on the real stack', () => {
  it('given simulated groups with known rewards, then batches carry verl advantages, filters are logged with reasons, and a Python trainer receives them', async () => {
    const names = randomNames('flow');
    const dir = await mkdtemp(join(tmpdir(), 'grpo-it-'));
    await createTopics(names);
    const assembler = await launch(names, { GRPO_BATCH_GROUPS: '2', GRPO_MAX_STALENESS: '2', GRPO_GROUP_TIMEOUT_MS: '4000', GRPO_MIN_GROUP_SIZE: '2' }, dir);
    expect((await api(assembler.url, 'POST', '/v1/trainers/t0/policy-version', { policy_version: 10 })).status).toBe(200);

    const good: GroupSpec[] = [
      { groupId: `${names.tag}-a`, rewards: [1, 0, 0, 0], withTokens: true },
      { groupId: `${names.tag}-b`, rewards: [1, 1, 0, 0] },
      { groupId: `${names.tag}-c`, rewards: [0, 0, 1, 0] },
      { groupId: `${names.tag}-d`, rewards: [0.5, 1, 0, 0.25] },
    ];
    const zero: GroupSpec = { groupId: `${names.tag}-zero`, rewards: [1, 1, 1, 1] };
    const stale: GroupSpec = { groupId: `${names.tag}-stale`, rewards: [1, 0, 1, 0], policyVersion: 7 };
    const partial: GroupSpec = { groupId: `${names.tag}-partial`, rewards: [1, 0, 0, null] };
    const dropped: GroupSpec = { groupId: `${names.tag}-dropped`, rewards: [1, null, null, null] };
    const producer = await connectProducer(names);
    try {
      await producer.publish([...good, zero, stale, partial, dropped].flatMap((spec) => groupEvents(names.runId, spec)));

      const filtered = await waitFor('zero-variance and stale groups in the filter log', async () => {
        const { json } = await api(assembler.url, 'GET', `/v1/groups/filtered?run_id=${names.runId}`);
        return json.filtered.length >= 2 ? json.filtered : null;
      });
      expect(filtered.map((f: { group_id: string; reason: string }) => [f.group_id, f.reason]).sort()).toEqual(
        [[zero.groupId, 'zero_variance'], [stale.groupId, 'stale']].sort(),
      );
      expect(filtered.find((f: { reason: string }) => f.reason === 'stale').message).toMatch(/policy_version 7 is 3 behind trainer version 10; max staleness 2/);
      expect(filtered.find((f: { reason: string }) => f.reason === 'zero_variance').message).toMatch(/all 4 rewards equal 1/);

      // After the timeout the sweep emits the 3-of-4 group (partial) and drops the 1-of-4 group; one
      // more complete group then fills the third batch with the partial one.
      await waitFor('the timed-out groups decided', async () => {
        const { json } = await api(assembler.url, 'GET', `/v1/groups/filtered?run_id=${names.runId}&reason=timeout_dropped`);
        return json.filtered.length === 1;
      });
      const late: GroupSpec = { groupId: `${names.tag}-e`, rewards: [0, 1, 1, 0] };
      await producer.publish(groupEvents(names.runId, late));
      const batches = await waitFor('three batches', async () => ((await batchesOf(names)).length === 3 ? batchesOf(names) : null));

      expect(batches.map((b) => b.sequence)).toEqual(['0', '1', '2']);
      expect(batches.flatMap((b) => b.group_ids).sort()).toEqual([...good, partial, late].map((g) => g.groupId).sort());
      expect(batches[2]?.group_ids.sort()).toEqual([late.groupId, partial.groupId].sort());

      // BatchAssembled is published once both payload files exist.
      expect(new Set(await readBatchAssembled(names, 3))).toEqual(new Set(batches.map((b) => b.batch_id)));
      const expected = new Map([...good, partial, late].flatMap((spec) => [...expectedAdvantages(spec)]));
      for (const batch of batches) {
        const lines = (await readFile(batch.payload_jsonl, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
        const { parquetReadObjects } = requireEsm<typeof import('hyparquet')>('hyparquet');
        const rows = await parquetReadObjects({ file: new Uint8Array(await readFile(batch.payload_parquet)).buffer });
        expect(rows.map((r) => [r.rollout_id, r.advantage])).toEqual(lines.map((l) => [l.rollout_id, l.advantage]));
        // The nested columns are the JSONL's values as JSON text (written from the rows rendered for the JSONL).
        const nested = (value: unknown) => (value === null ? undefined : JSON.parse(value as string));
        expect(rows.map((r) => [nested(r.messages), nested(r.tools), nested(r.token_ids), nested(r.loss_mask)])).toEqual(lines.map((l) => [l.messages, l.tools, l.token_ids, l.loss_mask]));
        for (const line of lines) {
          expect(line.batch_id).toBe(batch.batch_id);
          expect(line.advantage).toBeCloseTo(expected.get(line.rollout_id) as number, 12);
          expect(line.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant']);
          expect(line.tools[0].function.name).toBe('get_order');
          if (line.group_id === good[0]?.groupId) expect(line.loss_mask).toEqual([0, 0, 1, 1]);
          else expect(line).not.toHaveProperty('token_ids');
        }
      }

      const { stdout } = await run('python3', [join(ROOT, 'clients/python/rollout_ledger_trainer.py'), '--url', assembler.url, '--api-key', API_KEY, '--trainer-id', 'py-0', '--max-batches', '3', '--wait-s', '30'], { cwd: ROOT });
      const received = stdout.trim().split('\n').map((line) => JSON.parse(line));
      expect(received.map((b) => b.batch_id).sort()).toEqual(batches.map((b) => b.batch_id).sort());
      for (const member of received.flatMap((b) => b.members)) expect(member.advantage).toBeCloseTo(expected.get(member.rollout_id) as number, 12);
      expect((await api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'py-0' })).status).toBe(204);

      // Every consumer step is timed on /metrics, with how long its oldest fetch waited for it.
      const metrics = await (await fetch(`${assembler.url}/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } })).text();
      const count = (name: string) => Number(new RegExp(`^${name}_count\\{assembler="${names.consumerGroup}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
      expect(count('rollout_ledger_grpo_step_seconds')).toBeGreaterThan(0);
      expect(count('rollout_ledger_grpo_fetch_wait_seconds')).toBe(count('rollout_ledger_grpo_step_seconds'));
    } finally {
      await producer.disconnect();
    }
  });

  it('given two concurrent trainers, then no batch goes to both; a nacked or expired lease is delivered again, a stale ack is a 409, an acked batch never comes back', async () => {
    const names = randomNames('lease');
    const dir = await mkdtemp(join(tmpdir(), 'grpo-it-'));
    await createTopics(names);
    const assembler = await launch(names, { GRPO_BATCH_GROUPS: '1' }, dir);
    const producer = await connectProducer(names);
    try {
      await producer.publish(Array.from({ length: 6 }, (_, i) => groupEvents(names.runId, { groupId: `${names.tag}-g${i}`, rewards: [1, 0, i % 2, 0] })).flat());
    } finally {
      await producer.disconnect();
    }
    await waitFor('six batches', async () => (await batchesOf(names)).length === 6);

    // A lease for another run finds nothing.
    expect((await api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'B', run_id: `${names.runId}-other` })).status).toBe(204);
    // A leases with a 2 s timeout and "crashes"; B holds long leases (asking for this run). Twelve requests race for six batches.
    const requests = Array.from({ length: 12 }, (_, i) =>
      api(assembler.url, 'POST', '/v1/batches/lease', i % 2 === 0 ? { trainer_id: 'A', lease_timeout_s: 2 } : { trainer_id: 'B', lease_timeout_s: 600, run_id: names.runId }),
    );
    const granted = (await Promise.all(requests)).filter((r) => r.status === 200).map((r) => r.json);
    expect(granted).toHaveLength(6);
    expect(new Set(granted.map((g) => g.batch_id)).size).toBe(6);
    // Whoever got the first batch nacks it: it is delivered again, to whoever asks next.
    const [nacked, ...rest] = granted;
    const leasesA = rest.filter((g) => g.leased_by === 'A');
    const keptB = rest.filter((g) => g.leased_by === 'B');
    expect(leasesA.length + keptB.length).toBe(5);
    expect((await api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'B' })).status).toBe(204);
    expect((await api(assembler.url, 'POST', `/v1/batches/${nacked.batch_id}/nack`, { lease_id: nacked.lease_id, reason: 'oom' })).status).toBe(200);
    const again = await api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'B', lease_timeout_s: 600 });
    expect(again.json.batch_id).toBe(nacked.batch_id);
    expect(again.json.delivery_count).toBe(2);
    keptB.push(again.json);
    for (const lease of keptB) {
      expect((await api(assembler.url, 'POST', `/v1/batches/${lease.batch_id}/ack`, { lease_id: lease.lease_id })).status).toBe(200);
      // Acking twice with the same lease is a no-op, not an error.
      expect((await api(assembler.url, 'POST', `/v1/batches/${lease.batch_id}/ack`, { lease_id: lease.lease_id })).json.status).toBe('acked');
    }

    // A's leases expire: its batches go to B, A's late ack is refused with 409, B's ack wins.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const redelivered = [];
    for (;;) {
      const next = await api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'B', lease_timeout_s: 600 });
      if (next.status === 204) break;
      redelivered.push(next.json);
    }
    expect(redelivered.map((r) => r.batch_id).sort()).toEqual(leasesA.map((a) => a.batch_id).sort());
    for (const old of leasesA) {
      const late = await api(assembler.url, 'POST', `/v1/batches/${old.batch_id}/ack`, { lease_id: old.lease_id });
      expect(late.status).toBe(409);
      expect(late.json.error).toBe('LEASE_CONFLICT');
    }
    for (const lease of redelivered) expect((await api(assembler.url, 'POST', `/v1/batches/${lease.batch_id}/ack`, { lease_id: lease.lease_id })).status).toBe(200);
    expect((await api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'A', lease_timeout_s: 1 })).status).toBe(204);
    expect((await api(assembler.url, 'POST', '/v1/batches/nope/ack', { lease_id: 'x' })).status).toBe(404);
    // An acked batch cannot be nacked.
    const ackedNack = await api(assembler.url, 'POST', `/v1/batches/${keptB[0].batch_id}/nack`, { lease_id: keptB[0].lease_id });
    expect(ackedNack.status).toBe(409);
    expect(ackedNack.json.error).toBe('LEASE_CONFLICT');
    const leases = await db('grpo_batch_leases').whereIn('batch_id', granted.map((g) => g.batch_id)).select('lease_id', 'status', 'reason', 'ended_at');
    expect(leases.filter((l) => l.status === 'expired')).toHaveLength(leasesA.length);
    expect(leases.filter((l) => l.status === 'nacked').map((l) => [l.lease_id, l.reason])).toEqual([[nacked.lease_id, 'oom']]);
    expect(leases.filter((l) => l.status === 'acked').map((l) => l.lease_id).sort()).toEqual([...keptB, ...redelivered].map((l) => l.lease_id).sort());
    expect(leases.every((l) => l.ended_at !== null)).toBe(true);
    const batchRows = await db('grpo_batches').whereIn('batch_id', granted.map((g) => g.batch_id)).select('status', 'acked_at', 'lease_id');
    expect(batchRows.every((b) => b.status === 'acked' && b.acked_at !== null)).toBe(true);
    const trainers = await db('grpo_trainers').where({ assembler: names.consumerGroup }).orderBy('trainer_id').select('trainer_id', 'last_lease_at');
    expect(trainers.map((t) => t.trainer_id)).toEqual(['A', 'B']);
    expect(trainers.every((t) => t.last_lease_at !== null)).toBe(true);
  });

  it('given trainers long-polling (wait_s), then a new batch, a nack and a batch freed by another connection each wake a waiter; a trainer that hung up is not handed a batch', async () => {
    const names = randomNames('wait');
    const dir = await mkdtemp(join(tmpdir(), 'grpo-it-'));
    await createTopics(names);
    // Re-checks so rare that within these waits only a notification can answer with a batch.
    const assembler = await launch(names, { GRPO_BATCH_GROUPS: '1', GRPO_LEASE_RECHECK_MS: '600000' }, dir);
    const producer = await connectProducer(names);
    const publishGroup = (i: number) => producer.publish(groupEvents(names.runId, { groupId: `${names.tag}-g${i}`, rewards: [1, 0, 1, 0] }));
    const waiting = (trainerId: string) => trainerWaiting(names, trainerId);
    // A trainer's lease request, waiting when `action` runs; its answer.
    const leaseAround = async (trainerId: string, action: () => Promise<unknown>) => {
      const answer = api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: trainerId, wait_s: 30 });
      await waiting(trainerId);
      await action();
      return answer;
    };
    try {
      // Waiting before the batch exists: answered with it once it is created.
      const created = await leaseAround('W', () => publishGroup(0));
      expect(created.status).toBe(200);
      expect(created.json.group_ids).toEqual([`${names.tag}-g0`]);

      // A nack wakes a waiter, which receives the batch again.
      const second = api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'V', wait_s: 30 });
      await waiting('V');
      expect((await api(assembler.url, 'POST', `/v1/batches/${created.json.batch_id}/nack`, { lease_id: created.json.lease_id })).status).toBe(200);
      const renewed = await second;
      expect(renewed.status).toBe(200);
      expect(renewed.json.batch_id).toBe(created.json.batch_id);
      expect(renewed.json.delivery_count).toBe(2);

      // Freed from another connection (as another instance's nack would be): the trigger notifies every listener.
      const third = api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'U', wait_s: 30 });
      await waiting('U');
      await db('grpo_batches').where({ batch_id: created.json.batch_id }).update({ status: 'available', lease_id: null, leased_by: null, lease_expires_at: null });
      const freed = await third;
      expect(freed.status).toBe(200);
      expect(freed.json.delivery_count).toBe(3);
      expect((await api(assembler.url, 'POST', `/v1/batches/${freed.json.batch_id}/ack`, { lease_id: freed.json.lease_id })).status).toBe(200);

      // Nothing to lease within the wait: 204.
      expect((await api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'U', wait_s: 1 })).status).toBe(204);

      // A trainer that hangs up while waiting gets nothing; the next batch goes to the next trainer, first delivery.
      const hangUp = new AbortController();
      const abandoned = fetch(`${assembler.url}/v1/batches/lease`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ trainer_id: 'gone', wait_s: 30 }),
        signal: hangUp.signal,
      }).then(
        () => 'answered',
        (error: Error) => error.name,
      );
      await waiting('gone');
      hangUp.abort();
      expect(await abandoned).toBe('AbortError');
      await publishGroup(1);
      await waitFor('the second batch', async () => (await batchesOf(names)).length === 2);
      const next = await api(assembler.url, 'POST', '/v1/batches/lease', { trainer_id: 'U', wait_s: 5 });
      expect(next.status).toBe(200);
      expect(next.json.group_ids).toEqual([`${names.tag}-g1`]);
      expect(next.json.delivery_count).toBe(1);
      const leasedBy = await db('grpo_batch_leases').whereIn('batch_id', (await batchesOf(names)).map((b) => b.batch_id)).pluck('trainer_id');
      expect(leasedBy.sort()).toEqual(['U', 'U', 'V', 'W']);

      // The LISTEN connection killed by the server: the assembler opens another and waiters are woken again.
      const listeners = () =>
        db.raw('select pid from pg_stat_activity where application_name = ?', [listenerName(names.consumerGroup)]).then((r: { rows: { pid: number }[] }) => r.rows.map((row) => row.pid));
      const before = await listeners();
      expect(before.length).toBeGreaterThan(0);
      await db.raw('select pg_terminate_backend(pid) from pg_stat_activity where pid = any(?)', [before]);
      await waitFor('a new LISTEN connection', async () => (await listeners()).some((pid) => !before.includes(pid)));
      const woken = await leaseAround('T', () => publishGroup(2));
      expect(woken.status).toBe(200);
      expect(woken.json.group_ids).toEqual([`${names.tag}-g2`]);
    } finally {
      await producer.disconnect();
    }
  });

  it('given a lease server (GRPO_ROLE=leases) beside the assembler, then it wakes its waiting trainers with the batches the assembler commits, serves payloads and acks without Kafka, and reports its LISTEN connection on /health', async () => {
    const names = randomNames('leases');
    const dir = await mkdtemp(join(tmpdir(), 'grpo-it-'));
    await createTopics(names);
    const assembler = await launch(names, { GRPO_BATCH_GROUPS: '1' }, dir);
    // No broker at this address: the lease server must not need one. Re-checks so rare that only a
    // notification of the assembler's commit can answer the waiting request.
    const leases = await launch(names, { GRPO_ROLE: 'leases', KAFKA_BROKERS: '127.0.0.1:1', GRPO_LEASE_RECHECK_MS: '600000' }, dir);
    expect(leases.output()).toMatch(/GRPO_ROLE=leases: no Kafka consumer here/);
    const health = await api(leases.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json.checks).toEqual({ [`grpo-leases:${names.consumerGroup}`]: { healthy: true } });
    const producer = await connectProducer(names);
    try {
      const spec: GroupSpec = { groupId: `${names.tag}-g0`, rewards: [1, 0, 0, 1] };
      const answer = api(leases.url, 'POST', '/v1/batches/lease', { trainer_id: 'L', wait_s: 30 });
      await trainerWaiting(names, 'L');
      expect(await batchesOf(names)).toHaveLength(0);
      await producer.publish(groupEvents(names.runId, spec));
      const granted = await answer;
      expect(granted.status).toBe(200);
      expect(granted.json.group_ids).toEqual([spec.groupId]);

      const payload = await fetch(`${leases.url}/v1/batches/${granted.json.batch_id}/payload?format=jsonl`, { headers: { authorization: `Bearer ${API_KEY}` } });
      expect(payload.status).toBe(200);
      const members = (await payload.text()).trim().split('\n').map((line) => JSON.parse(line) as { rollout_id: string; advantage: number });
      const expected = expectedAdvantages(spec);
      expect(members.map((m) => m.rollout_id).sort()).toEqual([...expected.keys()].sort());
      for (const member of members) expect(member.advantage).toBeCloseTo(expected.get(member.rollout_id) as number, 12);

      expect((await api(leases.url, 'POST', `/v1/batches/${granted.json.batch_id}/ack`, { lease_id: granted.json.lease_id })).status).toBe(200);
      // The assembler's own API sees the same state: one store.
      expect((await api(assembler.url, 'GET', `/v1/batches/${granted.json.batch_id}`)).json).toMatchObject({ status: 'acked', delivery_count: 1 });
      expect((await api(leases.url, 'POST', '/v1/batches/lease', { trainer_id: 'L' })).status).toBe(204);

      // Its LISTEN connection killed by the server: /health says so until it has opened another.
      const leaseCheck = async () => {
        const response = await api(leases.url, 'GET', '/health');
        return { status: response.status, ...(response.json.checks[`grpo-leases:${names.consumerGroup}`] as { healthy: boolean; detail?: string }) };
      };
      await db.raw('select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?', [listenerName(names.consumerGroup)]);
      expect(await waitFor('the lease server to report its lost LISTEN connection', async () => {
        const check = await leaseCheck();
        return check.healthy ? null : check;
      }, 10_000)).toEqual({ status: 503, healthy: false, detail: expect.stringMatching(/LISTEN connection to PostgreSQL lost/) });
      expect(await waitFor('the lease server healthy again', async () => {
        const check = await leaseCheck();
        return check.healthy ? check : null;
      }, 30_000)).toEqual({ status: 200, healthy: true });
      // …and the new connection wakes a waiting trainer with the next batch.
      const next: GroupSpec = { groupId: `${names.tag}-g1`, rewards: [0, 1, 1, 1] };
      const woken = api(leases.url, 'POST', '/v1/batches/lease', { trainer_id: 'M', wait_s: 30 });
      await trainerWaiting(names, 'M');
      await producer.publish(groupEvents(names.runId, next));
      const second = await woken;
      expect(second.status).toBe(200);
      expect(second.json.group_ids).toEqual([next.groupId]);

      // Only the assembler is a member of the consumer group.
      const admin = createAdmin({ brokers: BROKERS, clientId: 'grpo-it-admin', logLevel: 'nothing' });
      await admin.connect();
      try {
        const { groups } = await admin.describeGroups([names.consumerGroup]);
        expect(groups[0]?.members).toHaveLength(1);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await producer.disconnect();
    }
  });

  it('given the assembler SIGKILLed mid-stream and restarted, then no group is lost and no batch is duplicated', async () => {
    const names = randomNames('crash');
    const dir = await mkdtemp(join(tmpdir(), 'grpo-it-'));
    await createTopics(names);
    const env = { GRPO_BATCH_GROUPS: '3' };
    const specs: GroupSpec[] = Array.from({ length: 36 }, (_, i) => ({
      groupId: `${names.tag}-g${String(i).padStart(2, '0')}`,
      // Every sixth group is zero-variance, the rest have signal.
      rewards: i % 6 === 5 ? [1, 1, 1, 1] : [1, 0, (i % 3) / 2, 0],
    }));
    const producer = await connectProducer(names);
    let assembler = await launch(names, env, dir);
    try {
      for (let chunk = 0; chunk < 6; chunk++) {
        const publishing = producer.publish(specs.slice(chunk * 6, chunk * 6 + 6).flatMap((spec) => groupEvents(names.runId, spec)));
        if (chunk % 2 === 1) {
          // Killed while events are arriving and batches are being assembled, then restarted.
          await new Promise((resolve) => setTimeout(resolve, 50 + chunk * 40));
          await assembler.kill('SIGKILL');
          running.splice(running.indexOf(assembler), 1);
          await publishing;
          assembler = await launch(names, env, dir);
        } else {
          await publishing;
        }
      }
    } finally {
      await producer.disconnect();
    }
    const withSignal = specs.filter((_, i) => i % 6 !== 5);
    const batches = await waitFor('every group with signal batched', async () => {
      const rows = await batchesOf(names);
      return rows.flatMap((b) => b.group_ids).length >= withSignal.length ? rows : null;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const final = await batchesOf(names);
    expect(final).toEqual(batches);
    expect(final).toHaveLength(withSignal.length / 3);
    expect(final.map((b) => b.sequence)).toEqual(final.map((_, i) => String(i)));
    const batchedGroups = final.flatMap((b) => b.group_ids);
    expect(batchedGroups.sort()).toEqual(withSignal.map((s) => s.groupId).sort());
    const members = await db('grpo_batch_members').whereIn('batch_id', final.map((b) => b.batch_id)).select('rollout_id');
    expect(new Set(members.map((m) => m.rollout_id)).size).toBe(withSignal.length * 4);
    expect(members).toHaveLength(withSignal.length * 4);
    const filtered = await db('grpo_group_filters').where({ assembler: names.consumerGroup }).select('group_id', 'reason');
    expect(filtered.map((f) => f.group_id).sort()).toEqual(specs.filter((_, i) => i % 6 === 5).map((s) => s.groupId).sort());
    for (const batch of final) expect((await readFile(batch.payload_jsonl, 'utf8')).trim().split('\n')).toHaveLength(12);
    // At-least-once publishing may repeat an event after a kill, but only ever for these batch ids.
    expect(new Set(await readBatchAssembled(names, final.length))).toEqual(new Set(final.map((b) => b.batch_id)));
    const undecided = await db('grpo_groups').where({ assembler: names.consumerGroup }).whereIn('status', ['pending', 'ready']).count<{ count: string }[]>('* as count');
    expect(Number(undecided[0]?.count)).toBe(0);
  });

  it('given checkpoints beyond the end of its topic (an earlier incarnation of it), then it resets them at its start, says so, and batches the new groups', async () => {
    const names = randomNames('stale');
    const dir = await mkdtemp(join(tmpdir(), 'grpo-it-'));
    await createTopics(names);
    await db('consumer_checkpoints').insert([0, 1, 2].map((partition) => ({ consumer_group: names.consumerGroup, topic: names.topic, partition, next_offset: 1_000_000 })));
    const specs: GroupSpec[] = Array.from({ length: 6 }, (_, i) => ({ groupId: `${names.tag}-g${i}`, rewards: [1, 0, i / 6, 0] }));
    const assembler = await launch(names, { GRPO_BATCH_GROUPS: '3' }, dir);
    const producer = await connectProducer(names);
    try {
      await producer.publish(specs.flatMap((spec) => groupEvents(names.runId, spec)));
    } finally {
      await producer.disconnect();
    }
    const batches = await waitFor('both batches', async () => {
      const rows = await batchesOf(names);
      return rows.length >= 2 ? rows : null;
    });
    expect(batches.flatMap((b) => b.group_ids).sort()).toEqual(specs.map((s) => s.groupId).sort());
    expect(assembler.output()).toMatch(new RegExp(`checkpoint of ${names.topic.replace(/\./g, '\\.')}/\\d+ at offset 1000000 reset to 0 \\(it is beyond the end`));
  });

  it('given groups pending with their turns only in memory when the assembler is SIGKILLed, then the restart re-reads them from Kafka and emits the same batches as an assembler that never crashed; poison is dead-lettered once', async () => {
    const names = randomNames('replay');
    const control = { ...names, consumerGroup: `${names.consumerGroup}-control` };
    const dir = await mkdtemp(join(tmpdir(), 'grpo-it-'));
    await createTopics(names);
    const env = { GRPO_BATCH_GROUPS: '2', GRPO_DLQ_TOPIC: `${names.topic}.dlq` };
    const early: GroupSpec[] = Array.from({ length: 4 }, (_, i) => ({ groupId: `${names.tag}-early${i}`, rewards: [1, 0, i % 2, 0], withTokens: i === 0 }));
    const held: GroupSpec[] = Array.from({ length: 6 }, (_, i) => ({ groupId: `${names.tag}-held${i}`, rewards: [0, 1, 0, (i % 3) / 2], withTokens: i === 1 }));
    // The held groups' rewards are published only after the restart: until then every event of theirs lives in memory.
    const heldEvents = held.flatMap((spec) => groupEvents(names.runId, spec));
    const rewards = heldEvents.filter((e) => e.type === 'RewardAssigned');
    const producer = await connectProducer(names);
    const poison = new DeadLetterPublisher({ brokers: BROKERS, clientId: 'grpo-it-poison', logLevel: 'nothing', topic: names.topic });
    await poison.connect();
    const admin = createAdmin({ brokers: BROKERS, clientId: 'grpo-it-admin', logLevel: 'nothing' });
    await admin.connect();
    let assembler = await launch(names, env, dir);
    await launch(control, { GRPO_BATCH_GROUPS: '2' }, dir);
    try {
      await producer.publish([...early.flatMap((spec) => groupEvents(names.runId, spec)), ...heldEvents.filter((e) => e.type !== 'RewardAssigned')]);
      await poison.send({ key: 'not-avro', value: Buffer.from('definitely not avro') }, { topic: 'it', partition: 0, offset: '0' }, new Error('test poison'));
      const ends = await admin.fetchTopicOffsets(names.topic);
      await waitFor('every published record applied', async () => {
        const rows = await db('consumer_checkpoints').where({ consumer_group: names.consumerGroup, topic: names.topic }).select('partition', 'next_offset');
        // A partition nothing was published to has no checkpoint row, and nothing to apply.
        return ends.every((end) => BigInt(end.offset) === 0n || rows.some((r) => r.partition === end.partition && BigInt(r.next_offset) >= BigInt(end.offset)));
      });
      expect(await batchesOf(names)).toHaveLength(2);
      await assembler.kill('SIGKILL');
      running.splice(running.indexOf(assembler), 1);
      assembler = await launch(names, env, dir);
      await producer.publish(rewards);
    } finally {
      await producer.disconnect();
      await poison.disconnect();
      await admin.disconnect();
    }
    const total = (early.length + held.length) / 2;
    const crashed = await waitFor('every group batched after the restart', async () => ((await batchesOf(names)).length === total ? batchesOf(names) : null));
    const clean = await waitFor('every group batched by the control assembler', async () => ((await batchesOf(control)).length === total ? batchesOf(control) : null));
    // Which ready groups share a batch depends on fetch timing, so members are compared one by one.
    const members = async (batches: { payload_jsonl: string }[]) => {
      const byRollout = new Map<string, Record<string, unknown>>();
      for (const batch of batches) {
        for (const line of (await readFile(batch.payload_jsonl, 'utf8')).trim().split('\n')) {
          const { batch_id: _id, ...member } = JSON.parse(line);
          byRollout.set(member.rollout_id, member);
        }
      }
      return byRollout;
    };
    const rebuilt = await members(crashed);
    const reference = await members(clean);
    expect([...rebuilt.keys()].sort()).toEqual([...reference.keys()].sort());
    expect(rebuilt.size).toBe((early.length + held.length) * 4);
    for (const [rolloutId, member] of rebuilt) {
      expect(member).toEqual(reference.get(rolloutId));
      // The turns published before the kill made it into the payload: they were re-read from Kafka.
      expect((member.messages as { role: string }[]).map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    }
    expect(crashed.map((b) => b.sequence)).toEqual(crashed.map((_, i) => String(i)));
    expect(crashed.flatMap((b) => b.group_ids).sort()).toEqual([...early, ...held].map((g) => g.groupId).sort());

    const serde = new EventSerde({ registry: new HttpSchemaRegistry({ url: REGISTRY_URL }) });
    const reader = new LedgerConsumer({ brokers: BROKERS, clientId: 'grpo-it-dlq', logLevel: 'nothing', groupId: `it-dlq-${randomUUID()}`, topics: [`${names.topic}.dlq`], serde });
    const dead: ConsumedRecord[] = [];
    await reader.connect();
    try {
      await reader.run(async (records) => {
        dead.push(...records);
      });
      await waitFor('the poison message in the DLQ', async () => dead.length >= 1);
      // The restart re-read the poison below the checkpoint: it must not be dead-lettered a second time.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      await reader.disconnect();
    }
    expect(dead).toHaveLength(1);
    expect(dead[0]?.message.value?.toString()).toBe('definitely not avro');
    expect(String(dead[0]?.message.headers['x-dlq-original-topic'])).toBe(names.topic);
  });
});
