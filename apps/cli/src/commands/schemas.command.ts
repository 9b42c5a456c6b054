import { Command } from 'commander';
import { loadConnectionConfig, loadIngestConfig } from '@rollout-ledger/config';
import { SchemaGovernance, ingestTopics, type SubjectStatus } from '@rollout-ledger/ingest';

function governance(): SchemaGovernance {
  const connection = loadConnectionConfig(process.env);
  return new SchemaGovernance({
    registryUrl: connection.SCHEMA_REGISTRY_URL,
    topics: ingestTopics(loadIngestConfig(process.env)),
    clientId: connection.KAFKA_CLIENT_ID,
  });
}

function print(rows: readonly SubjectStatus[], json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const width = Math.max(...rows.map((row) => row.subject.length), 'subject'.length);
  process.stdout.write(`${'subject'.padEnd(width)}  version  id      compatibility\n`);
  for (const row of rows) {
    const version = row.version === null ? '-' : String(row.version);
    const id = row.id === null ? '-' : String(row.id);
    process.stdout.write(`${row.subject.padEnd(width)}  ${version.padEnd(7)}  ${id.padEnd(6)}  ${row.compatibility ?? (row.id === null ? 'not registered' : '-')}\n`);
  }
}

export function registerSchemasCommand(program: Command): void {
  const schemas = program
    .command('schemas')
    .description('the Avro event contract in the schema registry (subjects: <topic>-rolloutledger.events.<Name>, TopicRecordNameStrategy)');

  schemas
    .command('register')
    .description('register every schemas/*.avsc under its subject with BACKWARD compatibility (idempotent); prints subject, version, id')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      process.stderr.write('registering schemas…\n');
      print(await governance().register(), options.json);
    });

  schemas
    .command('list')
    .description('the latest registered version of each event subject; exits 1 when one is missing')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const rows = await governance().list();
      print(rows, options.json);
      if (rows.some((row) => row.id === null)) process.exitCode = 1;
    });
}
