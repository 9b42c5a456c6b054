import type { EventType, TypedEvent } from '@rollout-ledger/contracts';
import { connectLedgerProducer, publishEvents } from '@rollout-ledger/importers';
import { createAdmin, topicRecordSubject } from '@rollout-ledger/kafka';
import { generate, loadTau2Catalog, type SimulationOptions } from '@rollout-ledger/simulator';
import type { BenchContext, BenchFigure, BenchScenario } from '../bench-scenario';
import { round } from '../bench-runner';

const FULL_EVENTS = 200_000;
const QUICK_EVENTS = 20_000;
const MAIN_BATCH = 1_000;
const SMALL_BATCH = 100;
/** Events generated (and dropped) for the generator's own figure: long enough to be past JIT warm-up. */
const GENERATOR_EVENTS = 200_000;
/** Simulated events held in memory and sent round and round, so the figure is the SDK's, not the generator's. */
const POOL_EVENTS = 20_000;

function topicNames(runTag: string) {
  return {
    rolloutEvents: `${runTag}.rollout.events`,
    rolloutEventsDlq: `${runTag}.rollout.events.dlq`,
    taskDefinitions: `${runTag}.task.definitions`,
    grpoBatches: `${runTag}.grpo.batches`,
  };
}

function topicsByType(runTag: string): Record<EventType, string> {
  const names = topicNames(runTag);
  return {
    RolloutStarted: names.rolloutEvents,
    TurnRecorded: names.rolloutEvents,
    ToolCallRecorded: names.rolloutEvents,
    RewardAssigned: names.rolloutEvents,
    RolloutCompleted: names.rolloutEvents,
    TaskDefined: names.taskDefinitions,
    BatchAssembled: names.grpoBatches,
  };
}

/**
 * Removes the subjects the producer registered for this run's topics (seven per run, which would
 * otherwise pile up in the registry): a soft delete, then the permanent one the registry only
 * accepts after it. A subject already gone (404) is fine; other failures are reported, not thrown.
 */
async function deleteSubjects(context: BenchContext): Promise<void> {
  const base = context.connection.SCHEMA_REGISTRY_URL.replace(/\/+$/, '');
  const failed: string[] = [];
  for (const [type, topic] of Object.entries(topicsByType(context.runTag)) as [EventType, string][]) {
    const url = `${base}/subjects/${encodeURIComponent(topicRecordSubject(topic, type))}`;
    for (const suffix of ['', '?permanent=true']) {
      const status = await fetch(`${url}${suffix}`, { method: 'DELETE' }).then((r) => r.status, () => 0);
      if ((status < 200 || status >= 300) && status !== 404) failed.push(`${topicRecordSubject(topic, type)}${suffix} (${status || 'unreachable'})`);
    }
  }
  if (failed.length > 0) context.progress(`  produce: could not delete registry subjects ${failed.join(', ')}`);
}

/** Events/s of the simulator alone, task catalog already loaded, nothing kept. */
function generatorRate(simulation: Omit<SimulationOptions, 'rollouts'>, count: number): number {
  const started = performance.now();
  let generated = 0;
  for (const _event of generate({ ...simulation, rollouts: Math.ceil(count / 25) })) if (++generated >= count) break;
  return generated / ((performance.now() - started) / 1000);
}

function* cycle(pool: readonly TypedEvent[], count: number): Generator<TypedEvent> {
  for (let i = 0; i < count; i++) yield pool[i % pool.length];
}

async function produceRate(context: BenchContext, pool: readonly TypedEvent[], count: number, batchSize: number): Promise<number> {
  const producer = await connectLedgerProducer(context.connection, 'bench-produce', { names: topicNames(context.runTag), byType: topicsByType(context.runTag) });
  try {
    // One warm-up batch: connections, metadata and schema ids are not what we measure.
    await producer.publish(pool.slice(0, batchSize));
    let lastShown = 0;
    const stats = await publishEvents(cycle(pool, count), producer, {
      batchSize,
      onProgress: (n) => {
        if (n - lastShown >= count / 10) {
          lastShown = n;
          context.progress(`  produce batch=${batchSize}: ${n}/${count}`);
        }
      },
    });
    return stats.events / (stats.elapsed_ms / 1000);
  } finally {
    await producer.disconnect();
  }
}

/** Events/s the producer SDK (validate + Avro encode + acks=all idempotent send) sustains into the local broker. */
export const produceScenario: BenchScenario = {
  name: 'produce',
  description: 'events/s the LedgerProducer SDK sustains into the local broker (simulated tau2 rollouts, acks=all, idempotent)',
  async run(context: BenchContext): Promise<readonly BenchFigure[]> {
    const count = context.quick ? QUICK_EVENTS : FULL_EVENTS;
    const simulation = { seed: 7, runId: `${context.runTag}-produce`, catalog: loadTau2Catalog(), groupSize: 8, tokenFields: 0.5 };
    const pool: TypedEvent[] = [];
    for (const event of generate({ ...simulation, rollouts: 1_000 })) {
      pool.push(event);
      if (pool.length >= POOL_EVENTS) break;
    }
    const generateRate = generatorRate(simulation, context.quick ? QUICK_EVENTS : GENERATOR_EVENTS);
    const avgBytes = pool.reduce((sum, e) => sum + JSON.stringify(e.data).length, 0) / pool.length;
    try {
      const main = await produceRate(context, pool, count, MAIN_BATCH);
      const small = await produceRate(context, pool, Math.round(count / 4), SMALL_BATCH);
      const sizeNote = `${Math.round(avgBytes)} B/event as JSON, pool of ${pool.length} simulated events sent in a cycle`;
      return [
        { name: 'produce.events_per_s', value: round(main, 0), unit: 'events/s', note: `${count} events, batch ${MAIN_BATCH}, ${sizeNote}` },
        { name: 'produce.events_per_s.batch100', value: round(small, 0), unit: 'events/s', baseline: 'produce.events_per_s', ratio: round(small / main, 2), note: `${Math.round(count / 4)} events, batch ${SMALL_BATCH}` },
        { name: 'produce.mb_per_s', value: round((main * avgBytes) / 1024 / 1024, 1), unit: 'MB/s (JSON size)', note: `batch ${MAIN_BATCH}` },
        { name: 'simulate.events_per_s', value: round(generateRate, 0), unit: 'events/s', baseline: 'produce.events_per_s', ratio: round(generateRate / main, 2), note: `generator alone, ${context.quick ? QUICK_EVENTS : GENERATOR_EVENTS} events (catalog loaded, nothing kept), one core` },
      ];
    } finally {
      const admin = createAdmin({ brokers: context.connection.KAFKA_BROKERS, clientId: `${context.connection.KAFKA_CLIENT_ID}-bench-cleanup`, logLevel: 'nothing' });
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(topicNames(context.runTag)) }).catch(() => undefined);
      await admin.disconnect();
      await deleteSubjects(context);
    }
  },
};
