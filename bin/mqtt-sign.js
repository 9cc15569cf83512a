#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json) on purpose: start-up is a target (≤ 1.3× a bare `node -e 0`), and an ES module entry
// alone costs Node a few ms. The CLI itself runs from dist/bundle/cli.cjs, one file that scripts/bundle.mjs makes from
// tsc's dist/ (reading ~60 ES modules was most of start-up), compiled with a V8 code cache (parsing it was most of the
// rest). V8 accepts a cache only from the same Node build, architecture and V8 flags, so the cache is looked up by a key
// of exactly those: the one the build shipped, else one this machine wrote on an earlier run (in the user's cache
// directory). When neither fits, the run writes one after it has finished, so the next start is fast on any Node.
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const bundle = join(__dirname, '../dist/bundle/cli.cjs');

/** Compiles and runs the bundle as a CommonJS module: its exports and the vm.Script (for its code cache). */
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

/** 32-bit FNV-1a, in hex: enough to tell flag sets apart in a file name without loading node:crypto (~9 ms). */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** What a code cache depends on: the bundle (its build id), the Node build, the architecture and the V8 flags. */
function cacheKey(build, env = process.env) {
  return `${build}.${process.version}.${process.arch}.${fnv1a([...process.execArgv, env.NODE_OPTIONS ?? ''].join(' '))}`;
}

/** The user's cache directory for mqtt-sign, as other CLIs keep theirs; undefined when the environment names none. */
function userCacheDir(env = process.env) {
  if (process.platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'mqtt-sign', 'Cache') : undefined;
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  return base ? join(base, 'mqtt-sign') : undefined;
}

function readOrUndefined(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written to a temporary name and renamed, so a concurrent run never reads half a cache; any failure is ignored. */
function writeCache(dir, file, script) {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}

async function run(args) {
  const source = bundleSource();
  if (source === undefined) return (await import('../dist/cli/main.js')).main(args);
  // The build id is a hash of the bundle (last line), so a cache never meets another bundle.
  const build = /^\/\/ mqtt-sign build (\w+)\n$/.exec(source.slice(source.lastIndexOf('\n', source.length - 2) + 1))?.[1];
  const key = build === undefined ? undefined : cacheKey(build);
  const dir = userCacheDir();
  const shipped = key && join(bundle, `../cli.${key}.cache`);
  const own = key && dir && join(dir, `cli.${key}.cache`);
  let from = shipped;
  let cachedData = shipped && readOrUndefined(shipped);
  if (cachedData === undefined && own) {
    from = own;
    cachedData = readOrUndefined(own);
  }
  const { exports: cli, script } = loadBundle(source, cachedData);
  const code = await cli.main(args);
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  // After the run, so the cache holds what it compiled (a cache of the top level alone saves little).
  const written = !accepted && own ? writeCache(dir, own, script) : false;
  // For support and the tests: which cache this run used.
  if (process.env.MQTT_SIGN_CODE_CACHE_REPORT) {
    const what = accepted ? `accepted ${from}` : `${cachedData === undefined ? 'none' : `rejected ${from}`}${written ? `; wrote ${own}` : ''}`;
    process.stderr.write(`code cache: ${what}\n`);
  }
  return code;
}

const args = process.argv.slice(2);
if (require.main === module && args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before the bundle is read: a version check (CI scripts, `npx mqtt-sign -V`) needs nothing else.
  process.stdout.write(`${require('../package.json').version}\n`);
} else if (require.main === module) {
  run(args).then((code) => {
    process.exitCode = code;
  });
} else {
  module.exports = { bundle, loadBundle, cacheKey };
}
