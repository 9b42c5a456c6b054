import { Type } from 'avsc';
import { EVENT_TYPES, LedgerError, ValidationError, exampleEvents, isLedgerError, loadSchemas } from '@rollout-ledger/contracts';
import type { SchemaRegistry } from './schema-registry.client';
import { EventSerde } from './event-serde';
import { InMemorySchemaRegistry } from './in-memory-schema-registry';
import { encodeWire } from './wire-format';

const examples = exampleEvents();

async function caught(promise: Promise<unknown>): Promise<LedgerError> {
  try {
    await promise;
  } catch (error) {
    return error as LedgerError;
  }
  throw new Error('expected a rejection');
}

describe('EventSerde', () => {
  let registry: InMemorySchemaRegistry;
  let serde: EventSerde;
  beforeEach(() => {
    registry = new InMemorySchemaRegistry();
    serde = new EventSerde({ registry });
  });

  it('registers every schema under TopicRecordNameStrategy subjects with BACKWARD compatibility', async () => {
    const ids = await serde.registerAll();
    expect(Object.keys(ids)).toEqual([...EVENT_TYPES]);
    expect(registry.subjectNames()).toEqual([
      'rollout.events-rolloutledger.events.RolloutStarted',
      'rollout.events-rolloutledger.events.TurnRecorded',
      'rollout.events-rolloutledger.events.ToolCallRecorded',
      'rollout.events-rolloutledger.events.RewardAssigned',
      'rollout.events-rolloutledger.events.RolloutCompleted',
      'task.definitions-rolloutledger.events.TaskDefined',
      'grpo.batches-rolloutledger.events.BatchAssembled',
    ]);
    for (const subject of registry.subjectNames()) expect(registry.compatibility(subject)).toBe('BACKWARD');
  });

  it('is idempotent: a second registerAll (another serde, same registry) yields the same ids', async () => {
    const first = await serde.registerAll();
    const again = await new EventSerde({ registry }).registerAll();
    expect(again).toEqual(first);
    await serde.registerAll();
    expect(registry.calls.register).toBe(14); // the first serde cached its ids
  });

  it('names subjects after the configured topics', () => {
    const custom = new EventSerde({ registry, topics: { TurnRecorded: 't-123' } });
    expect(custom.subjectFor('TurnRecorded')).toBe('t-123-rolloutledger.events.TurnRecorded');
    expect(custom.topicFor('RolloutStarted')).toBe('rollout.events');
  });

  it.each(EVENT_TYPES)('round-trips a %s through the Confluent wire format', async (type) => {
    const bytes = await serde.encode(type, examples[type] as never);
    const id = (await serde.registerAll())[type];
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(id);
    const decoded = await new EventSerde({ registry }).decode(bytes);
    expect(decoded.type).toBe(type);
    expect(decoded.schemaId).toBe(id);
    expect(decoded.data).toEqual(examples[type]);
  });

  it('fetches an unknown writer schema once per id', async () => {
    const bytes = await serde.encode('TurnRecorded', examples.TurnRecorded);
    const reader = new EventSerde({ registry });
    await Promise.all([reader.decode(bytes), reader.decode(bytes), reader.decode(bytes)]);
    expect(registry.calls.getSchema).toBe(1);
  });

  it('reads an event written with an older schema version, filling the new defaults', async () => {
    const current = loadSchemas().TurnRecorded;
    const older = { ...current, fields: current.fields.filter((f) => f.name !== 'usage' && f.name !== 'logprobs') };
    const subject = serde.subjectFor('TurnRecorded');
    const oldId = await registry.register(subject, JSON.stringify(older));
    const { usage, logprobs, ...oldEvent } = examples.TurnRecorded;
    void [usage, logprobs];
    const bytes = encodeWire(oldId, Type.forSchema(older as never).toBuffer(oldEvent));

    await serde.registerAll(); // the current version is accepted on top of the older one (BACKWARD)
    const decoded = await serde.decode(bytes);
    expect(decoded).toEqual({ type: 'TurnRecorded', schemaId: oldId, data: { ...oldEvent, usage: null, logprobs: null } });
  });

  it('refuses an invalid event with field issues before touching the registry', async () => {
    const error = await caught(serde.encode('TurnRecorded', { ...examples.TurnRecorded, role: 'bot' as never }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: 'role', reason: 'expected one of system|user|assistant|tool, got string "bot"' }]);
    expect(registry.calls.register).toBe(0);
  });

  it('refuses to decode a well-typed reward that breaks the contract (NaN, written by a producer that skipped validation): poison, not retriable', async () => {
    const bytes = await serde.encodeValid('RewardAssigned', { ...examples.RewardAssigned, reward: Number.NaN });
    const error = await caught(serde.decode(bytes));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.retriable).toBe(false);
    expect(error.message).toContain(examples.RewardAssigned.event_id);
    expect((error as ValidationError).issues).toEqual([{ path: 'reward', reason: 'must be a finite number, got NaN' }]);
  });

  describe('poison input is EVENT_UNDECODABLE and not retriable', () => {
    it.each([
      ['no value', null],
      ['too short', Buffer.from([0, 0, 1])],
      ['wrong magic byte', Buffer.from('{"json":true}')],
    ])('%s', async (_name, bytes) => {
      const error = await caught(serde.decode(bytes));
      expect(isLedgerError(error, 'EVENT_UNDECODABLE')).toBe(true);
      expect(error.retriable).toBe(false);
    });

    it('an unknown schema id', async () => {
      const error = await caught(serde.decode(encodeWire(4242, Buffer.from([1, 2]))));
      expect(isLedgerError(error, 'EVENT_UNDECODABLE')).toBe(true);
      expect(error.message).toContain('4242');
    });

    it('a schema that is not one of our events', async () => {
      const id = await registry.register('other', JSON.stringify({ type: 'record', name: 'Foo', namespace: 'x', fields: [] }));
      const error = await caught(serde.decode(encodeWire(id, Buffer.alloc(0))));
      expect(isLedgerError(error, 'EVENT_UNDECODABLE')).toBe(true);
      expect(error.message).toContain('x.Foo');
    });

    it('a truncated body', async () => {
      const bytes = await serde.encode('RolloutStarted', examples.RolloutStarted);
      const error = await caught(serde.decode(bytes.subarray(0, bytes.length - 10)));
      expect(isLedgerError(error, 'EVENT_UNDECODABLE')).toBe(true);
    });
  });

  it('keeps registry outages retriable and does not cache them', async () => {
    const bytes = await serde.encode('RewardAssigned', examples.RewardAssigned);
    let outage = true;
    const down: SchemaRegistry = {
      setCompatibility: (subject, level) => registry.setCompatibility(subject, level),
      register: (subject, schema) => registry.register(subject, schema),
      getSchema: async (id) => {
        if (outage) {
          outage = false;
          throw new LedgerError('SCHEMA_REGISTRY_UNAVAILABLE', 'down', true);
        }
        return registry.getSchema(id);
      },
    };
    const reader = new EventSerde({ registry: down });
    const error = await caught(reader.decode(bytes));
    expect(error.retriable).toBe(true);
    expect((await reader.decode(bytes)).type).toBe('RewardAssigned');
  });

  it('registers then configures on registries that only configure existing subjects', async () => {
    const strict = new InMemorySchemaRegistry();
    const known = new Set<string>();
    const setCompatibility = strict.setCompatibility.bind(strict);
    const register = strict.register.bind(strict);
    strict.setCompatibility = async (subject, level) => {
      if (!known.has(subject)) throw new LedgerError('SCHEMA_NOT_FOUND', `no subject ${subject}`);
      return setCompatibility(subject, level);
    };
    strict.register = async (subject, schema) => {
      known.add(subject);
      return register(subject, schema);
    };
    await new EventSerde({ registry: strict }).registerAll();
    expect(strict.compatibility('rollout.events-rolloutledger.events.TurnRecorded')).toBe('BACKWARD');
  });

  it('reports a breaking local change as SCHEMA_INCOMPATIBLE naming the subject', async () => {
    const subject = serde.subjectFor('RolloutCompleted');
    await serde.registerAll();
    const current = loadSchemas().RolloutCompleted;
    const breaking = { ...current, fields: [...current.fields, { name: 'grader', type: 'string', doc: 'no default' }] };
    const error = await caught(registry.register(subject, JSON.stringify(breaking)));
    expect(isLedgerError(error, 'SCHEMA_INCOMPATIBLE')).toBe(true);
    expect(error.message).toContain(subject);
    expect(error.message).toContain('grader');
  });
});
