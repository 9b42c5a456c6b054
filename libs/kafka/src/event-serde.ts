import { Type } from 'avsc';
import {
  ErrorCodes,
  EVENT_TYPES,
  EventTopics,
  LedgerError,
  ValidationError,
  contentIssues,
  eventAvroType,
  isEventType,
  isLedgerError,
  loadSchemas,
  parseEventType,
  validateEvent,
  type EventType,
  type EventTypes,
  type TypedEvent,
} from '@rollout-ledger/contracts';
import type { CompatibilityLevel, SchemaRegistry } from './schema-registry.client';
import { topicRecordSubject } from './subject-naming';
import { decodeWire, encodeWire } from './wire-format';

/** A decoded message: the event and the registry id of the schema it was written with. */
export type DecodedEvent = TypedEvent & { readonly schemaId: number };

export interface EventSerdeOptions {
  readonly registry: SchemaRegistry;
  /** Topic of each event type (they name the subjects); defaults to EventTopics. Tests pass random ones. */
  readonly topics?: Partial<Record<EventType, string>>;
  /** Rule set on every subject before registering. Default BACKWARD (design §2). */
  readonly compatibility?: CompatibilityLevel;
}

interface WriterSchema {
  readonly type: EventType;
  /** Reads a body written with this schema as the current schema's shape. */
  readonly read: (body: Buffer) => unknown;
}

/**
 * Avro + Confluent wire format for every event, with the schema registry as the source of ids.
 * Encoding uses the local `schemas/*.avsc`; decoding fetches the writer's schema by the id in the
 * message (cached by id) and resolves it into the current schema, so events written with an older,
 * BACKWARD-compatible version read with today's defaults.
 */
export class EventSerde {
  private readonly topics: Readonly<Record<EventType, string>>;
  private readonly ids = new Map<EventType, Promise<number>>();
  private readonly writers = new Map<number, Promise<WriterSchema>>();

  constructor(private readonly options: EventSerdeOptions) {
    this.topics = { ...EventTopics, ...options.topics };
  }

  topicFor(type: EventType): string {
    return this.topics[type];
  }

  subjectFor(type: EventType): string {
    return topicRecordSubject(this.topicFor(type), type);
  }

  /**
   * Sets each subject's compatibility and registers every schema. Idempotent: the registry answers
   * an identical schema with its existing id. Throws SCHEMA_INCOMPATIBLE when a local schema breaks
   * the subject's history.
   */
  async registerAll(): Promise<Readonly<Record<EventType, number>>> {
    const ids = {} as Record<EventType, number>;
    for (const type of EVENT_TYPES) ids[type] = await this.schemaId(type);
    return ids;
  }

  /** The registry id of the current schema of `type` (registering it on first use). */
  schemaId(type: EventType): Promise<number> {
    let id = this.ids.get(type);
    if (!id) {
      id = this.register(type);
      this.ids.set(type, id);
      // A failed registration must not stick: the next call tries again.
      id.catch(() => this.ids.delete(type));
    }
    return id;
  }

  /** Validates then encodes; throws ValidationError (with field issues) for a bad event. */
  async encode<T extends EventType>(type: T, data: EventTypes[T]): Promise<Buffer> {
    const issues = validateEvent(type, data);
    if (issues.length > 0) {
      throw new ValidationError(`Invalid ${type}: ${issues.map((i) => `${i.path}: ${i.reason}`).join('; ')}`, issues);
    }
    return this.encodeValid(type, data);
  }

  /** Encodes an event already checked with validateEvent (the producer validates a whole batch first). */
  async encodeValid<T extends EventType>(type: T, data: EventTypes[T]): Promise<Buffer> {
    const id = await this.schemaId(type);
    return encodeWire(id, eventAvroType(type).toBuffer(data));
  }

  /**
   * Decodes a message to `{type, data, schemaId}`. Throws EVENT_UNDECODABLE (poison, not
   * retriable) for bytes that are not an event of ours, SCHEMA_REGISTRY_UNAVAILABLE (retriable)
   * when the writer schema cannot be fetched.
   */
  async decode(bytes: Buffer | null | undefined): Promise<DecodedEvent> {
    const { schemaId, body } = decodeWire(bytes);
    const writer = await this.writer(schemaId);
    let data: unknown;
    try {
      data = writer.read(body);
    } catch (error) {
      throw new LedgerError(
        ErrorCodes.eventUndecodable,
        `Avro body does not match ${writer.type} schema id ${schemaId}: ${(error as Error).message}`,
        false,
        { schemaId, type: writer.type },
        { cause: error },
      );
    }
    const issues = contentIssues(writer.type, data);
    if (issues.length > 0) {
      const id = (data as { event_id?: unknown }).event_id;
      throw new ValidationError(`${writer.type} ${String(id)} breaks the event contract: ${issues.map((i) => `${i.path}: ${i.reason}`).join('; ')}`, issues);
    }
    return { type: writer.type, data, schemaId } as DecodedEvent;
  }

  private async register(type: EventType): Promise<number> {
    const subject = this.subjectFor(type);
    const schema = JSON.stringify(loadSchemas()[type]);
    const level = this.options.compatibility ?? 'BACKWARD';
    const registry = this.options.registry;
    let id: number;
    try {
      await registry.setCompatibility(subject, level);
      id = await registry.register(subject, schema);
    } catch (error) {
      // Some registries (Apicurio) only configure subjects that exist: register, then configure.
      // The first version has no history to be compatible with, so the order does not matter then.
      if (!isLedgerError(error, ErrorCodes.schemaNotFound)) throw error;
      id = await registry.register(subject, schema);
      await registry.setCompatibility(subject, level);
    }
    // Our own schema: decoding needs no resolver and no registry round trip.
    if (!this.writers.has(id)) {
      const local = eventAvroType(type);
      this.writers.set(id, Promise.resolve({ type, read: (body) => local.fromBuffer(body) }));
    }
    return id;
  }

  private writer(schemaId: number): Promise<WriterSchema> {
    let writer = this.writers.get(schemaId);
    if (!writer) {
      writer = this.fetchWriter(schemaId);
      this.writers.set(schemaId, writer);
      // Cache only successes: a registry outage must not poison the id for good.
      writer.catch(() => this.writers.delete(schemaId));
    }
    return writer;
  }

  private async fetchWriter(schemaId: number): Promise<WriterSchema> {
    let text: string;
    try {
      text = await this.options.registry.getSchema(schemaId);
    } catch (error) {
      if (isLedgerError(error, ErrorCodes.schemaNotFound)) {
        throw new LedgerError(ErrorCodes.eventUndecodable, `Schema id ${schemaId} is unknown to the registry`, false, { schemaId }, { cause: error });
      }
      throw error;
    }
    let writerType: Type;
    try {
      writerType = Type.forSchema(JSON.parse(text) as never);
    } catch (error) {
      throw undecodable(schemaId, `its schema does not parse as Avro: ${(error as Error).message}`, error);
    }
    const fullName = writerType.name ?? '';
    const bare = fullName.slice(fullName.lastIndexOf('.') + 1);
    if (!isEventType(bare)) throw undecodable(schemaId, `it is ${fullName || 'an unnamed schema'}, not a Rollout Ledger event`);
    const type = parseEventType(fullName);
    const reader = eventAvroType(type);
    if (reader.equals(writerType)) return { type, read: (body) => reader.fromBuffer(body) };
    let resolver: ReturnType<Type['createResolver']>;
    try {
      resolver = reader.createResolver(writerType);
    } catch (error) {
      throw undecodable(schemaId, `its ${type} schema cannot be read with the current one: ${(error as Error).message}`, error);
    }
    return { type, read: (body) => reader.fromBuffer(body, resolver) };
  }
}

function undecodable(schemaId: number, why: string, cause?: unknown): LedgerError {
  return new LedgerError(ErrorCodes.eventUndecodable, `Cannot decode schema id ${schemaId}: ${why}`, false, { schemaId }, { cause });
}
