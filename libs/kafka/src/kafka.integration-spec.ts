import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import {
  EVENT_TYPES,
  exampleEvents,
  isLedgerError,
  loadSchemas,
  ValidationError,
  type EventType,
  type LedgerError,
  type TypedEvent,
} from '@rollout-ledger/contracts';
import { Type } from 'avsc';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { EventSerde } from './event-serde';
import { LedgerConsumer, type ConsumedRecord } from './ledger-consumer';
import { LedgerProducer } from './ledger-producer';
import { HttpSchemaRegistry } from './schema-registry.client';
import { createAdmin, ensureTopics, type TopicNames } from './topic-admin';
import { encodeWire } from './wire-format';

// The local stack (`rollout-ledger stack up`), the defaults of the app config.
const brokers = ['127.0.0.1:9092'];
const registryUrl = 'http://127.0.0.1:8081/apis/ccompat/v7';
const connection = { brokers, clientId: 'kafka-integration-spec', logLevel: 'nothing' as const };

/** Fresh topic names per call, so tests never see each other's messages or subjects. */
function randomTopics(): TopicNames {
  const id = randomUUID().slice(0, 8);
  return {
    rolloutEvents: `it-${id}.rollout.events`,
    rolloutEventsDlq: `it-${id}.rollout.events.dlq`,
    taskDefinitions: `it-${id}.task.definitions`,
    grpoBatches: `it-${id}.grpo.batches`,
  };
}

function topicsByType(names: TopicNames): Record<EventType, string> {
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

async function withTopics<T>(fn: (names: TopicNames) => Promise<T>): Promise<T> {
  const names = randomTopics();
  const admin = createAdmin(connection);
  await admin.connect();
  try {
    await ensureTopics(admin, { partitions: 3, names });
  } finally {
    await admin.disconnect();
  }
  return fn(names);
}

const rawKafka = new Kafka({ brokers, clientId: 'kafka-integration-raw', logLevel: logLevel.NOTHING });

interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** Reads `count` raw messages from the topics with a fresh consumer group. */
async function readRaw(topics: string[], count: number, timeoutMs = 60_000): Promise<RawRecord[]> {
  const consumer = rawKafka.consumer({ groupId: `it-raw-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const records: RawRecord[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${count} messages in ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          records.push({ topic, partition, message });
          if (records.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

async function caught(promise: Promise<unknown>): Promise<LedgerError> {
  try {
    await promise;
  } catch (error) {
    return error as LedgerError;
  }
  throw new Error('expected a rejection');
}

function uniqueIds() {
  const id = randomUUID().slice(0, 8);
  return { rollout_id: `r-${id}`, group_id: `g-${id}`, run_id: `run-${id}`, task_id: `t-${id}` };
}

describe('libs/kafka against the local stack', () => {
  it('creates the topic layout idempotently', async () => {
    const names = randomTopics();
    const admin = createAdmin(connection);
    await admin.connect();
    try {
      const first = await ensureTopics(admin, { partitions: 3, names });
      const second = await ensureTopics(admin, { partitions: 3, names });
      expect([...first.created].sort()).toEqual(Object.values(names).sort());
      expect(second.created).toEqual([]);
      expect([...second.existing].sort()).toEqual(Object.values(names).sort());
      const meta = await admin.fetchTopicMetadata({ topics: [names.rolloutEvents] });
      expect(meta.topics[0].partitions).toHaveLength(3);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2 /* TOPIC */, name: names.taskDefinitions, configNames: ['cleanup.policy'] }],
      });
      expect(configs.resources[0].configEntries[0].configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('publishes every event type through the SDK and reads each back field for field', () =>
    withTopics(async (names) => {
      const producer = new LedgerProducer({ ...connection, registryUrl, topics: topicsByType(names) });
      await producer.connect();
      const e = exampleEvents(uniqueIds());
      let published;
      try {
        published = [
          await producer.rolloutStarted(e.RolloutStarted),
          ...(await producer.publish([
            { type: 'TurnRecorded', data: e.TurnRecorded },
            { type: 'ToolCallRecorded', data: e.ToolCallRecorded },
            { type: 'RewardAssigned', data: e.RewardAssigned },
          ])),
          await producer.rolloutCompleted(e.RolloutCompleted),
          await producer.taskDefined(e.TaskDefined),
          await producer.batchAssembled(e.BatchAssembled),
        ];
      } finally {
        await producer.disconnect();
      }
      expect(published.map((p) => p.type)).toEqual([...EVENT_TYPES]);

      // Every rollout event of the group is in one partition, at consecutive offsets, in order.
      const rolloutPartitions = new Set(published.slice(0, 5).map((p) => p.partition));
      expect(rolloutPartitions.size).toBe(1);
      expect(published.slice(0, 5).map((p) => Number(p.offset))).toEqual([0, 1, 2, 3, 4]);

      const consumer = new LedgerConsumer({
        ...connection,
        groupId: `it-${randomUUID()}`,
        topics: Object.values(topicsByType(names)).filter((t, i, all) => all.indexOf(t) === i),
        serde: new EventSerde({ registry: new HttpSchemaRegistry({ url: registryUrl }), topics: topicsByType(names) }),
      });
      const records: ConsumedRecord[] = [];
      await consumer.connect();
      try {
        await consumer.run(async (batch) => {
          records.push(...batch);
        });
        const deadline = Date.now() + 60_000;
        while (records.length < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      } finally {
        await consumer.disconnect();
      }
      expect(records).toHaveLength(7);
      for (const p of published) {
        const record = records.find((r) => r.kind === 'event' && r.event.data.event_id === p.event_id);
        if (!record || record.kind !== 'event') throw new Error(`no ${p.type} consumed`);
        expect(record.event.type).toBe(p.type);
        expect(record.event.data).toEqual(e[p.type]);
        for (const [field, value] of Object.entries(e[p.type])) expect([field, (record.event.data as unknown as Record<string, unknown>)[field]]).toEqual([field, value]);
        expect(record.message).toMatchObject({ topic: p.topic, partition: p.partition, offset: p.offset });
        const expectedKey = p.type === 'TaskDefined' ? e.TaskDefined.task_id : p.type === 'BatchAssembled' ? e.BatchAssembled.run_id : e.TurnRecorded.group_id;
        expect(record.message.key?.toString()).toBe(expectedKey);
        expect(record.message.headers['event-type']?.toString()).toBe(p.type);
      }
    }));

  it('encodes ahead with prepare() (an invalid event is refused by field) and sends later with publishPrepared(), reporting where each landed', () =>
    withTopics(async (names) => {
      const producer = new LedgerProducer({ ...connection, registryUrl, topics: topicsByType(names) });
      await producer.connect();
      const e = exampleEvents(uniqueIds());
      let published;
      try {
        const refused = await caught(producer.prepare([{ type: 'TurnRecorded', data: e.TurnRecorded }, { type: 'RewardAssigned', data: { ...e.RewardAssigned, reward: Number.NaN } }]));
        expect(refused).toBeInstanceOf(ValidationError);
        expect((refused as ValidationError).issues.map((i) => [i.index, i.path])).toEqual([[1, 'reward']]);
        const prepared = await producer.prepare([
          { type: 'RolloutStarted', data: e.RolloutStarted },
          { type: 'TurnRecorded', data: e.TurnRecorded },
          { type: 'TaskDefined', data: e.TaskDefined },
        ]);
        expect(prepared.events.map((p) => [p.type, p.topic])).toEqual([
          ['RolloutStarted', names.rolloutEvents],
          ['TurnRecorded', names.rolloutEvents],
          ['TaskDefined', names.taskDefinitions],
        ]);
        published = await producer.publishPrepared(prepared);
      } finally {
        await producer.disconnect();
      }
      expect(published.map((p) => p.event_id)).toEqual([e.RolloutStarted.event_id, e.TurnRecorded.event_id, e.TaskDefined.event_id]);
      expect(published.slice(0, 2).map((p) => Number(p.offset))).toEqual([0, 1]);
      const records = await readRaw([names.rolloutEvents, names.taskDefinitions], 3);
      for (const p of published) {
        const record = records.find((r) => r.topic === p.topic && r.partition === p.partition && r.message.offset === p.offset);
        expect(record?.message.headers?.['event-type']?.toString()).toBe(p.type);
      }
    }));

  it('writes the Confluent wire format with ids the registry serves', () =>
    withTopics(async (names) => {
      const producer = new LedgerProducer({ ...connection, registryUrl, topics: topicsByType(names) });
      await producer.connect();
      const e = exampleEvents(uniqueIds());
      try {
        await producer.turnRecorded(e.TurnRecorded);
      } finally {
        await producer.disconnect();
      }
      const [record] = await readRaw([names.rolloutEvents], 1);
      const value = record.message.value!;
      expect(value[0]).toBe(0);
      const id = value.readInt32BE(1);
      const response = await fetch(`${registryUrl}/schemas/ids/${id}`);
      expect(response.status).toBe(200);
      const schema = JSON.parse(((await response.json()) as { schema: string }).schema) as { name: string; namespace?: string };
      expect(`${schema.namespace}.${schema.name}`.replace(/^undefined\./, '')).toMatch(/(rolloutledger\.events\.)?TurnRecorded$/);
      // The body after the 5-byte header is plain Avro of the registered schema.
      const body = Type.forSchema(schema as never).fromBuffer(value.subarray(5)) as { event_id: string };
      expect(body.event_id).toBe(e.TurnRecorded.event_id);
      // Subjects follow TopicRecordNameStrategy.
      const subjects = (await (await fetch(`${registryUrl}/subjects`)).json()) as string[];
      expect(subjects).toContain(`${names.rolloutEvents}-rolloutledger.events.TurnRecorded`);
    }));

  it('refuses a breaking schema change with SCHEMA_INCOMPATIBLE naming the subject and the reason', async () => {
    const names = randomTopics();
    const serde = new EventSerde({ registry: new HttpSchemaRegistry({ url: registryUrl }), topics: topicsByType(names) });
    await serde.registerAll();
    const subject = serde.subjectFor('TurnRecorded');
    const current = loadSchemas().TurnRecorded;
    const breaking = { ...current, fields: [...current.fields, { name: 'reasoning_effort', type: 'string', doc: 'added without a default' }] };
    const error = await caught(new HttpSchemaRegistry({ url: registryUrl }).register(subject, JSON.stringify(breaking)));
    expect(isLedgerError(error, 'SCHEMA_INCOMPATIBLE')).toBe(true);
    expect(error.retriable).toBe(false);
    expect(error.message).toContain(`"${subject}"`);
    expect(error.message).toMatch(/incompatible/i);
    expect(error.message).toContain('reasoning_effort');
    // …while adding the same field with a default is accepted (BACKWARD).
    const compatible = {
      ...current,
      fields: [...current.fields, { name: 'reasoning_effort', type: ['null', 'string'], default: null, doc: 'optional' }],
    };
    expect(await new HttpSchemaRegistry({ url: registryUrl }).register(subject, JSON.stringify(compatible))).toBeGreaterThan(0);
  });

  it('decodes an event written with an older registered schema version using the current schema', async () => {
    const names = randomTopics();
    const registry = new HttpSchemaRegistry({ url: registryUrl });
    const serde = new EventSerde({ registry, topics: topicsByType(names) });
    const current = loadSchemas().TurnRecorded;
    const older = { ...current, fields: current.fields.filter((f) => !['token_ids', 'logprobs', 'policy_version', 'usage'].includes(String(f.name))) };
    const subject = serde.subjectFor('TurnRecorded');
    const oldId = await registry.register(subject, JSON.stringify(older));
    const { token_ids, logprobs, policy_version, usage, ...oldEvent } = exampleEvents(uniqueIds()).TurnRecorded;
    void [token_ids, logprobs, policy_version, usage];
    const bytes = encodeWire(oldId, Type.forSchema(older as never).toBuffer(oldEvent));

    const ids = await serde.registerAll(); // the current version goes on top of the old one
    expect(ids.TurnRecorded).not.toBe(oldId);
    const decoded = await new EventSerde({ registry, topics: topicsByType(names) }).decode(bytes);
    expect(decoded).toEqual({ type: 'TurnRecorded', schemaId: oldId, data: { ...oldEvent, token_ids: null, logprobs: null, policy_version: null, usage: null } });
  });

  it('publishes a batch all-or-nothing with a transactional producer (read_committed consumers see it)', () =>
    withTopics(async (names) => {
      const producer = new LedgerProducer({
        ...connection,
        registryUrl,
        topics: topicsByType(names),
        transactionalId: `it-tx-${randomUUID()}`,
      });
      await producer.connect();
      const ids = uniqueIds();
      const e = exampleEvents(ids);
      const events: TypedEvent[] = [
        { type: 'RolloutStarted', data: e.RolloutStarted },
        { type: 'TurnRecorded', data: e.TurnRecorded },
        { type: 'TaskDefined', data: e.TaskDefined },
      ];
      try {
        const invalid = await caught(producer.publish([...events, { type: 'TurnRecorded', data: { ...e.TurnRecorded, role: 'robot' } } as never]));
        expect(invalid).toBeInstanceOf(ValidationError);
        expect((invalid as ValidationError).issues).toEqual([{ index: 3, path: 'role', reason: 'expected one of system|user|assistant|tool, got string "robot"' }]);
        const published = await Promise.all([producer.publish(events), producer.publish([{ type: 'RolloutCompleted', data: e.RolloutCompleted }])]);
        expect(published.flat().map((p) => p.type)).toEqual(['RolloutStarted', 'TurnRecorded', 'TaskDefined', 'RolloutCompleted']);
      } finally {
        await producer.disconnect();
      }
      // kafkajs consumers read committed by default; the invalid batch never reached Kafka.
      const records = await readRaw([names.rolloutEvents, names.taskDefinitions], 4);
      const serde = new EventSerde({ registry: new HttpSchemaRegistry({ url: registryUrl }) });
      const decoded = await Promise.all(records.map((r) => serde.decode(r.message.value)));
      expect(decoded.map((d) => d.type).sort()).toEqual(['RolloutCompleted', 'RolloutStarted', 'TaskDefined', 'TurnRecorded']);
    }));

  it('kafkajs transactions abort on Kafka 4: read_committed consumers never see aborted records', () =>
    withTopics(async (names) => {
      const producer = rawKafka.producer({ transactionalId: `it-abort-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        const aborted = await producer.transaction();
        await aborted.send({ topic: names.rolloutEvents, messages: [{ key: 'k', value: 'aborted' }] });
        await aborted.abort();
        const committed = await producer.transaction();
        await committed.send({ topic: names.rolloutEvents, messages: [{ key: 'k', value: 'committed' }] });
        await committed.commit();
      } finally {
        await producer.disconnect();
      }
      const [only] = await readRaw([names.rolloutEvents], 1);
      expect(only.message.value?.toString()).toBe('committed');
      expect(Number(only.message.offset)).toBeGreaterThan(0); // the aborted record (and its marker) came first
    }));

  it('hands poison to the consumer and dead-letters it with the original bytes and x-dlq headers', () =>
    withTopics(async (names) => {
      const raw = rawKafka.producer();
      await raw.connect();
      const garbage = Buffer.from('{"not":"avro"}');
      try {
        await raw.send({ topic: names.rolloutEvents, messages: [{ key: 'g-poison', value: garbage, headers: { origin: 'it' } }] });
      } finally {
        await raw.disconnect();
      }
      const consumer = new LedgerConsumer({
        ...connection,
        groupId: `it-${randomUUID()}`,
        topics: [names.rolloutEvents],
        serde: new EventSerde({ registry: new HttpSchemaRegistry({ url: registryUrl }) }),
      });
      const dlq = new DeadLetterPublisher({ ...connection, topic: names.rolloutEventsDlq, now: () => new Date('2026-01-02T03:04:05.000Z') });
      await dlq.connect();
      const records: ConsumedRecord[] = [];
      await consumer.connect();
      try {
        await consumer.run(async (batch) => {
          for (const record of batch) {
            records.push(record);
            if (record.kind === 'poison') await dlq.send(record.message, record.message, record.error);
          }
        });
        const deadline = Date.now() + 60_000;
        while (records.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      } finally {
        await consumer.disconnect();
        await dlq.disconnect();
      }
      expect(records).toHaveLength(1);
      const [poison] = records;
      if (poison.kind !== 'poison') throw new Error('expected poison');
      expect(poison.error.code).toBe('EVENT_UNDECODABLE');

      const [dead] = await readRaw([names.rolloutEventsDlq], 1);
      expect(dead.message.value).toEqual(garbage);
      expect(dead.message.key?.toString()).toBe('g-poison');
      const headers = Object.fromEntries(Object.entries(dead.message.headers ?? {}).map(([k, v]) => [k, v?.toString()]));
      expect(headers).toEqual({
        origin: 'it',
        'x-dlq-reason': poison.error.message,
        'x-dlq-error-code': 'EVENT_UNDECODABLE',
        'x-dlq-original-topic': names.rolloutEvents,
        'x-dlq-original-partition': String(poison.message.partition),
        'x-dlq-original-offset': '0',
        'x-dlq-failed-at': '2026-01-02T03:04:05.000Z',
      });
    }));

  it('reports an unreachable registry as retriable', async () => {
    const registry = new HttpSchemaRegistry({ url: 'http://127.0.0.1:1/apis/ccompat/v7', retries: 0, timeoutMs: 2_000 });
    const error = await caught(new EventSerde({ registry }).registerAll());
    expect(isLedgerError(error, 'SCHEMA_REGISTRY_UNAVAILABLE')).toBe(true);
    expect(error.retriable).toBe(true);
  });
});
