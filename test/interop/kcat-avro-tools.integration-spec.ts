import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConnectionConfig } from '@rollout-ledger/config';
import { exampleEvents, EVENT_NAMESPACE } from '@rollout-ledger/contracts';
import { INGEST_EVENT_TYPES } from '@rollout-ledger/ingest';
import { envelopes, startTestGateway, type TestGateway } from '../../libs/ingest/src/ingest-gateway.fixture';
import { ensureAvroTools, run, unwrapAvroJson } from './avro-tools';

/**
 * Consumers outside Node read our topics: kcat (librdkafka, C) fetches a record's raw bytes, the
 * Confluent frame is checked by hand, the writer schema comes from the registry by id over plain
 * HTTP, and Apache Avro's Java tools decode the body — no code of ours on the reading side.
 */
describe('cross-language wire format: kcat + registry + Apache avro-tools', () => {
  const registryUrl = loadConnectionConfig().SCHEMA_REGISTRY_URL;
  const broker = loadConnectionConfig().KAFKA_BROKERS[0];
  let gateway: TestGateway;
  let jar: string;
  let scratch: string;

  beforeAll(async () => {
    [gateway, jar] = await Promise.all([startTestGateway(), ensureAvroTools()]);
    scratch = mkdtempSync(join(tmpdir(), 'rollout-ledger-interop-'));
  });

  afterAll(async () => {
    await gateway?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('every event type published through the gateway decodes with avro-tools to the same values', async () => {
    const id = randomUUID().slice(0, 8);
    const e = exampleEvents({ rollout_id: `r-${id}`, group_id: `g-${id}`, run_id: `run-${id}`, task_id: `t-${id}` });
    const events = INGEST_EVENT_TYPES.map((type) => ({ type, data: e[type] }));
    const response = await gateway.post(JSON.stringify(envelopes(events)));
    expect(response.status).toBe(202);

    for (const [i, landed] of (response.json.events as { type: string; topic: string; partition: number; offset: string }[]).entries()) {
      // 1. Raw bytes of exactly that record, as a C client reads them (read_committed is librdkafka's default).
      const kcat = await run('kcat', ['-C', '-b', broker, '-t', landed.topic, '-p', String(landed.partition), '-o', landed.offset, '-c', '1', '-e', '-q', '-f', '%s']);
      expect(kcat.stderr).toBe('');
      expect(kcat.code).toBe(0);
      const bytes = kcat.stdout;

      // 2. Confluent wire format: magic byte 0, then the schema id (big-endian int32).
      expect(bytes[0]).toBe(0);
      const schemaId = bytes.readInt32BE(1);
      const subject = `${landed.topic}-${EVENT_NAMESPACE}.${landed.type}`;
      const latest = (await (await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`)).json()) as { id: number };
      expect(schemaId).toBe(latest.id);

      // 3. The writer schema, by id, over plain HTTP.
      const byId = (await (await fetch(`${registryUrl}/schemas/ids/${schemaId}`)).json()) as { schema: string };
      const schema = JSON.parse(byId.schema);
      expect(schema.name).toBe(landed.type);
      const schemaFile = join(scratch, `${schemaId}.avsc`);
      const bodyFile = join(scratch, `${landed.type}-${i}.bin`);
      writeFileSync(schemaFile, byId.schema);
      writeFileSync(bodyFile, bytes.subarray(5));

      // 4. Apache Avro (Java) decodes the body.
      const tools = await run('java', ['-jar', jar, 'fragtojson', '--no-pretty', '--schema-file', schemaFile, bodyFile]);
      expect(tools.code).toBe(0);
      const decoded = unwrapAvroJson(schema, JSON.parse(tools.stdout.toString('utf8')));
      expect(decoded).toEqual(events[i].data);
    }
  });
});
