#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json) on purpose: start-up is a target (≤ 1.3× a bare `node -e 0`), and an ES module entry
// alone costs Node a few ms. The CLI itself runs from dist/bundle/ (cli.cjs, or decode's or help's entry file, and the
// files a run imports), which scripts/bundle.mjs makes from tsc's dist/ (reading ~60 ES modules was most of start-up),
// each compiled with a V8 code cache (parsing it was most of the rest). V8 accepts a cache only from the same Node build, architecture and V8 flags, so the cache is looked up by a key
// of exactly those: the one the build shipped, else one this machine wrote on an earlier run (in the user's cache
// directory). When neither fits, the run writes one after it has finished, so the next start is fast on any Node.
const { fstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

const dir = join(__dirname, '../dist/bundle');
const bundle = join(dir, 'cli.cjs');

/**
 * The bundle's chunks as CommonJS modules: each is read, compiled (with the code cache `cacheFor(name)` returns, if
 * any) and run on its first require, once. `sources` may hold a chunk's text already read. `loaded` keeps, per
 * chunk, its vm.Script and the cache it was given, for the caller to judge and write caches after the run.
 */
function chunkLoader(cacheFor = () => ({}), sources = {}) {
  const modules = new Map();
  const loaded = new Map();
  // Chunks that travel inside an entry's file (scripts/bundle.mjs packs them): run on their first require.
  const defined = new Map();
  // A chunk two files carry is defined by the first loaded; modules.has: it may already have run.
  const define = (name, factory) => {
    if (!defined.has(name) && !modules.has(name)) defined.set(name, factory);
  };
  // fromFile: compile the chunk's own file even when a loaded file defines it (the build, for that file's cache).
  function load(name, fromFile = false) {
    const known = modules.get(name);
    if (known) return known.exports;
    const factory = fromFile ? undefined : defined.get(name);
    if (factory) {
      const mod = { exports: {} };
      modules.set(name, mod);
      factory.call(mod.exports, mod.exports, chunkRequire, mod, join(dir, name), dir, chunkImport);
      return mod.exports;
    }
    const filename = join(dir, name);
    // Each file is the function to compile, in ASCII (scripts/bundle.mjs), so V8 keeps it one byte a character.
    const source = sources[name] ?? readFileSync(filename, 'utf8');
    const found = cacheFor(name);
    const script = new vm.Script(source, { filename, cachedData: found.cachedData });
    const mod = { exports: {} };
    // Before it runs, as require() does: a cycle between chunks then sees the exports made so far.
    modules.set(name, mod);
    loaded.set(name, { script, ...found });
    script.runInThisContext().call(mod.exports, mod.exports, chunkRequire, mod, filename, dir, chunkImport, define);
    return mod.exports;
  }
  // Chunks name each other './<chunk>.cjs' (scripts/bundle.mjs); anything else is one of Node's modules (node:fs, …):
  // packages are either in the bundle or loaded with import() (see chunkImport).
  const chunkRequire = (id) => (id.startsWith('./') ? load(id.slice(2)) : require(id));
  // __import: a chunk's import() of another chunk, of clipboardy or of ws, which it cannot do itself (see scripts/bundle.mjs).
  const chunkImport = (id) => (id.startsWith('./') ? new Promise((resolve) => resolve(load(id.slice(2)))) : import(id));
  return { load, loaded };
}

/** The bundle is there and not older than dist/ (which a bare `npx tsc -p .` rewrites). */
function bundleFresh() {
  try {
    return statSync(bundle).mtimeMs >= statSync(join(__dirname, '../dist/cli/main.js')).mtimeMs;
  } catch {
    return false;
  }
}

/**
 * The file that runs a command line (scripts/bundle.mjs makes each; any of them runs any command line, importing what
 * it does not hold): decode's own (its code and none of signing's: hashes, packets, formats); for a command line that
 * names no command first (help, no arguments, a global option), one with neither; else cli.cjs, signing's.
 */
function entryFile(argv) {
  const first = argv[0];
  if (first === 'decode') return 'cli-decode.cjs';
  return first === undefined || first === 'help' || first.startsWith('-') ? 'cli-bare.cjs' : 'cli.cjs';
}

/** An entry file's source, unless the bundle is missing or stale. */
function bundleSource(entry) {
  return bundleFresh() ? readFileSync(join(dir, entry), 'utf8') : undefined;
}

/** 32-bit FNV-1a, in hex: enough to tell flag sets apart in a file name without loading node:crypto (~3 ms). */
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

/** The file's bytes, or undefined. A missing file is told by a stat, not an exception: a process's first costs ~0.15 ms. */
function readOrUndefined(file) {
  try {
    return statSync(file, { throwIfNoEntry: false }) === undefined ? undefined : readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written to a temporary name and renamed, so a concurrent run never reads half a cache; any failure is ignored. */
function writeCache(where, file, script) {
  try {
    mkdirSync(where, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}

/** The cache file for a chunk (cli.cjs → cli.<key>.cache, with a profile cli.<profile>.<key>.cache) in a directory. */
const cacheFile = (where, name, key, profile) =>
  join(where, `${name.endsWith('.cjs') ? name.slice(0, -4) : name}${profile === undefined ? '' : `.${profile}`}.${key}.cache`);

/** The same device as /dev/null (a shell's `> /dev/null`, a spawn's 'ignore'). */
const isDevNull = (st) => st.isCharacterDevice() && st.rdev !== 0 && st.rdev === statSync('/dev/null').rdev;

/** stdout is a terminal, as far as a stat tells: a character device other than /dev/null (bin cannot ask isatty cheaply). */
function stdoutIsTerminal() {
  try {
    const out = fstatSync(1);
    return out.isCharacterDevice() && !isDevNull(out);
  } catch {
    return false;
  }
}

/** cli.cjs's commands that are not a platform's (decode has a file of its own). */
const NOT_SIGNING = new Set(['verify', 'probe', 'doctor', 'decode', 'help']);

/** The profile the build warms for the command lines that name no format, or an unknown one. */
const DEFAULT_PROFILE = 'c';

/**
 * Which of the entry file's code caches fits a command line. V8's cache holds what the runs that wrote it compiled, and
 * a sign run of each format compiles its own part of cli.cjs (the table's renderer and decoder, the AT steps): one
 * cache holding every format's part costs each run the reading of the others' (~10 µs a kB), and one without a run's
 * part makes it compile that part from source on every start (a table run from a cache a `--format c` run wrote: +1.1 ms
 * on Node 22, measured). So cli.cjs has a cache per sign format, named by `--format` (by default the table on a
 * terminal, else c); its other commands (verify, probe, doctor) and the other entry files one each (undefined). A value
 * that could not be a format name is the default's: it becomes part of a file name.
 */
function cacheProfile(entry, argv, isTerminal = stdoutIsTerminal) {
  if (entry !== 'cli.cjs' || NOT_SIGNING.has(argv[0])) return undefined;
  let format;
  for (let i = 1; i < argv.length && argv[i] !== '--'; i++) {
    if (argv[i] === '--format') format = argv[++i];
    else if (argv[i].startsWith('--format=')) format = argv[i].slice('--format='.length);
  }
  if (format === undefined) return isTerminal() ? 'table' : DEFAULT_PROFILE;
  const name = format.length > 0 && format.length <= 32 && [...format].every((c) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '-');
  return name ? format : DEFAULT_PROFILE;
}

/**
 * The build id on a chunk's last line (`// mqtt-sign build <id>`), or undefined. Read with string operations: each
 * regular expression costs its first use a compilation (~50 µs), and a short run is counted in those.
 */
function buildId(source) {
  const marker = '// mqtt-sign build ';
  const start = source.lastIndexOf('\n', source.length - 2) + 1;
  if (!source.startsWith(marker, start) || !source.endsWith('\n')) return undefined;
  const id = source.slice(start + marker.length, -1);
  return id !== '' && [...id].every((c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_') ? id : undefined;
}

async function run(args) {
  const entry = entryFile(args);
  const source = bundleSource(entry);
  if (source === undefined) return (await import('../dist/cli/main.js')).main(args);
  // The build id is a hash of all chunks (last line of each), so a cache never meets another build's chunk.
  const build = buildId(source);
  const key = build === undefined ? undefined : cacheKey(build);
  const own = userCacheDir();
  const profile = cacheProfile(entry, args);
  // Per chunk: the cache the build shipped, else the one this machine wrote; for the entry file, its profile's. In
  // cli.cjs a profile the build did not warm (a format its runs do not show, another command) starts from the
  // default's shipped cache, and the run then writes this profile's own.
  const cacheFor = (name) => {
    if (key === undefined) return {};
    const mine = name === entry ? profile : undefined;
    const fallback = name === 'cli.cjs' && mine !== DEFAULT_PROFILE ? cacheFile(dir, name, key, DEFAULT_PROFILE) : undefined;
    const ownFile = own && cacheFile(own, name, key, mine);
    for (const from of [cacheFile(dir, name, key, mine), ownFile, fallback]) {
      const cachedData = from && readOrUndefined(from);
      if (cachedData !== undefined) return { from, cachedData, fits: from !== fallback, ownFile };
    }
    return { ownFile };
  };
  const { load, loaded } = chunkLoader(cacheFor, { [entry]: source });
  const code = await load(entry).main(args);
  const report = process.env.MQTT_SIGN_CODE_CACHE_REPORT ? [] : undefined;
  for (const [name, { script, from, cachedData, fits, ownFile }] of loaded) {
    const accepted = cachedData !== undefined && !script.cachedDataRejected;
    // After the run, so the cache holds what it compiled (a cache of the top level alone saves little); not after a
    // usage error (exit 2), which compiled little, so a format that does not exist never names one.
    const mine = (!accepted || !fits) && code !== 2 && ownFile ? ownFile : undefined;
    const written = mine ? writeCache(own, mine, script) : false;
    // For support and the tests: which cache each chunk used.
    report?.push(`code cache: ${name}: ${accepted ? `accepted ${from}` : cachedData === undefined ? 'none' : `rejected ${from}`}${written ? `; wrote ${mine}` : ''}\n`);
  }
  // Written directly: the process exits as soon as this returns (a stream on a pipe may not have written it yet). A
  // support aid: a stderr that cannot take it (full, gone) is not worth failing the run for.
  if (report) {
    try {
      writeSync(2, report.join(''));
    } catch {}
  }
  return code;
}

const args = process.argv.slice(2);
// main() resolves once its output is written (it waits for both streams), so the run ends there: exit() skips the
// heap's teardown, about 1 ms of a short run (issue 15).
const cli = () => run(args).then((code) => process.exit(code));
/**
 * A version check (CI scripts, `npx mqtt-sign -V`) is answered before the bundle is read, with one write of a few
 * bytes (a pipe takes them whole) rather than process.stdout, whose building on a pipe brings node:net (~2 ms). A
 * reader that went away (EPIPE) ends it quietly; any other failure (a full pipe that does not block, a full disk) is
 * left to the CLI, which answers --version too and reports a failed write on one line in the user's language.
 */
function version() {
  try {
    writeSync(1, `${require('../package.json').version}\n`);
  } catch (err) {
    if (err.code !== 'EPIPE') cli();
  }
}
/**
 * The top-level help off a terminal (`mqtt-sign --help > file`, `| less`), answered like --version before the bundle
 * is read: the build saved commander's text in each language (dist/bundle/help.<lang>.txt, scripts/bundle.mjs). The
 * language is picked as main() picks it (langOf in src/cli/main-core.ts; test/bundle.test.ts holds them together).
 * Undefined, and the CLI answers, for any other command line, a terminal (commander wraps at its width) or no text.
 */
function savedHelp(argv, env = process.env) {
  const named = argv[0] === '--lang' && (argv[1] === 'en' || argv[1] === 'zh') ? argv[1] : undefined;
  const rest = named === undefined ? argv : argv.slice(2);
  if (!(argv.length === 0 || (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h' || rest[0] === 'help')))) return undefined;
  const lang = named ?? ((env.LC_ALL || env.LC_MESSAGES || env.LANG || '').slice(0, 2).toLowerCase() === 'zh' ? 'zh' : 'en');
  try {
    const out = fstatSync(1);
    if (!(out.isFile() || out.isFIFO() || out.isSocket() || isDevNull(out)) || !bundleFresh()) return undefined;
    return readFileSync(join(dir, `help.${lang}.txt`), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A few kilobytes, written until all are out. A reader that went away (EPIPE) ends it quietly; a non-blocking pipe that
 * is full (EAGAIN) gets the rest through process.stdout, which waits for room; any other failure (a full disk) goes to
 * the CLI, which reports it on one line in the user's language.
 */
function help(text) {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at, bytes.length - at);
  } catch (err) {
    if (err.code === 'EAGAIN') process.stdout.write(bytes.subarray(at));
    else if (err.code !== 'EPIPE') cli();
  }
}

const saved = require.main === module ? savedHelp(args) : undefined;
if (require.main === module && args.length === 1 && (args[0] === '--version' || args[0] === '-V')) version();
else if (saved !== undefined) help(saved);
else if (require.main === module) cli();
else {
  module.exports = { bundle, dir, chunkLoader, entryFile, cacheKey, cacheFile, cacheProfile, DEFAULT_PROFILE, savedHelp };
}
