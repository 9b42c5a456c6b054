import { isLedgerError, type LedgerError } from '@rollout-ledger/contracts';
import { HttpSchemaRegistry } from './schema-registry.client';

type Call = { url: string; method: string; body?: string; headers: Record<string, string> };

function fakeFetch(answers: Array<{ status: number; body: unknown } | Error>): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const queue = [...answers];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, method: String(init.method), body: init.body as string | undefined, headers: init.headers as Record<string, string> });
    const next = queue.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return new Response(JSON.stringify(next.body), { status: next.status });
  }) as unknown as typeof fetch;
  return { fetch: fetchFn, calls };
}

async function caught(promise: Promise<unknown>): Promise<LedgerError> {
  try {
    await promise;
  } catch (error) {
    return error as LedgerError;
  }
  throw new Error('expected a rejection');
}

const url = 'http://registry.test/apis/ccompat/v7/';

describe('HttpSchemaRegistry', () => {
  it('calls the Confluent endpoints with the Confluent content type', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { compatibility: 'BACKWARD' } },
      { status: 200, body: { id: 7 } },
      { status: 200, body: { schema: '"string"' } },
    ]);
    const registry = new HttpSchemaRegistry({ url, fetch });
    await registry.setCompatibility('rollout.events-a.B', 'BACKWARD');
    expect(await registry.register('rollout.events-a.B', '{"type":"string"}')).toBe(7);
    expect(await registry.getSchema(7)).toBe('"string"');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'PUT http://registry.test/apis/ccompat/v7/config/rollout.events-a.B',
      'POST http://registry.test/apis/ccompat/v7/subjects/rollout.events-a.B/versions',
      'GET http://registry.test/apis/ccompat/v7/schemas/ids/7',
    ]);
    expect(JSON.parse(calls[0].body!)).toEqual({ compatibility: 'BACKWARD' });
    expect(JSON.parse(calls[1].body!)).toEqual({ schema: '{"type":"string"}' });
    expect(calls[1].headers['Content-Type']).toBe('application/vnd.schemaregistry.v1+json');
  });

  it('turns a 409 into SCHEMA_INCOMPATIBLE with the subject and the registry reason', async () => {
    const { fetch } = fakeFetch([
      {
        status: 409,
        body: {
          error_code: 409,
          message: 'io.apicurio.registry.rules.violation.RuleViolationException: Incompatible artifact: s [AVRO], list of diff types: [b at /fields/1]',
        },
      },
      { status: 200, body: { is_compatible: false } },
    ]);
    const error = await caught(new HttpSchemaRegistry({ url, fetch }).register('s', '{}'));
    expect(isLedgerError(error, 'SCHEMA_INCOMPATIBLE')).toBe(true);
    expect(error.retriable).toBe(false);
    expect(error.message).toBe(
      'Schema registry refused the new schema for subject "s" as incompatible: Incompatible artifact: s [AVRO], list of diff types: [b at /fields/1]',
    );
  });

  it('adds the verbose compatibility messages when the registry gives them (Confluent)', async () => {
    const { fetch } = fakeFetch([
      { status: 409, body: { error_code: 409, message: 'Schema being registered is incompatible with an earlier schema' } },
      { status: 200, body: { is_compatible: false, messages: ["READER_FIELD_MISSING_DEFAULT_VALUE: 'b'"] } },
    ]);
    const error = await caught(new HttpSchemaRegistry({ url, fetch }).register('s', '{}'));
    expect(error.message).toContain("incompatible with an earlier schema; READER_FIELD_MISSING_DEFAULT_VALUE: 'b'");
  });

  it('is retriable when the registry cannot be reached, after retrying', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const { fetch, calls } = fakeFetch([refused, refused, refused]);
    const error = await caught(new HttpSchemaRegistry({ url, fetch, retries: 2 }).getSchema(1));
    expect(isLedgerError(error, 'SCHEMA_REGISTRY_UNAVAILABLE')).toBe(true);
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(calls).toHaveLength(3);
  });

  it('retries a 503 and succeeds', async () => {
    const { fetch } = fakeFetch([{ status: 503, body: { message: 'starting' } }, { status: 200, body: { id: 3 } }]);
    expect(await new HttpSchemaRegistry({ url, fetch }).register('s', '{}')).toBe(3);
  });

  it('maps 404 to SCHEMA_NOT_FOUND and 422 to SCHEMA_INVALID', async () => {
    const { fetch } = fakeFetch([
      { status: 404, body: { error_code: 40403, message: 'Schema 9 not found.' } },
      { status: 422, body: { error_code: 42201, message: 'Invalid schema' } },
    ]);
    const registry = new HttpSchemaRegistry({ url, fetch });
    expect((await caught(registry.getSchema(9))).code).toBe('SCHEMA_NOT_FOUND');
    expect((await caught(registry.register('s', '{'))).code).toBe('SCHEMA_INVALID');
  });
});
