import { Module } from '@nestjs/common';
import { loadHttpConfig, loadIngestConfig } from '@rollout-ledger/config';
import { exampleEvents } from '@rollout-ledger/contracts';
import { HttpEdgeModule, startHttpApp } from '@rollout-ledger/http';
import { IngestModule } from '@rollout-ledger/ingest';
import { createAdmin } from '@rollout-ledger/kafka';
import type { BenchContext, BenchFigure, BenchScenario } from '../bench-scenario';

@Module({})
class IngestBenchRoot {}

const BATCH_SIZES = [1, 100, 1000] as const;
/** Requests in flight at once (several rollout workers posting at the same time). */
const CONCURRENCY = 8;

/** `count` TurnRecorded envelopes of a 30-turn-style rollout (~400 B of content each), unique ids. */
function turnEnvelopes(tag: string, from: number, count: number): string {
  const base = exampleEvents().TurnRecorded;
  const content = 'I checked your order #W2378156: the lamp can be returned to the original card. '.repeat(5);
  const items = [];
  for (let i = from; i < from + count; i++) {
    const rollout = Math.floor(i / 30);
    items.push({
      type: 'TurnRecorded',
      data: {
        ...base,
        event_id: `${tag}-${i}`,
        rollout_id: `${tag}-r${rollout}`,
        group_id: `${tag}-g${Math.floor(rollout / 8)}`,
        run_id: tag,
        turn_index: i % 30,
        content,
      },
    });
  }
  return JSON.stringify(items);
}

/**
 * Events/s through POST /v1/events: a real gateway in this process (its own topics, 6 partitions),
 * CONCURRENCY clients posting JSON arrays of each batch size; every 202 means Kafka committed the
 * batch's transaction with acks=all. Batch bodies are built before the clock starts.
 */
export const ingestScenario: BenchScenario = {
  name: 'ingest',
  description: 'events/s through the HTTP ingest gateway (POST /v1/events, transactional, acks=all) by batch size',
  async run(context: BenchContext): Promise<readonly BenchFigure[]> {
    const topics = { rollout: `${context.runTag}.ingest.rollout.events`, task: `${context.runTag}.ingest.task.definitions`, dlq: `${context.runTag}.ingest.dlq` };
    const key = `${context.runTag}-ingest-key`;
    const env = {
      PORT: '0',
      API_KEYS: `${key}:ingest`,
      INGEST_MAX_BODY_BYTES: String(64 * 1024 * 1024),
      INGEST_ROLLOUT_TOPIC: topics.rollout,
      INGEST_TASK_TOPIC: topics.task,
      INGEST_DLQ_TOPIC: topics.dlq,
      INGEST_TRANSACTIONAL_ID_PREFIX: context.runTag,
    };
    const http = loadHttpConfig(env);
    const root = { module: IngestBenchRoot, imports: [HttpEdgeModule.forRoot(http), IngestModule.forRoot({ connection: context.connection, ingest: loadIngestConfig(env) })] };
    const { app, url } = await startHttpApp(root, http);
    const figures: BenchFigure[] = [];
    try {
      for (const batch of BATCH_SIZES) {
        const total = context.quick ? Math.max(batch * 4, 200) : batch === 1 ? 2_000 : 100_000;
        const bodies: string[] = [];
        for (let from = 0; from < total; from += batch) bodies.push(turnEnvelopes(`${context.runTag}-b${batch}`, from, batch));
        context.progress(`ingest: ${total} events in ${bodies.length} requests of ${batch} (${CONCURRENCY} in flight)…`);
        const started = process.hrtime.bigint();
        let next = 0;
        const worker = async () => {
          while (next < bodies.length) {
            const body = bodies[next++];
            const response = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` }, body });
            if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
            await response.arrayBuffer().catch(() => undefined);
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        figures.push({
          name: `http_events_per_s_batch_${batch}`,
          value: Math.round(total / seconds),
          unit: 'events/s',
          note: `${total} TurnRecorded (~${Math.round(bodies[0].length / batch)} B JSON each), ${bodies.length} requests of ${batch}, ${CONCURRENCY} concurrent, one Kafka transaction per request`,
        });
        figures.push({ name: `http_requests_per_s_batch_${batch}`, value: Math.round(bodies.length / seconds), unit: 'requests/s', note: `batch size ${batch}` });
      }
    } finally {
      await app.close();
      const admin = createAdmin({ brokers: context.connection.KAFKA_BROKERS, clientId: `${context.runTag}-cleanup`, logLevel: 'nothing' });
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.disconnect();
    }
    return figures;
  },
};
