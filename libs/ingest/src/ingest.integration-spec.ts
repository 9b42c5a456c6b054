import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { INGEST_EVENT_TYPES, type IngestEventType } from './ingest-envelope.validation';
import { envelopes, startTestGateway, type TestGateway } from './ingest-gateway.fixture';
import { exampleEvents, type TypedEvent } from '@rollout-ledger/contracts';

function uniqueIds() {
  const id = randomUUID().slice(0, 8);
  return { rollout_id: `r-${id}`, group_id: `g-${id}`, run_id: `run-${id}`, task_id: `t-${id}` };
}

/** One fully populated event of every type the gateway accepts, with fresh ids. */
function everyIngestEvent(): TypedEvent<IngestEventType>[] {
  const e = exampleEvents(uniqueIds());
  return INGEST_EVENT_TYPES.map((type) => ({ type, data: e[type] }) as TypedEvent<IngestEventType>);
}

describe('POST /v1/events against the local stack', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ INGEST_MAX_BODY_BYTES: String(64 * 1024) });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('publishes every event type in one transaction and consumers decode each field for field', async () => {
    const events = everyIngestEvent();
    const response = await gateway.post(JSON.stringify(envelopes(events)));
    expect(response.status).toBe(202);
    expect(response.json.events.map((e: { type: string }) => e.type)).toEqual(INGEST_EVENT_TYPES);
    for (const [i, published] of response.json.events.entries()) {
      expect(published.event_id).toBe(events[i].data.event_id);
      expect(published.topic).toBe(events[i].type === 'TaskDefined' ? gateway.topics.task : gateway.topics.rollout);
      expect(Number(published.offset)).toBeGreaterThanOrEqual(0);
    }

    const records = await gateway.readEvents(events.map((e) => e.data.event_id));
    for (const [i, event] of events.entries()) {
      const found = records.find((r) => r.kind === 'event' && r.event.data.event_id === event.data.event_id);
      if (found?.kind !== 'event') throw new Error(`event ${event.data.event_id} was not consumed`);
      expect(found.event.type).toBe(event.type);
      expect(found.event.data).toEqual(event.data);
      expect(found.event.schemaId).toBeGreaterThan(0);
      // The coordinates the gateway answered are where the event really is.
      expect({ topic: found.message.topic, partition: found.message.partition, offset: found.message.offset }).toEqual({
        topic: response.json.events[i].topic,
        partition: response.json.events[i].partition,
        offset: response.json.events[i].offset,
      });
    }
    expect(records).toHaveLength(events.length);
  });

  it('takes one bare envelope, and NDJSON with blank lines and CRLF', async () => {
    const [started, turn, ...rest] = everyIngestEvent();
    const single = await gateway.post(JSON.stringify(envelopes([started])[0]));
    expect(single.status).toBe(202);
    expect(single.json.events).toHaveLength(1);

    const ndjson = `${envelopes([turn, ...rest]).map((e) => JSON.stringify(e)).join('\r\n')}\n\n`;
    const batch = await gateway.post(ndjson, 'application/x-ndjson');
    expect(batch.status).toBe(202);
    expect(batch.json.events.map((e: { event_id: string }) => e.event_id)).toEqual([turn, ...rest].map((e) => e.data.event_id));
  });

  describe('rejects bad input whole, names the problem and publishes nothing', () => {
    let before: bigint;
    beforeEach(async () => {
      before = await gateway.endOffsets();
    });
    afterEach(async () => {
      expect(await gateway.endOffsets()).toBe(before);
    });

    it('malformed JSON → 400 saying what is wrong where', async () => {
      const truncated = await gateway.post('[{"type": "TurnRecorded", "data": {"event_id": ');
      expect(truncated.status).toBe(400);
      expect(truncated.json.error).toBe('MALFORMED_JSON');
      expect(truncated.json.message).toBe('request body is not valid JSON: Unexpected end of JSON input');
      const doubleComma = await gateway.post('{"type": "TurnRecorded", "data": {"event_id": "a",, "turn_index": 0}}');
      expect(doubleComma.status).toBe(400);
      expect(doubleComma.json.error).toBe('MALFORMED_JSON');
      expect(doubleComma.json.message).toMatch(/property name in JSON at position 50/);
    });

    it('a bad NDJSON line → 400 naming the line', async () => {
      const [a, b] = envelopes(everyIngestEvent());
      const response = await gateway.post(`${JSON.stringify(a)}\n{"type": "TurnRecorded", data: {}}\n${JSON.stringify(b)}\n`, 'application/x-ndjson');
      expect(response.status).toBe(400);
      expect(response.json.error).toBe('MALFORMED_JSON');
      expect(response.json.message).toContain('NDJSON line 2');
      expect(response.json.issues).toEqual([expect.objectContaining({ path: 'line 2' })]);
    });

    it('a missing required field → 400 naming the event and the field', async () => {
      const events = envelopes(everyIngestEvent());
      const { task_id: _dropped, ...withoutTask } = events[0].data as Record<string, unknown>;
      events[0] = { ...events[0], data: withoutTask };
      const response = await gateway.post(JSON.stringify(events));
      expect(response.status).toBe(400);
      expect(response.json.error).toBe('VALIDATION_FAILED');
      expect(response.json.message).toContain('event 0 data.task_id: expected string, got nothing (missing)');
      expect(response.json.issues).toEqual([{ index: 0, path: 'data.task_id', reason: 'expected string, got nothing (missing)' }]);
    });

    it('a wrong type deep inside tool_calls → 400 with its path, even when the other events are valid', async () => {
      const events = envelopes(everyIngestEvent());
      const turn = events[1].data as { tool_calls: object[] };
      events[1] = {
        ...events[1],
        data: { ...turn, tool_calls: [...turn.tool_calls, { id: 'call_2', name: 'get_order', arguments: { order_id: 7 } }] },
      };
      const response = await gateway.post(JSON.stringify(events));
      expect(response.status).toBe(400);
      expect(response.json.issues).toEqual([{ index: 1, path: 'data.tool_calls[1].arguments', reason: 'expected string, got an object' }]);
      expect(response.json.message).toContain('1 of 6 events invalid, nothing was published');
    });

    it('an unknown event type → 400 listing the known ones', async () => {
      const events = [...envelopes(everyIngestEvent()), { type: 'TurnRecordedV2', data: {} }];
      const response = await gateway.post(JSON.stringify(events));
      expect(response.status).toBe(400);
      expect(response.json.error).toBe('EVENT_TYPE_UNKNOWN');
      expect(response.json.message).toContain('unknown event type "TurnRecordedV2"');
      expect(response.json.message).toContain(`known types: ${INGEST_EVENT_TYPES.join(', ')}`);
    });

    it('an oversize body → 413', async () => {
      const [started] = everyIngestEvent();
      const big = { type: started.type, data: { ...started.data, system_prompt: 'x'.repeat(80 * 1024) } };
      const response = await gateway.post(JSON.stringify(big));
      expect(response.status).toBe(413);
      expect(response.json.error).toBe('PAYLOAD_TOO_LARGE');
    });

    it('no API key → 401, a read-only key → 403', async () => {
      const body = JSON.stringify(envelopes(everyIngestEvent()));
      const anonymous = await gateway.post(body, 'application/json', null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.json.message).toContain('scope "ingest"');
      const reader = await gateway.post(body, 'application/json', gateway.keys.read);
      expect(reader.status).toBe(403);
      expect(reader.json.message).toContain('lacks scope "ingest"');
    });
  });

  it('answers 503 when Kafka fails mid-batch, shows none of it, and a retry with the same ids lands once', async () => {
    // One producer, so the fenced one is the one the next request uses.
    const gateway = await startTestGateway({ INGEST_PRODUCERS: '1' });
    try {
      await failThenRetry(gateway);
    } finally {
      await gateway.close();
    }
  });
});

async function failThenRetry(gateway: TestGateway): Promise<void> {
  const events = everyIngestEvent();
  const body = JSON.stringify(envelopes(events));
  // One batch first: kafkajs gets its producer epoch with its first transaction.
  expect((await gateway.post(JSON.stringify(envelopes(everyIngestEvent())))).status).toBe(202);
  // Fence the gateway's transactional producer: a second producer with its id bumps the epoch,
  // so the broker refuses the gateway's next transaction (what a zombie or a broker failover does).
  const fencer = new Kafka({ brokers: ['127.0.0.1:9092'], clientId: 'it-fencer', logLevel: logLevel.NOTHING }).producer({
    transactionalId: gateway.publisher.publishers[0].transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await fencer.connect();
  const transaction = await fencer.transaction();
  await transaction.abort();
  await fencer.disconnect();

  const failed = await gateway.post(body);
  expect(failed.status).toBe(503);
  expect(failed.json.error).toBe('INGEST_UNAVAILABLE');
  expect(failed.json.message).toContain('Retry the same request');

  const retried = await gateway.post(body);
  expect(retried.status).toBe(202);
  const records = await gateway.readEvents(events.map((e) => e.data.event_id));
  expect(records).toHaveLength(events.length);
}
