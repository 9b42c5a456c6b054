import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { RolloutEvent } from '@rollout-ledger/contracts';
import { createDatabase } from '@rollout-ledger/persistence';
import { CollectingRewardPublisher } from './kafka-reward.publisher';
import { replayEventId } from './replay-event-id';
import { rolloutEvents, taskDefinition, type FixtureRollout } from './replay.fixture';
import { connection, freshTopics, publish, rewardRowsOnceThere, rewardsOnKafka, runCli, serdeFor, startCli, typed, withMaterializer, type TestTopics } from './replay-stack.fixture';
import { silentProgress } from './replay.ports';
import { runReplay, type ReplayRequest } from './replay.runner';

interface Scenario {
  readonly topics: TestTopics;
  readonly runId: string;
  readonly rollouts: readonly FixtureRollout[];
  readonly events: readonly RolloutEvent[];
  /** Where the producer says each event landed, in the order of `events`. */
  readonly located: ReadonlyArray<{ readonly event: RolloutEvent; readonly partition: number; readonly offset: string }>;
}

/**
 * 12 rollouts of 2 tasks in 4 groups, online rewards from db-hash@1 (one of them wrong on purpose).
 * Replaying with db-hash-outputs@1 flips the retail rollouts that never said the required output
 * 1→0, and the one whose online reward was wrong 0→1.
 */
async function scenario(): Promise<Scenario> {
  const topics = await freshTopics();
  const id = randomUUID().slice(0, 8);
  const runId = `run-${id}`;
  const retail = `t-retail-${id}`;
  const airline = `t-airline-${id}`;
  const rollouts: FixtureRollout[] = [];
  for (let g = 0; g < 4; g++) {
    for (let i = 0; i < 3; i++) {
      const task = g < 2 ? retail : airline;
      const n = g * 3 + i;
      const hashOk = n % 3 !== 2;
      rollouts.push({
        rollout_id: `r-${id}-${String(n).padStart(2, '0')}`,
        group_id: `g-${id}-${g}`,
        run_id: runId,
        task_id: task,
        domain: g < 2 ? 'retail' : 'airline',
        final_state_hash: hashOk ? 'ok' : 'bad',
        says: n % 2 === 0 ? ['Your refund of 30 dollars is on its way'] : ['Done, anything else?'],
        // rollout 10 (airline, hash ok) was scored 0 online by mistake.
        online: n === 10 ? 0 : hashOk ? 1 : 0,
        at: 1_767_225_600_000 + n * 1000,
      });
    }
  }
  const events = rollouts.flatMap(rolloutEvents);
  await publish(topics, typed([
    { type: 'TaskDefined', data: taskDefinition(retail, 'retail', 'ok', ['refund of 30']) },
    { type: 'TaskDefined', data: taskDefinition(airline, 'airline', 'ok') },
  ]));
  const published = await publish(topics, typed(events));
  const located = events.map((event, i) => ({ event, partition: published[i].partition, offset: published[i].offset }));
  return { topics, runId, rollouts, events, located };
}

function request(s: Scenario, overrides: Partial<ReplayRequest> = {}): ReplayRequest {
  return { rewardFn: 'db-hash-outputs@1', runId: s.runId, source: 'kafka', dryRun: false, cwd: process.cwd(), ...overrides };
}

// Retail: 0..5; hash bad at 2 and 5; says the output at even n. So 1 and 3 flip 1→0 (hash ok, no output).
// Airline: 6..11; no outputs required; 10 flips 0→1 (its online reward was wrong).
const expectedReport = { rollouts_seen: 12, rollouts_scored: 12, with_baseline: 12, rewards_changed: 3, flips_0_to_1: 1, flips_1_to_0: 2 };

describe('replay against the local stack', () => {
  async function replayTwice(s: Scenario): Promise<void> {
    const args = ['replay', '--reward-fn', 'db-hash-outputs@1', '--run-id', s.runId, '--json'];

    const dry = JSON.parse((await runCli([...args, '--dry-run'], s.topics.env)).stdout);
    expect(dry.report).toMatchObject({ ...expectedReport, to_publish: 12 });
    expect(await rewardsOnKafka(s.topics)).toHaveLength(12);

    const first = await runCli(args, s.topics.env);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ published: 12, dry_run: false, read: { events_read: s.events.length, tasks_read: 2 } });
    expect(report.report).toMatchObject(expectedReport);
    expect(report.report.mean_before).toBeCloseTo(7 / 12);
    expect(report.report.mean_after).toBeCloseTo(6 / 12);
    expect(report.report.by_domain.map((d: { key: string; flips_0_to_1: number; flips_1_to_0: number }) => [d.key, d.flips_0_to_1, d.flips_1_to_0])).toEqual([
      ['airline', 1, 0],
      ['retail', 0, 2],
    ]);
    expect(first.stderr).toContain('replay: scoring');

    const rewards = await rewardsOnKafka(s.topics);
    for (const r of s.rollouts) {
      const mine = rewards.filter((e) => e.rollout_id === r.rollout_id).map((e) => `${e.reward_fn}@${e.reward_fn_version}/${e.source}`).sort();
      expect(mine).toEqual(['db-hash-outputs@1/replay', 'db-hash@1/online']);
    }
    const replayed = rewards.filter((e) => e.source === 'replay');
    expect(replayed.find((e) => e.rollout_id === s.rollouts[1].rollout_id)).toMatchObject({
      event_id: replayEventId(s.rollouts[1].rollout_id, 'db-hash-outputs', '1'),
      reward: 0,
      components: { db_match: 1, outputs: 0 },
      occurred_at: s.rollouts[1].at + 3,
    });

    const second = JSON.parse((await runCli(args, s.topics.env)).stdout);
    expect(second).toMatchObject({ published: 0, report: { ...expectedReport, to_publish: 0, already_present: 12, conflicts: 0 } });
    expect(await rewardsOnKafka(s.topics)).toHaveLength(24);
  }

  it('appends RewardAssigned(source=replay) beside the online rewards, reports the flips, and a second run appends nothing', async () => {
    const s = await scenario();
    await withMaterializer(s.topics, s.runId, async (pool) => {
      await replayTwice(s);
      // In Postgres (via the materializer): both reward versions per rollout, nothing overwritten.
      const rows = await rewardRowsOnceThere(pool, s.runId, 24);
      expect(rows).toHaveLength(24);
      for (const r of s.rollouts) {
        const mine = rows.filter((row) => row.rollout_id === r.rollout_id).map((row) => `${row.reward_fn}@${row.reward_fn_version}/${row.source}`);
        expect(mine.sort()).toEqual(['db-hash-outputs@1/replay', 'db-hash@1/online']);
      }
      const flipped = rows.find((row) => row.rollout_id === s.rollouts[1].rollout_id && row.source === 'replay');
      expect(flipped).toMatchObject({ reward: 0, event_id: replayEventId(s.rollouts[1].rollout_id, 'db-hash-outputs', '1') });
    });
  });

  it('replays the Postgres event log to the same events and report as Kafka', async () => {
    const s = await scenario();
    const db = createDatabase(connection.DATABASE_URL, { max: 2 });
    const serde = serdeFor(s.topics);
    // The event log as the materializer writes it: one row per event with its Kafka coordinates.
    const located = s.located;
    const taskIds = [...new Set(s.rollouts.map((r) => r.task_id))];
    try {
      await db('events').insert(
        await Promise.all(
          located.map(async ({ event, partition, offset }) => ({
            event_id: event.data.event_id,
            event_type: event.type,
            rollout_id: event.data.rollout_id,
            group_id: event.data.group_id,
            run_id: event.data.run_id,
            topic: s.topics.events,
            partition,
            offset,
            schema_id: await serde.schemaId(event.type),
            occurred_at: new Date(event.data.occurred_at),
            payload: JSON.stringify(event.data),
          })),
        ),
      );
      await db('tasks').insert(
        taskIds.map((task_id, i) => {
          const def = taskDefinition(task_id, i === 0 ? 'retail' : 'airline', 'ok', i === 0 ? ['refund of 30'] : []);
          return { task_id, event_id: def.event_id, domain: def.domain, description: null, user_instruction: null, evaluation: def.evaluation, defined_at: new Date(def.occurred_at) };
        }),
      );
      const fromKafka = new CollectingRewardPublisher();
      const fromStore = new CollectingRewardPublisher();
      const k = await runReplay(connection, s.topics.config, request(s), { progress: silentProgress, publisher: fromKafka });
      const st = await runReplay(connection, s.topics.config, request(s, { source: 'store' }), { progress: silentProgress, publisher: fromStore });
      expect(fromKafka.events).toHaveLength(12);
      expect(JSON.stringify(fromStore.events)).toBe(JSON.stringify(fromKafka.events));
      expect(st.report).toEqual(k.report);
      expect(st.report).toMatchObject(expectedReport);
      expect(st.read).toMatchObject({ events_read: s.events.length, tasks_read: expect.any(Number), undecodable: 0 });

      // An offset bound selects the same rows in both sources.
      const p0 = located.filter((l) => l.partition === 0);
      if (p0.length > 0) {
        const cut = `0:${p0[p0.length - 1].offset}`;
        const kc = await runReplay(connection, s.topics.config, request(s, { dryRun: true, to: cut }), { progress: silentProgress });
        const sc = await runReplay(connection, s.topics.config, request(s, { dryRun: true, to: cut, source: 'store' }), { progress: silentProgress });
        expect(sc.report).toEqual(kc.report);
        expect(sc.read.events_read).toBe(kc.read.events_read);
        expect(kc.read.events_read).toBe(s.events.length - 1);
      }
    } finally {
      await db('events').where('run_id', s.runId).delete();
      await db('tasks').whereIn('task_id', taskIds).delete();
      await db.destroy();
    }
  });

  it('after a SIGKILL mid-replay, a rerun leaves exactly one reward of that version per rollout', async () => {
    const s = await scenario();
    const dir = mkdtempSync(join(tmpdir(), 'replay-module-'));
    const modulePath = join(dir, 'slow-reward.js');
    // A custom reward module, slow enough that the kill lands between two published steps.
    writeFileSync(
      modulePath,
      `module.exports = [{ name: 'slow-hash', version: '7', async score(trajectory, task) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        const ok = trajectory.final_state_hash === task.evaluation.expected_state_hash ? 1 : 0;
        return { reward: ok, components: { db_match: ok } };
      } }];\n`,
    );
    const args = ['replay', '--reward-fn', 'slow-hash@7', '--reward-module', modulePath, '--run-id', s.runId, '--json'];
    const env = { ...s.topics.env, REPLAY_PUBLISH_BATCH: '2' };

    const crashing = startCli(args, env);
    await waitFor(() => /scoring .* [2-9] published/.test(crashing.stderr()), 120_000);
    crashing.child.kill('SIGKILL');
    const killed = await crashing.done;
    expect(killed.signal).toBe('SIGKILL');
    const partial = (await rewardsOnKafka(s.topics)).filter((e) => e.reward_fn === 'slow-hash');
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(12);

    const rerun = JSON.parse((await runCli(args, env)).stdout);
    expect(rerun.report).toMatchObject({ rollouts_scored: 12, already_present: partial.length, to_publish: 12 - partial.length });
    const slow = (await rewardsOnKafka(s.topics)).filter((e) => e.reward_fn === 'slow-hash');
    expect(slow).toHaveLength(12);
    expect(new Set(slow.map((e) => e.event_id)).size).toBe(12);
    expect(new Set(slow.map((e) => e.rollout_id))).toEqual(new Set(s.rollouts.map((r) => r.rollout_id)));

    // And in Postgres: exactly one reward of that version per rollout.
    await withMaterializer(s.topics, s.runId, async (pool) => {
      const rows = (await rewardRowsOnceThere(pool, s.runId, 24)).filter((row) => row.reward_fn === 'slow-hash');
      expect(rows.map((row) => row.rollout_id)).toEqual(s.rollouts.map((r) => r.rollout_id));
      expect(rows.every((row) => row.reward_fn_version === '7' && row.source === 'replay')).toBe(true);
    });
  });

  it('scores through an HTTP reward service, retrying its failures and timeouts', async () => {
    const s = await scenario();
    let calls = 0;
    const seen = new Set<string>();
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        calls += 1;
        const { trajectory, task, reward_fn } = JSON.parse(body);
        // Every rollout's first request fails: 503 for half of them, no answer in time for the rest.
        if (!seen.has(trajectory.rollout_id)) {
          seen.add(trajectory.rollout_id);
          if (seen.size % 2 === 0) {
            res.writeHead(503).end('busy');
            return;
          }
          setTimeout(() => res.writeHead(200).end('{"reward":0,"components":{}}'), 1500);
          return;
        }
        const reward = trajectory.turns.length * (task.evaluation.expected_state_hash === trajectory.final_state_hash ? 1 : 0) / 2;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ reward, components: { turns: trajectory.turns.length }, details: { served_as: reward_fn } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/score`;
    try {
      const config = { ...s.topics.config, REWARD_SERVICE_TIMEOUT_MS: 500, REWARD_SERVICE_RETRIES: 3, REWARD_SERVICE_BACKOFF_MS: 20 };
      const publisher = new CollectingRewardPublisher();
      const result = await runReplay(connection, config, request(s, { rewardFn: 'turn-service@2', rewardUrl: url }), { progress: silentProgress, publisher });
      expect(calls).toBe(24);
      expect(result.report).toMatchObject({ rollouts_scored: 12, to_publish: 12 });
      const byRollout = new Map(publisher.events.map((e) => [e.rollout_id, e]));
      expect(byRollout.get(s.rollouts[0].rollout_id)).toMatchObject({ reward_fn: 'turn-service', reward_fn_version: '2', source: 'replay', reward: 1, components: { turns: 2 } });
      expect(byRollout.get(s.rollouts[2].rollout_id)?.reward).toBe(0);
      expect(JSON.parse(byRollout.get(s.rollouts[0].rollout_id)?.details ?? 'null')).toEqual({ served_as: { name: 'turn-service', version: '2' } });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
