import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackConfig } from '@rollout-ledger/config';
import { stackLayout } from '@rollout-ledger/stack';

export const AVRO_TOOLS_VERSION = '1.12.0';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** Runs a command to the end; stdout as bytes (kcat writes raw record values). */
export function run(command: string, args: readonly string[], timeoutMs = 120_000): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr });
    });
  });
}

/**
 * Apache Avro's own command-line tools (org.apache.avro:avro-tools, Maven Central), fetched once
 * with the user's Maven into `.stack/artifacts/` (cached in ~/.m2), so a fresh CI machine gets it
 * the same way the local stack gets Kafka. Returns the jar's path.
 */
export async function ensureAvroTools(): Promise<string> {
  const dir = join(stackLayout(loadStackConfig()).artifacts, `avro-tools-${AVRO_TOOLS_VERSION}`);
  const jar = join(dir, `avro-tools-${AVRO_TOOLS_VERSION}.jar`);
  if (existsSync(jar)) return jar;
  // Copy into a scratch folder first: a half-written jar must never look complete.
  const scratch = `${dir}.tmp-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const { code, stderr, stdout } = await run(
    'mvn',
    ['-B', '-q', `${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=org.apache.avro:avro-tools:${AVRO_TOOLS_VERSION}`, `-DoutputDirectory=${scratch}`],
    600_000,
  );
  if (code !== 0) throw new Error(`Maven could not fetch avro-tools ${AVRO_TOOLS_VERSION} (exit ${code}):\n${stdout.toString()}${stderr}`.slice(-3000));
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  return jar;
}

type AvroSchema = string | { type: unknown; [key: string]: unknown } | AvroSchema[];

/**
 * Avro's JSON encoding → plain values, guided by the writer schema: a non-null union value is
 * wrapped as `{"<branch name>": value}` in that encoding, which our producers never see.
 */
export function unwrapAvroJson(schema: AvroSchema, value: unknown, namespace = ''): unknown {
  if (Array.isArray(schema)) {
    if (value === null) return null;
    const [branch, inner] = Object.entries(value as Record<string, unknown>)[0] as [string, unknown];
    const chosen = schema.find((candidate) => branchName(candidate, namespace) === branch);
    if (chosen === undefined) throw new Error(`union branch ${branch} not in ${JSON.stringify(schema)}`);
    return unwrapAvroJson(chosen, inner, namespace);
  }
  if (typeof schema === 'string') return value;
  const ns = typeof schema.namespace === 'string' ? schema.namespace : namespace;
  switch (schema.type) {
    case 'record': {
      const fields = schema.fields as { name: string; type: AvroSchema }[];
      const record = value as Record<string, unknown>;
      return Object.fromEntries(fields.map((field) => [field.name, unwrapAvroJson(field.type, record[field.name], ns)]));
    }
    case 'array':
      return (value as unknown[]).map((item) => unwrapAvroJson(schema.items as AvroSchema, item, ns));
    case 'map':
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, unwrapAvroJson(schema.values as AvroSchema, v, ns)]));
    default:
      return typeof schema.type === 'object' ? unwrapAvroJson(schema.type as AvroSchema, value, ns) : value;
  }
}

function branchName(schema: AvroSchema, namespace: string): string {
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema)) return 'union';
  if (schema.type === 'record' || schema.type === 'enum' || schema.type === 'fixed') {
    const name = String(schema.name);
    if (name.includes('.')) return name;
    const ns = typeof schema.namespace === 'string' ? schema.namespace : namespace;
    return ns ? `${ns}.${name}` : name;
  }
  return String(schema.type);
}
