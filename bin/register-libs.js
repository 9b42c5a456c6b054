'use strict';
// Maps the workspace aliases `@rollout-ledger/<lib>` (tsconfig "paths") onto the compiled
// libraries in dist/, so compiled code resolves them without a bundler.
// Only the public entry of a library can be resolved: deep imports stay impossible.
const Module = require('node:module');
const path = require('node:path');

const libs = path.join(__dirname, '..', 'dist', 'libs');
const alias = /^@rollout-ledger\/([a-z0-9-]+)$/;
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspaceLib(request, ...rest) {
  const match = alias.exec(request);
  if (match) {
    return resolve.call(this, path.join(libs, match[1], 'src', 'index.js'), ...rest);
  }
  return resolve.call(this, request, ...rest);
};
