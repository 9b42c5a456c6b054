// hyparquet-writer ships only as an ES module. Node ≥ 20.19 can require() ES modules natively, but
// jest's module registry (which also wraps `node:module`) cannot; process.getBuiltinModule reaches
// Node's own loader, which jest leaves alone, so the same code runs in the CLI, the server and tests.
const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module');
const nativeRequire = createRequire(__filename);

export function loadParquetWriter(): typeof import('hyparquet-writer') {
  return nativeRequire('hyparquet-writer') as typeof import('hyparquet-writer');
}
