import { ErrorCodes, LedgerError } from '@rollout-ledger/contracts';

export type CompatibilityLevel =
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE'
  | 'NONE';

/** The few registry calls the serde needs (a port: tests use an in-memory one). */
export interface SchemaRegistry {
  /** Sets the subject's compatibility rule. May throw SCHEMA_NOT_FOUND on registries that only configure existing subjects. */
  setCompatibility(subject: string, level: CompatibilityLevel): Promise<void>;
  /** Registers (or finds, when identical) an Avro schema under a subject; returns its global id. */
  register(subject: string, schema: string): Promise<number>;
  /** The schema text for a global id. */
  getSchema(id: number): Promise<string>;
}

export interface HttpSchemaRegistryOptions {
  /** Base URL of a Confluent-compatible API, e.g. http://127.0.0.1:8081/apis/ccompat/v7 (Apicurio). */
  readonly url: string;
  readonly clientId?: string;
  /** Per request. Default 10 s. */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error or 5xx. Default 2. */
  readonly retries?: number;
  /** Injected in tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A minimal client of the Confluent schema-registry REST API, the same endpoints
 * @kafkajs/confluent-schema-registry calls. Written directly on fetch because that client's
 * `register()` refuses a subject whose compatibility differs from what it expects and hides
 * `PUT /config/{subject}`, and because we map every answer to our typed errors: network failures
 * and 5xx are retriable, 409 is SCHEMA_INCOMPATIBLE with the registry's own reason.
 */
export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: HttpSchemaRegistryOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? fetch;
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level }, subject);
  }

  async register(subject: string, schema: string): Promise<number> {
    try {
      const body = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema }, subject);
      return readId(body, subject);
    } catch (error) {
      if (error instanceof LedgerError && error.code === ErrorCodes.schemaIncompatible) {
        throw await this.explainIncompatibility(subject, schema, error);
      }
      throw error;
    }
  }

  async getSchema(id: number): Promise<string> {
    const body = await this.request('GET', `/schemas/ids/${id}`, undefined, `schema id ${id}`);
    const schema = (body as { schema?: unknown } | null)?.schema;
    if (typeof schema !== 'string') {
      throw new LedgerError(ErrorCodes.schemaRegistryError, `Registry answered schema id ${id} without a schema`, false, body);
    }
    return schema;
  }

  /** A 409 often says only "incompatible"; the verbose compatibility check says which field and why. */
  private async explainIncompatibility(subject: string, schema: string, original: LedgerError): Promise<LedgerError> {
    let reasons: string[] = [];
    try {
      const body = await this.request(
        'POST',
        `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`,
        { schema },
        subject,
      );
      const messages = (body as { messages?: unknown } | null)?.messages;
      if (Array.isArray(messages)) reasons = messages.map(String);
    } catch {
      // Best effort: the 409's own message is still there.
    }
    const reason = [String((original.details as { reason?: string } | undefined)?.reason ?? original.message), ...reasons]
      .filter((r, i, all) => r && all.indexOf(r) === i)
      .join('; ');
    return new LedgerError(
      ErrorCodes.schemaIncompatible,
      `Schema registry refused the new schema for subject "${subject}" as incompatible: ${reason}`,
      false,
      { subject, reason, messages: reasons },
      { cause: original },
    );
  }

  private async request(method: string, path: string, body: unknown, what: string): Promise<unknown> {
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, path, body, what);
      } catch (error) {
        if (!(error instanceof LedgerError) || !error.retriable || attempt >= retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }

  private async once(method: string, path: string, body: unknown, what: string): Promise<unknown> {
    const url = `${this.base}${path}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers: {
          Accept: `${CONTENT_TYPE}, application/json`,
          ...(body === undefined ? {} : { 'Content-Type': CONTENT_TYPE }),
          ...(this.options.clientId ? { 'User-Agent': this.options.clientId } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new LedgerError(
        ErrorCodes.schemaRegistryUnavailable,
        `Schema registry unreachable at ${this.base} (${method} ${path}): ${describeFetchError(error)}`,
        true,
        undefined,
        { cause: error },
      );
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) return parsed;
    const reason = registryMessage(parsed, text, response.status);
    const details = { status: response.status, reason, url: `${method} ${url}` };
    if (response.status >= 500 || response.status === 429) {
      throw new LedgerError(ErrorCodes.schemaRegistryUnavailable, `Schema registry failed for ${what}: ${reason}`, true, details);
    }
    switch (response.status) {
      case 409:
        throw new LedgerError(ErrorCodes.schemaIncompatible, reason, false, details);
      case 422:
        throw new LedgerError(ErrorCodes.schemaInvalid, `Schema registry refused the schema for ${what} as invalid: ${reason}`, false, details);
      case 404:
        throw new LedgerError(ErrorCodes.schemaNotFound, `Schema registry has no ${what}: ${reason}`, false, details);
      default:
        throw new LedgerError(ErrorCodes.schemaRegistryError, `Schema registry answered ${response.status} for ${what}: ${reason}`, false, details);
    }
  }
}

function readId(body: unknown, subject: string): number {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' || !Number.isInteger(id)) {
    throw new LedgerError(ErrorCodes.schemaRegistryError, `Registry answered the registration of "${subject}" without an id`, false, body);
  }
  return id;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function registryMessage(parsed: unknown, text: string, status: number): string {
  const message = (parsed as { message?: unknown } | null)?.message;
  // Apicurio prefixes its reasons with the Java exception class; the reason itself is what helps.
  if (typeof message === 'string' && message) return message.replace(/^(?:[\w$]+\.)+[\w$]*Exception:\s*/, '');
  return text ? `HTTP ${status}: ${text.slice(0, 500)}` : `HTTP ${status}`;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (cause as { code?: string } | undefined)?.code;
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
