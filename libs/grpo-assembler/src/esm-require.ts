/**
 * hyparquet and hyparquet-writer ship only as ES modules. Node ≥ 20.19 require()s them natively,
 * but jest's module registry (which also wraps `node:module`) cannot, so they are loaded through
 * Node's own loader, reached via process.getBuiltinModule, which jest leaves alone.
 */
const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module');
const nativeRequire = createRequire(__filename);

export function requireEsm<T>(specifier: string): T {
  return nativeRequire(specifier) as T;
}
