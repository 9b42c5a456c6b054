import { EVENT_TYPES, ErrorCodes, LedgerError, loadSchemas, type EventType } from '@rollout-ledger/contracts';
import { EventSerde, HttpSchemaRegistry } from '@rollout-ledger/kafka';

/** One event type's subject in the registry. `version`/`id` are null when it is not registered. */
export interface SubjectStatus {
  readonly type: EventType;
  readonly subject: string;
  readonly version: number | null;
  readonly id: number | null;
  readonly compatibility: string | null;
}

export interface SchemaGovernanceOptions {
  /** Confluent-compatible API, e.g. http://127.0.0.1:8081/apis/ccompat/v7. */
  readonly registryUrl: string;
  /** Topic per event type (they name the subjects, TopicRecordNameStrategy). */
  readonly topics?: Partial<Record<EventType, string>>;
  readonly clientId?: string;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * `rollout-ledger schemas register|list`: registers every `schemas/*.avsc` under its subject with
 * BACKWARD compatibility (through the same EventSerde the producers use, so the CLI and the
 * services never disagree on subjects), then reads back version, id and rule per subject.
 */
export class SchemaGovernance {
  private readonly serde: EventSerde;
  private readonly base: string;

  constructor(options: SchemaGovernanceOptions) {
    this.serde = new EventSerde({
      registry: new HttpSchemaRegistry({ url: options.registryUrl, clientId: options.clientId }),
      topics: options.topics,
    });
    this.base = options.registryUrl.replace(/\/+$/, '');
  }

  /** Idempotent: a schema already registered keeps its version and id. Throws SCHEMA_INCOMPATIBLE naming the field. */
  async register(): Promise<SubjectStatus[]> {
    const ids = await this.serde.registerAll();
    const schemas = loadSchemas();
    return Promise.all(
      EVENT_TYPES.map(async (type) => {
        const subject = this.serde.subjectFor(type);
        // POST /subjects/{subject} looks the schema up: its version in that subject.
        const found = (await this.request('POST', `/subjects/${encodeURIComponent(subject)}`, { schema: JSON.stringify(schemas[type]) })) as {
          version?: number;
        };
        return { type, subject, id: ids[type], version: found?.version ?? null, compatibility: await this.compatibility(subject) };
      }),
    );
  }

  /** The latest registered version of each event type's subject. */
  async list(): Promise<SubjectStatus[]> {
    return Promise.all(
      EVENT_TYPES.map(async (type) => {
        const subject = this.serde.subjectFor(type);
        const latest = (await this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`, undefined, true)) as {
          version?: number;
          id?: number;
        } | null;
        return {
          type,
          subject,
          version: latest?.version ?? null,
          id: latest?.id ?? null,
          compatibility: latest ? await this.compatibility(subject) : null,
        };
      }),
    );
  }

  private async compatibility(subject: string): Promise<string | null> {
    const config = (await this.request('GET', `/config/${encodeURIComponent(subject)}`, undefined, true)) as { compatibilityLevel?: string } | null;
    return config?.compatibilityLevel ?? null;
  }

  private async request(method: string, path: string, body?: unknown, allowMissing = false): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { Accept: `${CONTENT_TYPE}, application/json`, ...(body === undefined ? {} : { 'Content-Type': CONTENT_TYPE }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new LedgerError(ErrorCodes.schemaRegistryUnavailable, `Schema registry unreachable at ${this.base}: ${(error as Error).message}`, true, undefined, {
        cause: error,
      });
    }
    const text = await response.text();
    if (response.status === 404 && allowMissing) return null;
    if (!response.ok) {
      throw new LedgerError(ErrorCodes.schemaRegistryError, `Schema registry answered ${response.status} to ${method} ${path}: ${text.slice(0, 300)}`, response.status >= 500);
    }
    return text ? JSON.parse(text) : null;
  }
}
