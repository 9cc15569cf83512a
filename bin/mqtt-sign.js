#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json) on purpose: start-up is the issue-4 target (≤ 1.3× a bare `node -e 0`), and an ES module
// entry alone costs Node a few ms. The CLI itself runs from dist/bundle/cli.cjs, one file that scripts/bundle.mjs makes
// from tsc's dist/ (reading ~60 ES modules was most of start-up), compiled with the V8 code cache the same build wrote
// for it (parsing it was most of the rest). A cache V8 rejects (another Node) only costs the parse it would have saved.
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const bundle = join(__dirname, '../dist/bundle/cli.cjs');

/** Compiles and runs the bundle as a CommonJS module: its exports and the vm.Script (for scripts/code-cache.cjs). */
function loadBundle(source, cachedData) {
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __import) {${source}\n})`, { filename: bundle, cachedData });
  const mod = { exports: {} };
  // __import: the bundle's import() of chalk, clipboardy or ws, which it cannot do itself (see scripts/bundle.mjs).
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, join(bundle, '..'), (id) => import(id));
  return { exports: mod.exports, script };
}

/** The bundle's source, unless it is missing or older than dist/ (after a bare `npx tsc -p .`, which rewrites every file). */
function bundleSource() {
  try {
    if (statSync(bundle).mtimeMs >= statSync(join(__dirname, '../dist/cli/main.js')).mtimeMs) return readFileSync(bundle, 'utf8');
  } catch {}
  return undefined;
}

async function cliMain() {
  const source = bundleSource();
  if (source === undefined) return (await import('../dist/cli/main.js')).main;
  // The build names the cache after a hash of the bundle it ran, so a cache never meets another bundle.
  const build = /^\/\/ mqtt-sign build (\w+)\n$/.exec(source.slice(source.lastIndexOf('\n', source.length - 2) + 1))?.[1];
  let cachedData;
  try {
    if (build !== undefined) cachedData = readFileSync(join(bundle, `../cli.${build}.cache`));
  } catch {}
  return loadBundle(source, cachedData).exports.main;
}

const args = process.argv.slice(2);
if (require.main === module && args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before the bundle is read: a version check (CI scripts, `npx mqtt-sign -V`) needs nothing else.
  process.stdout.write(`${require('../package.json').version}\n`);
} else if (require.main === module) {
  cliMain()
    .then((main) => main(args))
    .then((code) => {
      process.exitCode = code;
    });
} else {
  module.exports = { bundle, loadBundle };
}
