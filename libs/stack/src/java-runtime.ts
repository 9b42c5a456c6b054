import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from './stack.errors';

export interface JavaRuntime {
  readonly bin: string;
  readonly major: number;
}

/** Reads the major version from `java -version` (printed on stderr: `openjdk version "17.0.15"`). */
export function javaMajor(bin: string): number | null {
  const result = spawnSync(bin, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  return parseJavaVersion(`${result.stderr}\n${result.stdout}`);
}

export function parseJavaVersion(text: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return null;
  // Java 8 and older report "1.8.0_…".
  return match[1] === '1' && match[2] ? Number(match[2]) : Number(match[1]);
}

function candidates(preferredHome: string): string[] {
  const list: string[] = [];
  if (preferredHome) list.push(join(preferredHome, 'bin', 'java'));
  if (process.env.JAVA_HOME) list.push(join(process.env.JAVA_HOME, 'bin', 'java'));
  list.push('java');
  const jvmRoot = '/usr/lib/jvm';
  if (existsSync(jvmRoot)) {
    for (const entry of readdirSync(jvmRoot).sort().reverse()) list.push(join(jvmRoot, entry, 'bin', 'java'));
  }
  return list;
}

/**
 * Finds a Java runtime of at least `minMajor`: the preferred home first, then JAVA_HOME, the
 * `java` on PATH, and the JDKs installed under /usr/lib/jvm.
 */
export function findJava(minMajor: number, purpose: string, preferredHome = ''): JavaRuntime {
  const seen: string[] = [];
  for (const bin of candidates(preferredHome)) {
    if (bin !== 'java' && !existsSync(bin)) continue;
    const major = javaMajor(bin);
    if (major === null) continue;
    seen.push(`${bin} (Java ${major})`);
    if (major >= minMajor) return { bin, major };
  }
  if (seen.length === 0) {
    throw new StackError('JAVA_MISSING', `Java ${minMajor}+ is required for ${purpose}, but no \`java\` was found on PATH, in JAVA_HOME or under /usr/lib/jvm. Install a JDK (e.g. \`apt-get install openjdk-17-jdk-headless\`).`);
  }
  throw new StackError('JAVA_TOO_OLD', `${purpose} needs Java ${minMajor}+, found only: ${seen.join(', ')}. Install a newer JDK or point REGISTRY_JAVA_HOME at one.`);
}

export function requireMaven(): string {
  try {
    const out = execFileSync('mvn', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0] ?? 'mvn';
  } catch {
    throw new StackError('MAVEN_MISSING', 'Apache Maven (`mvn`) is required to fetch Kafka and the schema registry from Maven Central, but it was not found on PATH. Install it (e.g. `apt-get install maven`).');
  }
}
