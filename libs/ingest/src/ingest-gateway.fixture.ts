import { randomUUID } from 'node:crypto';
import { Module, type INestApplication } from '@nestjs/common';
import { loadConnectionConfig, loadHttpConfig } from '@rollout-ledger/config';
import { HttpEdgeModule, startHttpApp } from '@rollout-ledger/http';
import { EventSerde, HttpSchemaRegistry, LedgerConsumer, createAdmin, type ConsumedRecord } from '@rollout-ledger/kafka';
import { IngestModule } from './ingest.module';
import { EVENT_PUBLISHER, type PublisherPool } from './transactional.publisher';

/**
 * A real ingest gateway for integration tests: the Nest app in-process on a random port, its own
 * random topics (so tests never see each other's events), real Kafka and registry.
 */
export interface TestGateway {
  readonly url: string;
  readonly app: INestApplication;
  readonly topics: { readonly rollout: string; readonly task: string; readonly dlq: string };
  readonly keys: { readonly ingest: string; readonly read: string };
  readonly env: Readonly<Record<string, string>>;
  readonly publisher: PublisherPool;
  /** POST /v1/events with the ingest key (unless `key` says otherwise). */
  post(body: string, contentType?: string, key?: string | null): Promise<{ status: number; json: any }>;
  /** Sum of the high watermarks of both topics: moves whenever anything at all is written. */
  endOffsets(): Promise<bigint>;
  /**
   * Reads both topics from the start (read_committed, fresh group) until every id in `eventIds` was
   * seen and the topics stayed quiet a moment; returns the records carrying those ids (duplicates too).
   */
  readEvents(eventIds: readonly string[], timeoutMs?: number): Promise<ConsumedRecord[]>;
  close(): Promise<void>;
}

@Module({})
class TestGatewayRoot {}

export async function startTestGateway(overrides: Record<string, string> = {}): Promise<TestGateway> {
  const id = randomUUID().slice(0, 8);
  const topics = { rollout: `it-${id}.rollout.events`, task: `it-${id}.task.definitions`, dlq: `it-${id}.rollout.events.dlq` };
  const keys = { ingest: `ingest-${id}-key`, read: `read-${id}-key` };
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `${keys.ingest}:ingest,${keys.read}:read`,
    INGEST_ROLLOUT_TOPIC: topics.rollout,
    INGEST_TASK_TOPIC: topics.task,
    INGEST_DLQ_TOPIC: topics.dlq,
    ROLLOUT_EVENTS_PARTITIONS: '3',
    INGEST_TRANSACTIONAL_ID_PREFIX: `it-${id}`,
    KAFKA_CLIENT_ID: `it-ingest-${id}`,
    ...overrides,
  };
  const http = loadHttpConfig(env);
  const connection = loadConnectionConfig(env);
  const root = { module: TestGatewayRoot, imports: [HttpEdgeModule.forRoot(http), IngestModule.fromEnv(env)] };
  const { app, url } = await startHttpApp(root, http);
  const kafka = { brokers: connection.KAFKA_BROKERS, clientId: `it-ingest-reader-${id}`, logLevel: 'nothing' as const };
  const admin = createAdmin(kafka);
  await admin.connect();

  return {
    url,
    app,
    topics,
    keys,
    env,
    publisher: app.get<PublisherPool>(EVENT_PUBLISHER),
    async post(body, contentType = 'application/json', key = keys.ingest) {
      const response = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': contentType, ...(key ? { Authorization: `Bearer ${key}` } : {}) },
        body,
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    },
    async endOffsets() {
      let sum = 0n;
      for (const topic of [topics.rollout, topics.task]) {
        for (const partition of await admin.fetchTopicOffsets(topic)) sum += BigInt(partition.high);
      }
      return sum;
    },
    async readEvents(eventIds, timeoutMs = 60_000) {
      const wanted = new Set(eventIds);
      const seen = new Set<string>();
      // A fresh serde that registered nothing: every writer schema is fetched from the registry by id.
      const serde = new EventSerde({ registry: new HttpSchemaRegistry({ url: connection.SCHEMA_REGISTRY_URL }) });
      const consumer = new LedgerConsumer({ ...kafka, groupId: `it-ingest-${randomUUID()}`, topics: [topics.rollout, topics.task], serde });
      const records: ConsumedRecord[] = [];
      await consumer.connect();
      try {
        await new Promise<void>((resolve, reject) => {
          let quiet: NodeJS.Timeout | undefined;
          const timer = setTimeout(() => reject(new Error(`saw ${seen.size} of ${wanted.size} events in ${timeoutMs} ms`)), timeoutMs);
          // Once all arrived, wait a moment more so an unexpected extra event would be seen too.
          const settle = () => {
            clearTimeout(quiet);
            quiet = setTimeout(() => {
              clearTimeout(timer);
              resolve();
            }, 2_000);
          };
          void consumer
            .run(async (batch) => {
              for (const record of batch) {
                const eventId = record.kind === 'event' ? (record.event.data as { event_id: string }).event_id : undefined;
                if (eventId === undefined || !wanted.has(eventId)) continue;
                records.push(record);
                seen.add(eventId);
              }
              if (seen.size === wanted.size) settle();
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      return records;
    },
    async close() {
      await admin.disconnect();
      await app.close();
    },
  };
}

/** Envelopes as the gateway takes them. */
export function envelopes(events: readonly { readonly type: string; readonly data: unknown }[]): { type: string; data: unknown }[] {
  return events.map((event) => ({ type: event.type, data: event.data }));
}
