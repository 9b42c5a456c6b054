import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

/**
 * The folder tree is the architecture; these rules keep it honest (they fail the build, like a
 * lint rule would): libraries have one public door, apps do not import each other, pure libraries
 * do no I/O, kafkajs stays behind libs/kafka, and library dependencies form no cycle.
 */
const ROOT = resolve(__dirname, '..');
const PURE_LIBS = ['contracts', 'trajectory', 'grpo', 'rewards', 'curriculum'];
const IO_PACKAGES = /^(pg|pg-copy-streams|knex|kafkajs|@kafkajs\/.*|@nestjs\/.*|express|node:(net|http|https|child_process|dgram))$/;

interface SourceFile {
  readonly path: string; // relative to ROOT
  readonly imports: readonly string[];
}

function walk(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...walk(full));
    else if (full.endsWith('.ts')) found.push(full);
  }
  return found;
}

function importsOf(text: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) specifiers.push((match[1] ?? match[2] ?? match[3] ?? match[4]) as string);
  return specifiers;
}

const files: SourceFile[] = ['apps', 'libs']
  .flatMap((top) => walk(join(ROOT, top)))
  .map((full) => ({ path: relative(ROOT, full).split(sep).join('/'), imports: importsOf(readFileSync(full, 'utf8')) }));

const isTest = (path: string) => /\.(spec|integration-spec|e2e-spec|fixture)\.ts$/.test(path);
const unitOf = (path: string) => path.split('/').slice(0, 2).join('/'); // e.g. libs/grpo, apps/cli

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((file) => file.path.startsWith('libs/contracts/'))).toBe(true);
  });

  it('reaches other libraries only through their public entry', () => {
    const deep = files.flatMap((file) => file.imports.filter((spec) => /^@rollout-ledger\/[^/]+\/.+/.test(spec)).map((spec) => `${file.path} → ${spec}`));
    expect(deep).toEqual([]);
  });

  it('keeps relative imports inside their own library or app (migrations only from persistence)', () => {
    const escapes = files.flatMap((file) =>
      file.imports
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => ({ spec, target: relative(ROOT, resolve(ROOT, dirname(file.path), spec)).split(sep).join('/') }))
        .filter(({ target }) => unitOf(target) !== unitOf(file.path))
        .filter(({ target }) => !(unitOf(file.path) === 'libs/persistence' && target.startsWith('migrations')))
        .map(({ spec }) => `${file.path} → ${spec}`),
    );
    expect(escapes).toEqual([]);
  });

  it('never imports an app from a library or from another app', () => {
    const offenders = files.flatMap((file) =>
      file.imports
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(ROOT, resolve(ROOT, dirname(file.path), spec)).split(sep).join('/'))
        .filter((target) => target.startsWith('apps/') && unitOf(target) !== unitOf(file.path))
        .map((target) => `${file.path} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the pure libraries free of I/O and of adapter libraries', () => {
    const offenders = files
      .filter((file) => PURE_LIBS.includes(file.path.split('/')[1] as string) && file.path.startsWith('libs/') && !isTest(file.path))
      .flatMap((file) =>
        file.imports
          .filter((spec) => IO_PACKAGES.test(spec) || (spec.startsWith('@rollout-ledger/') && !PURE_LIBS.includes(spec.split('/')[1] as string)))
          .map((spec) => `${file.path} → ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps kafkajs and the registry client behind libs/kafka', () => {
    const offenders = files
      .filter((file) => !file.path.startsWith('libs/kafka/') && !isTest(file.path))
      .flatMap((file) => file.imports.filter((spec) => spec === 'kafkajs' || spec.startsWith('@kafkajs/')).map((spec) => `${file.path} → ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('has no dependency cycle between libraries', () => {
    const graph = new Map<string, Set<string>>();
    for (const file of files.filter((f) => f.path.startsWith('libs/') && !isTest(f.path))) {
      const from = file.path.split('/')[1] as string;
      const edges = graph.get(from) ?? new Set<string>();
      for (const spec of file.imports) {
        const to = /^@rollout-ledger\/([^/]+)$/.exec(spec)?.[1];
        if (to && to !== from) edges.add(to);
      }
      graph.set(from, edges);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (node: string, trail: string[]): void => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
