import type { RolloutEvent, TaskDefined } from '@rollout-ledger/contracts';
import { createDefaultRewardRegistry, dbHashReward, type RewardFunction } from '@rollout-ledger/rewards';
import { CollectingRewardPublisher } from './kafka-reward.publisher';
import { replayEventId } from './replay-event-id';
import { runReplayEngine, type ReplayEngineOptions } from './replay.engine';
import { rolloutEvents, taskDefinition, type FixtureRollout } from './replay.fixture';
import { silentProgress, type ReplayInput } from './replay.ports';

const registry = createDefaultRewardRegistry();
const outputsFn = registry.resolve('db-hash-outputs@1');
const run = { group_id: 'g-1', run_id: 'run-1', at: 1_000 };
const rollouts: FixtureRollout[] = [
  { ...run, rollout_id: 'r1', task_id: 't-a', final_state_hash: 'ok', says: ['Your refund of 30 is done'], online: 1 },
  { ...run, rollout_id: 'r2', task_id: 't-a', final_state_hash: 'ok', says: ['Done.'], online: 1 },
  { ...run, rollout_id: 'r3', task_id: 't-a', final_state_hash: 'bad', says: ['refund of 30'], online: 0 },
  { ...run, rollout_id: 'r4', task_id: 't-b', domain: 'airline', final_state_hash: 'ok2', says: ['Rebooked.'], online: 0 },
  { ...run, rollout_id: 'r7', task_id: 't-b', domain: 'airline', final_state_hash: 'ok2', says: ['Rebooked.'], online: null },
  { ...run, rollout_id: 'r6', task_id: 't-unknown', final_state_hash: 'x', says: ['hi'], online: 0 },
];
const incomplete = rolloutEvents({ ...run, rollout_id: 'r5', task_id: 't-b', final_state_hash: null, says: ['…'], online: null }).filter((e) => e.type !== 'RolloutCompleted');
const tasks = [taskDefinition('t-a', 'retail', 'ok', ['refund of 30']), taskDefinition('t-b', 'airline', 'ok2')];
const allEvents = [...rollouts.flatMap(rolloutEvents), ...incomplete];

function memoryInput(events: readonly RolloutEvent[], defs: readonly TaskDefined[] = tasks): ReplayInput {
  return {
    description: 'memory',
    read: async (handlers) => {
      defs.forEach((t) => handlers.onTask(t));
      events.forEach((e) => handlers.onEvent(e));
      return { events_read: events.length, tasks_read: defs.length, undecodable: 0, notes: [] };
    },
  };
}

function options(overrides: Partial<ReplayEngineOptions> = {}): ReplayEngineOptions {
  return { rewardFn: outputsFn, baseline: { kind: 'online' }, dryRun: false, passThreshold: 0.5, batchSize: 2, concurrency: 1, ...overrides };
}

async function replay(events: readonly RolloutEvent[], overrides: Partial<ReplayEngineOptions> = {}) {
  const publisher = new CollectingRewardPublisher();
  const outcome = await runReplayEngine({ input: memoryInput(events), publisher, progress: silentProgress }, options(overrides));
  return { outcome, published: publisher.events };
}

// A deterministic shuffle, so the "any order" claim is tested on a real permutation.
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('runReplayEngine', () => {
  it('rescores completed rollouts, skips the rest with a reason and reports the flips', async () => {
    const { outcome, published } = await replay(allEvents);
    const r = outcome.report;
    expect(r).toMatchObject({ rollouts_seen: 7, rollouts_scored: 5, with_baseline: 4, rewards_changed: 2, flips_0_to_1: 1, flips_1_to_0: 1, to_publish: 5 });
    expect(r.skipped).toEqual({ incomplete: 1, 'unknown-task': 1 });
    expect(r.mean_before).toBeCloseTo(0.5);
    expect(r.mean_after).toBeCloseTo(0.6);
    expect(r.by_domain.map((d) => [d.key, d.rollouts_scored, d.flips_0_to_1, d.flips_1_to_0])).toEqual([
      ['airline', 2, 1, 0],
      ['retail', 3, 0, 1],
    ]);
    expect(r.by_task.map((t) => t.key)).toEqual(['t-a', 't-b']);
    expect(published.map((e) => [e.rollout_id, e.reward])).toEqual([['r1', 1], ['r2', 0], ['r3', 0], ['r4', 1], ['r7', 1]]);
    expect(outcome.published).toBe(5);
  });

  it('derives every byte of the event from its input: id from rollout + function + version, time from the completion', async () => {
    const { published } = await replay(allEvents);
    const r2 = published.find((e) => e.rollout_id === 'r2');
    expect(r2).toEqual({
      event_id: replayEventId('r2', 'db-hash-outputs', '1'),
      rollout_id: 'r2',
      group_id: 'g-1',
      run_id: 'run-1',
      occurred_at: 1_003,
      reward: 0,
      components: { db_match: 1, outputs: 0 },
      reward_fn: 'db-hash-outputs',
      reward_fn_version: '1',
      source: 'replay',
      details: JSON.stringify({ missing_outputs: ['refund of 30'] }),
    });
  });

  it('gives byte-identical events whatever order the events arrive in', async () => {
    const first = await replay(allEvents);
    const second = await replay(shuffled(allEvents), { batchSize: 100 });
    expect(JSON.stringify(second.published)).toBe(JSON.stringify(first.published));
    expect(second.outcome.report).toEqual(first.outcome.report);
  });

  it('appends nothing when its own events are already in the stream (a rerun, or after a crash)', async () => {
    const first = await replay(allEvents);
    const half = first.published.slice(0, 2).map((data): RolloutEvent => ({ type: 'RewardAssigned', data }));
    const afterCrash = await replay([...allEvents, ...half]);
    expect(afterCrash.published.map((e) => e.rollout_id)).toEqual(['r3', 'r4', 'r7']);
    expect(afterCrash.outcome.report).toMatchObject({ to_publish: 3, already_present: 2, conflicts: 0 });

    const all = first.published.map((data): RolloutEvent => ({ type: 'RewardAssigned', data }));
    const rerun = await replay([...allEvents, ...all]);
    expect(rerun.published).toEqual([]);
    expect(rerun.outcome.report).toMatchObject({ rollouts_scored: 5, to_publish: 0, already_present: 5 });
    // The baseline stays the online reward: the replayed one does not become "before".
    expect(rerun.outcome.report.flips_1_to_0).toBe(1);
  });

  it('flags an event already present under the same id with other content instead of appending it', async () => {
    const first = await replay(allEvents);
    const tampered = { ...first.published[0], reward: 0.25 };
    const again = await replay([...allEvents, { type: 'RewardAssigned', data: tampered }]);
    expect(again.outcome.report).toMatchObject({ conflicts: 1, to_publish: 4 });
    expect(again.published.map((e) => e.rollout_id)).not.toContain('r1');
  });

  it('publishes nothing in a dry run but reports what it would', async () => {
    const { outcome, published } = await replay(allEvents, { dryRun: true });
    expect(published).toEqual([]);
    expect(outcome.published).toBe(0);
    expect(outcome.report.to_publish).toBe(5);
  });

  it('keeps only the events of --run-id', async () => {
    const other = rolloutEvents({ ...run, run_id: 'run-2', rollout_id: 'x1', task_id: 't-a', final_state_hash: 'ok', says: ['refund of 30'], online: 1 });
    const { outcome } = await replay([...allEvents, ...other], { runId: 'run-1' });
    expect(outcome.report.rollouts_seen).toBe(7);
    expect(outcome.read.events_outside_run).toBe(other.length);
  });

  it('compares with another function: its recorded reward, else scored fresh', async () => {
    const { outcome } = await replay(allEvents, { baseline: { kind: 'reward-fn', ref: 'db-hash@1', fn: dbHashReward } });
    // r7 has no recorded db-hash@1 but scores 1 with it; r4's recorded (buggy) 0 is kept.
    expect(outcome.report).toMatchObject({ with_baseline: 5, flips_0_to_1: 1, flips_1_to_0: 1 });
    expect(outcome.report.baseline).toBe('db-hash@1');
  });

  it('skips a rollout whose input the function refuses, and stops on an unexpected failure', async () => {
    const noHash = [taskDefinition('t-a', 'retail', null), taskDefinition('t-b', 'airline', 'ok2')];
    const publisher = new CollectingRewardPublisher();
    const outcome = await runReplayEngine({ input: memoryInput(allEvents, noHash), publisher, progress: silentProgress }, options());
    expect(outcome.report.skipped).toEqual({ incomplete: 1, 'invalid-input': 3, 'unknown-task': 1 });

    const broken: RewardFunction = { name: 'broken', version: '1', score: () => { throw new Error('boom'); } };
    await expect(replay(allEvents, { rewardFn: broken })).rejects.toMatchObject({ code: 'REPLAY_REWARD_FN_FAILED', message: expect.stringContaining('boom') });
  });
});
