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
require(entry)
  .main(process.argv)
  .then(() => {
    // A command is done when its action resolves: a client's idle socket or timer must not keep
    // the process alive (stdout and stderr are synchronous for files, pipes and terminals here).
    process.exit(process.exitCode ?? 0);
  })
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
