import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireMaven } from './java-runtime';
import { StackError } from './stack.errors';
import { KAFKA_VERSION, REGISTRY_VERSION, StackLayout } from './stack-layout';

const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/**
 * Fetches the broker's classpath and the registry's archive from Maven Central with the user's own
 * Maven (cached in ~/.m2). A `.complete` marker makes it a one-time step per stack folder.
 */
export async function ensureArtifacts(layout: StackLayout, log: (line: string) => void): Promise<void> {
  await ensure(layout.kafkaLibs, `Kafka ${KAFKA_VERSION}`, log, [
    '-f', join(layout.poms, 'kafka-pom.xml'),
    `${DEPENDENCY_PLUGIN}:copy-dependencies`,
    `-Dkafka.version=${KAFKA_VERSION}`,
    `-DoutputDirectory=${layout.kafkaLibs}`,
    '-DincludeScope=runtime',
  ]);
  await ensure(layout.registryHome, `Apicurio Registry ${REGISTRY_VERSION}`, log, [
    `${DEPENDENCY_PLUGIN}:unpack`,
    `-Dartifact=io.apicurio:apicurio-registry-app:${REGISTRY_VERSION}:tar.gz:all`,
    `-DoutputDirectory=${layout.registryHome}`,
  ]);
}

async function ensure(target: string, what: string, log: (line: string) => void, mavenArgs: string[]): Promise<void> {
  const marker = join(target, '.complete');
  if (existsSync(marker)) return;
  requireMaven();
  log(`fetching ${what} from Maven Central (once; cached in ~/.m2)…`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  // Maven runs inside the target folder: the dependency plugin remembers what it unpacked in
  // marker files under its working directory and would skip a second copy elsewhere.
  const { code, output } = await run('mvn', ['-B', '-q', ...mavenArgs], target);
  if (code !== 0) {
    throw new StackError('ARTIFACT_FETCH_FAILED', `Maven could not fetch ${what} (exit ${code}):\n${output.slice(-2000)}`);
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, output: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
