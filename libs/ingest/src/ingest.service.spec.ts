import { loadConnectionConfig, loadIngestConfig } from '@rollout-ledger/config';
import { LedgerError, exampleEvents, isLedgerError, type TypedEvent } from '@rollout-ledger/contracts';
import { httpStatusOf } from '@rollout-ledger/http';
import { EventSerde, InMemorySchemaRegistry, type PublishedEvent } from '@rollout-ledger/kafka';
import { IngestService } from './ingest.service';
import type { EventPublisher } from './transactional.publisher';

/** A publisher that records batches or fails like Kafka would (unit tier: the real one is in the integration spec). */
class FakePublisher implements EventPublisher {
  readonly batches: (readonly TypedEvent[])[] = [];
  constructor(private readonly failWith?: unknown) {}
  async publish(events: readonly TypedEvent[]): Promise<PublishedEvent[]> {
    if (this.failWith) throw this.failWith;
    this.batches.push(events);
    return events.map((event, i) => ({ type: event.type, event_id: event.data.event_id, topic: 't', partition: 0, offset: String(i) }));
  }
}

function service(publisher: EventPublisher, env: Record<string, string> = {}): IngestService {
  const options = { connection: loadConnectionConfig({}), ingest: loadIngestConfig(env) };
  return new IngestService(options, new EventSerde({ registry: new InMemorySchemaRegistry() }), publisher);
}

async function rejection(promise: Promise<unknown>): Promise<LedgerError> {
  try {
    await promise;
  } catch (error) {
    if (isLedgerError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const e = exampleEvents();
const body = [
  { type: 'RolloutStarted', data: e.RolloutStarted },
  { type: 'TurnRecorded', data: e.TurnRecorded },
];

describe('IngestService', () => {
  it('publishes a valid batch as one call and answers where each event landed', async () => {
    const publisher = new FakePublisher();
    const result = await service(publisher).ingest(body);
    expect(publisher.batches).toHaveLength(1);
    expect(result.events.map((event) => event.event_id)).toEqual([e.RolloutStarted.event_id, e.TurnRecorded.event_id]);
  });

  it('publishes nothing of a batch with one invalid event', async () => {
    const publisher = new FakePublisher();
    const error = await rejection(service(publisher).ingest([...body, { type: 'TurnRecorded', data: { ...e.TurnRecorded, role: 'robot' } }]));
    expect(httpStatusOf(error)).toBe(400);
    expect(publisher.batches).toEqual([]);
  });

  it('refuses more events than INGEST_MAX_EVENTS with 413', async () => {
    const error = await rejection(service(new FakePublisher(), { INGEST_MAX_EVENTS: '1' }).ingest(body));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(httpStatusOf(error)).toBe(413);
  });

  it('turns any Kafka failure into a retriable 503 that tells the client to retry as is', async () => {
    const kafkaDown = new LedgerError('KAFKA_PUBLISH_FAILED', 'Kafka transaction failed and was aborted', false);
    const error = await rejection(service(new FakePublisher(kafkaDown)).ingest(body));
    expect(error.code).toBe('INGEST_UNAVAILABLE');
    expect(error.retriable).toBe(true);
    expect(httpStatusOf(error)).toBe(503);
    expect(error.message).toContain('consumers dedupe on it');
  });

  it('answers 413, not 503, when the broker can never take a record', async () => {
    const tooLarge = new LedgerError('KAFKA_PUBLISH_FAILED', 'x', false, undefined, { cause: { type: 'MESSAGE_TOO_LARGE' } });
    const error = await rejection(service(new FakePublisher(tooLarge)).ingest(body));
    expect(httpStatusOf(error)).toBe(413);
    expect(error.retriable).toBe(false);
  });
});
