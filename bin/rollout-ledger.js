#!/usr/bin/env node
'use strict';
// Entry of the `rollout-ledger` CLI. The code is compiled to dist/ by `npm run build`
// (run automatically by `npm ci` / `npm install` through the `prepare` script).
const path = require('node:path');
const fs = require('node:fs');

const dist = path.join(__dirname, '..', 'dist');
const entry = path.join(dist, 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('rollout-ledger is not built yet: run `npm run build` in the project folder.\n');
  process.exit(2);
}
require(path.join(__dirname, 'register-libs.js'));
// A command whose work stopped waiting on nothing (a promise no event will ever settle) would
// otherwise end with exit code 0 as if it had succeeded.
let settled = false;
process.on('beforeExit', () => {
  if (settled) return;
  process.stderr.write('error [INTERNAL]: the command stopped before it finished (a pending operation can never complete)\n');
  process.exit(70);
});
require(entry)
  .main(process.argv)
  .then(() => {
    settled = true;
    // A command is done when its action resolves: a client's idle socket or timer must not keep
    // the process alive (stdout and stderr are synchronous for files, pipes and terminals here).
    process.exit(process.exitCode ?? 0);
  })
  .catch((error) => {
    settled = true;
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
