// `npm run build`, after tsc: dist/cli/main.js, decode-main.js and bare-main.js and everything they import (commander
// and chalk included) become CommonJS chunks, packed into files in dist/bundle/: cli.cjs, cli-decode.cjs and
// cli-bare.cjs, which bin/mqtt-sign.js runs (its entryFile says for which command lines), and one file per part only
// some runs import (decode, verify, probe, doctor, capture reading, chalk, …), each file with V8's code cache beside it.
// dist/ stays the library. All of it is for start-up (issues 4 and 15); bin/mqtt-sign.js says why.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bundle`;

// Loaded with import() only by the runs that need them, from node_modules as installed (clipboardy finds its fallback
// binaries next to its own files; ws is only for probe over WebSocket).
const external = ['clipboardy', 'ws'];

// commander requires node:child_process at the top (net, dgram and more, ~1.5 ms) for executable subcommands, which
// mqtt-sign has none of: in the bundle it is required on first spawn instead.
const EAGER = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      if (!source.includes(EAGER)) {
        console.warn(`scripts/bundle.mjs: commander's child_process line changed; it stays eager (${path})`);
        return undefined;
      }
      return { contents: source.replace(EAGER, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: 'js' };
    });
  },
};

// node:crypto costs ~3 ms to load, and only signing, verify and doctor use it; node:stream (~24 internal modules,
// ~0.7 ms) only runs that read stdin or a file. In the bundle each function imported from them is a stand-in that
// requires the module on its first call (new works too: X509Certificate). A name not in these lists fails the build
// ("No matching export"), so a new use cannot slip past unlazied.
const LAZY = {
  'node:crypto': ['createHash', 'createHmac', 'createPrivateKey', 'pbkdf2Sync', 'randomBytes', 'timingSafeEqual', 'X509Certificate'],
  'node:stream': ['addAbortSignal'],
  // node:tty brings node:net (~2 ms): only a run whose stdout or stderr is a character device that Linux's device
  // numbers do not tell (src/cli/terminal-device.ts) asks it.
  'node:tty': ['isatty'],
};
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:(crypto|stream|tty)$/ }, ({ path, namespace, importer }) => {
      if (namespace === 'lazy-builtins') return { path, external: true };
      return { path, namespace: 'lazy-builtins' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtins' }, ({ path }) => ({
      contents: [
        `const lazy = (name) => function (...args) { const f = require(${JSON.stringify(path)})[name]; return new.target ? new f(...args) : f(...args); };`,
        ...LAZY[path].map((name) => `export const ${name} = lazy(${JSON.stringify(name)});`),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// chalk detects the terminal's colour level when it is loaded (its vendored supports-color: node:tty, node:os, the
// environment and argv, and esbuild's copy of `process` as an ES module), for its default instances. The CLI decides
// colour itself and gives chalk the level (src/cli/palette.ts), so in the bundle that detection is a module saying
// "no colour": chalk's styling is unchanged, and a colour run no longer pays for detecting twice (0.2–0.5 ms, measured).
const chalkDetection = {
  name: 'chalk-detection',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, ({ importer }) => {
      if (!/[\\/]node_modules[\\/]chalk[\\/]/.test(importer)) throw new Error(`#supports-color imported from ${importer}, not chalk`);
      return { path: 'chalk-supports-color', namespace: 'chalk-detection' };
    });
    b.onLoad({ filter: /.*/, namespace: 'chalk-detection' }, () => ({
      contents: 'export default { stdout: false, stderr: false };',
      loader: 'js',
    }));
  },
};

// A run reads one language, and of it only the few groups of entries its keys are in: the bundle writes each
// language's catalogue (as src/messages/_catalogue.ts merges it) as small JSON files beside it, one per key prefix
// (dist/bundle/messages/<lang>/<prefix>.json; JSON.parse is faster than compiling object literals). A prefix whose
// entries pass GROUP_BYTES is split by its next segment, and so on: `split` lists the prefixes split. The first lookup
// of a key reads its group's file. It replaces src/messages/_catalogue.ts, which merges every area.
const { catalogue: mergedCatalogue } = await import(`${root}dist/messages/_catalogue.js`);
const catalogues = { en: mergedCatalogue('en'), zh: mergedCatalogue('zh') };
const GROUP_BYTES = 2048;
const split = new Set();
const groups = new Map();
function group(keys, prefix, depth) {
  const bytes = keys.reduce((n, k) => n + k.length + (catalogues.en[k] ?? catalogues.zh[k] ?? '').length, 0);
  // Group names become file names: a prefix is split only by words (`field.Assigned Client Identifier` stays in
  // `field`), and two names that differ only in case fail the build (a case-folding file system would mix them).
  const words = keys.every((k) => { const next = k.split('.')[depth]; return next === undefined || /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(next); });
  if (depth > 0 && (bytes <= GROUP_BYTES || !words)) return void groups.set(prefix, keys);
  if (depth > 0) split.add(prefix);
  const children = new Map();
  for (const key of keys) {
    const segments = key.split('.');
    // A key that is itself a split prefix keeps the group of that name.
    const child = segments.length <= depth ? prefix : segments.slice(0, depth + 1).join('.');
    const list = child === prefix ? groups : children;
    if (!list.has(child)) list.set(child, []);
    list.get(child).push(key);
  }
  for (const [child, childKeys] of children) group(childKeys, child, depth + 1);
}
group([...new Set([...Object.keys(catalogues.en), ...Object.keys(catalogues.zh)])], '', 0);
const folded = new Map();
for (const name of groups.keys()) {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*(\.[A-Za-z0-9][A-Za-z0-9-]*)*$/.test(name)) throw new Error(`catalogue group ${name}: not a file name`);
  if (folded.has(name.toLowerCase())) throw new Error(`catalogue groups ${name} and ${folded.get(name.toLowerCase())} differ only in case`);
  folded.set(name.toLowerCase(), name);
}
/** The group a key's entry is in: its prefix up to the first one that was not split. The bundle runs it too (below). */
function groupIn(splitPrefixes, key) {
  const segments = key.split('.');
  let prefix = segments[0];
  for (let i = 1; i < segments.length && splitPrefixes.has(prefix); i++) prefix += `.${segments[i]}`;
  return prefix;
}
const groupOf = (key) => groupIn(split, key);
for (const [name, keys] of groups) for (const key of keys) if (groupOf(key) !== name) throw new Error(`catalogue key ${key}: in group ${name}, looked up in ${groupOf(key)}`);
const prebuiltCatalogue = {
  name: 'prebuilt-catalogue',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]messages[\\/]_catalogue\.js$/ }, () => ({
      contents: `
const SPLIT = new Set(${JSON.stringify([...split].sort())});
${groupIn.toString()}
const groupOf = (key) => groupIn(SPLIT, key);
/** One language's catalogue: an object that reads a key's group on its first lookup (get, in), all of them when listed. */
export function catalogue(lang) {
  const entries = Object.create(null);
  const read = new Set();
  const dir = \`\${__dirname}/messages/\${lang}\`;
  const load = (name) => {
    if (read.has(name)) return;
    read.add(name);
    let text;
    try {
      text = require('node:fs').readFileSync(\`\${dir}/\${name}.json\`, 'utf8');
    } catch {
      return; // no entry of this group in this language (message() falls back to English)
    }
    Object.assign(entries, JSON.parse(text));
  };
  // Each key's group once: a table of a large capture looks keys up per packet.
  const looked = new Set();
  const forKey = (key) => {
    if (typeof key !== 'string' || key === '' || looked.has(key)) return;
    looked.add(key);
    load(groupOf(key));
  };
  const all = () => {
    for (const file of require('node:fs').readdirSync(dir)) load(file.slice(0, -'.json'.length));
  };
  return new Proxy(entries, {
    get: (target, key) => (forKey(key), target[key]),
    has: (target, key) => (forKey(key), key in target),
    ownKeys: (target) => (all(), Reflect.ownKeys(target)),
    getOwnPropertyDescriptor: (target, key) => (forKey(key), Reflect.getOwnPropertyDescriptor(target, key)),
  });
}
`,
      loader: 'js',
    }));
  },
};

// The top-level --help off a terminal, as commander prints it from dist/ (the same code and catalogue): bin answers
// `mqtt-sign --help` from dist/bundle/help.<lang>.txt before the bundle is read (savedHelp in bin/mqtt-sign.js).
const { main: distMain } = await import(`${root}dist/cli/main.js`);
const helpTexts = {};
for (const lang of ['en', 'zh']) {
  let text = '';
  const sink = { write: (chunk) => void (text += chunk), isTTY: false, columns: undefined, closed: false, ready: async () => {}, flush: async () => {} };
  const errors = { ...sink, write: (chunk) => { throw new Error(`--help wrote to stderr: ${chunk}`); } };
  const io = { stdout: sink, stderr: errors, stdinIsTTY: false, env: {}, now: () => 0 };
  if ((await distMain(['--lang', lang, '--help'], io)) !== 0 || text === '') throw new Error(`mqtt-sign --lang ${lang} --help failed`);
  helpTexts[lang] = text;
}
// ES modules with code splitting: esbuild puts each module in exactly one chunk, so every run shares one instance
// of each (errors keep their class, catalogues load once). Each import() is a split point.
const { outputFiles } = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'dist/cli/main.js', 'cli-decode': 'dist/cli/decode-main.js', 'cli-bare': 'dist/cli/bare-main.js' },
  bundle: true,
  write: false,
  outdir: out,
  format: 'esm',
  splitting: true,
  chunkNames: '[name]-[hash]',
  platform: 'node',
  target: 'node20',
  minify: true,
  external,
  // CommonJS has no import.meta: any use of it is an error, not an empty object.
  logOverride: { 'empty-import-meta': 'error' },
  plugins: [lazyChildProcess, lazyBuiltins, prebuiltCatalogue, chalkDetection],
  logLevel: 'warning',
});

// Each chunk becomes CommonJS, named .cjs: its static imports of other chunks become require('./<chunk>.cjs'), which
// bin/mqtt-sign.js answers by loading that chunk (with its cache) once. Every import() goes through __import, from
// bin too: on Node 20 an import() in a script compiled from a code cache throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING
// (the cache carries V8's host-defined options: nodejs/node#43663), and a chunk's import() is bin's to answer anyway.
const chunkName = (file) => file.slice(out.length + 1).replace(/\.js$/, '.cjs');
const names = outputFiles.map((f) => chunkName(f.path));
const chunks = [];
for (const file of outputFiles) {
  const name = chunkName(file.path);
  let { code } = await transform(file.text, { format: 'cjs', target: 'node20', platform: 'node', minify: true, logLevel: 'warning' });
  // esbuild's CommonJS exports a copy of the exports object (__toCommonJS: one more getter per export, made at every
  // start and read through on every call from another chunk) only to mark it __esModule. Chunks require each other by
  // name and read named exports, and bin reads `main`: the object itself is exported (about 0.2 ms of a short run).
  const toCommonJs = /var ([\w$]+)=([\w$]+)=>[\w$]+\([\w$]+\(\{\},"__esModule",\{value:!0\}\),\2\);/.exec(code);
  if (toCommonJs) {
    const wrapped = new RegExp(`module\\.exports=${toCommonJs[1].replace(/\$/g, '\\$')}\\(([\\w$]+)\\)`);
    if (!wrapped.test(code)) throw new Error(`dist/bundle/${name}: __toCommonJS is defined but its module.exports was not found`);
    code = code.replace(wrapped, 'module.exports=$1');
    // Without that use, esbuild's helpers for it (and for copying properties, unless an import of a Node module still
    // needs them) are dead code in every chunk: ~350 bytes each, ~9 kB of cli.cjs that every run reads. Shaken out.
    ({ code } = await transform(code, { target: 'node20', platform: 'node', minify: true, treeShaking: true, logLevel: 'warning' }));
  }
  code = code.replace(/(\brequire\(|\bimport\()"\.\/([\w-]+)\.js"\)/g, (call, how, base) => {
    if (!names.includes(`${base}.cjs`)) throw new Error(`dist/bundle/${name}: ${call} names no chunk`);
    return `${how}"./${base}.cjs")`;
  });
  code = code.replace(/\bimport\(("[^"]+")\)/g, (call, specifier) => {
    const id = JSON.parse(specifier);
    if (!id.startsWith('./') && !external.includes(id)) throw new Error(`dist/bundle/${name}: ${call} is neither a chunk nor an external package`);
    return `__import(${specifier})`;
  });
  if (/\bimport\(/.test(code)) throw new Error(`dist/bundle/${name}: an import() without a literal name`);
  chunks.push({ name, code });
}
// The files bin runs first, by command (bin/mqtt-sign.js, entryFile): decode's, the one for a command line that names
// no command (help), and cli.cjs for everything else.
const roots = ['cli.cjs', 'cli-decode.cjs', 'cli-bare.cjs'];
for (const file of roots) if (!names.includes(file)) throw new Error(`the bundle has no ${file}`);

// esbuild cuts one chunk per set of entries sharing code: a sign run would read some fifteen files and caches. So
// chunks are packed into files, one per entry (the roots and each import() target): an entry's file carries every chunk
// it requires that is not certainly defined when it is imported (below), each as a module that bin defines and runs on
// its first require. A chunk that two files may need travels in both; bin keeps the first definition, so it runs once.
const requires = (code, how) => [...code.matchAll(new RegExp(`\\b${how}\\("\\./([\\w-]+\\.cjs)"\\)`, 'g'))].map((m) => m[1]);
const byName = new Map(chunks.map((c) => [c.name, c]));
const closure = (entry) => {
  const seen = new Set([entry]);
  for (const name of seen) for (const next of requires(byName.get(name).code, 'require')) seen.add(next);
  return seen;
};
// An import() target gets a file of its own unless every root's file carries it.
const inRoots = roots.map(closure);
const entries = [...roots, ...new Set(chunks.flatMap((c) => requires(c.code, '__import')))].filter((e, i, all) => all.indexOf(e) === i && (roots.includes(e) || !inRoots.every((set) => set.has(e))));
// The ways a chunk comes to run: required by a chunk, or imported by one (then it is an entry with a file of its own).
const waysIn = new Map(names.map((n) => [n, []]));
for (const { name, code } of chunks) for (const next of [...requires(code, 'require'), ...requires(code, '__import')]) waysIn.get(next).push(name);
const intersect = (sets) => (sets.length === 0 ? new Set() : new Set([...sets[0]].filter((n) => sets.every((set) => set.has(n)))));
// What has certainly run when a chunk runs: its own static closure, and whatever has run on every way to it (a
// must-analysis, iterated down from "everything" to its greatest fixed point, as for dominators: cycles are allowed).
// Used for import() targets: an import() runs in a function, after the static requires of every loaded chunk have run.
const certain = new Map(names.map((n) => [n, roots.includes(n) ? closure(n) : new Set(names)]));
for (let changed = true; changed; ) {
  changed = false;
  for (const name of names) {
    if (roots.includes(name)) continue;
    const next = new Set([...closure(name), ...intersect(waysIn.get(name).map((way) => certain.get(way)))]);
    if (next.size !== certain.get(name).size) {
      certain.set(name, next);
      changed = true;
    }
  }
}
// Defined before an entry's import() runs: what has run in every chunk that imports it. A sign run's format file
// then leaves out the codec and the messages the signing file brought.
const before = (entry) => (roots.includes(entry) ? new Set() : intersect(chunks.filter((c) => requires(c.code, '__import').includes(entry)).map((c) => certain.get(c.name))));
// In a root file every chunk runs at start, so its factory is parenthesised: V8 compiles such a function with the file
// (one parse) rather than pre-parsing it and parsing it again on its call, which a run without a code cache pays for.
// A lazy file may carry chunks that are already defined when it loads: those stay lazy, never compiled.
const defineChunk = (name, eager) => {
  const factory = `function (exports, require, module, __filename, __dirname, __import) {${byName.get(name).code}\n}`;
  return `__define(${JSON.stringify(name)}, ${eager ? `(${factory})` : factory});\n`;
};
// import() targets a root file carries too, lazily (defined, run on their import): the AT formatter in cli.cjs. An AT
// run then reads no file of its own, the file and cache reads and the separate compile it cost (0.56 ms in-process); the
// other formats read its source (not compiled: its functions are lazy, and only the at profile's cache holds them).
// The target keeps its own file, for the other roots.
const CARRIED = { 'cli.cjs': ['at'] };
const carried = (root) =>
  (CARRIED[root] ?? []).flatMap((base) => {
    const target = entries.find((e) => e.startsWith(`${base}-`) && /^[A-Z0-9]{8}\.cjs$/.test(e.slice(base.length + 1)));
    if (target === undefined) throw new Error(`dist/bundle: ${root} should carry ${base}, which is no import() target`);
    return [...closure(target)].filter((name) => !closure(root).has(name));
  });
const files = new Map(
  entries.map((entry) => {
    const known = before(entry);
    const packed = [...closure(entry)].filter((name) => name !== entry && !known.has(name));
    const lazy = carried(entry).sort().map((name) => defineChunk(name, false));
    // The file's own code after the modules it defines, which it may require at once.
    return [entry, { known, parts: [...packed.sort().map((name) => defineChunk(name, roots.includes(entry))), ...lazy, byName.get(entry).code] }];
  }),
);
const packed = new Set(entries.flatMap((e) => [...closure(e)]));
for (const { name } of chunks) if (!packed.has(name)) throw new Error(`dist/bundle: chunk ${name} is in no file`);
// scripts/code-cache.cjs loads the files no run loaded, each after files that define what it expects defined.
const fileOf = (chunk) => entries.find((entry) => closure(entry).has(chunk) && !files.get(entry).known.has(chunk));
const loadOrder = [];
const visit = (entry, path = []) => {
  if (loadOrder.includes(entry)) return;
  if (path.includes(entry)) throw new Error(`dist/bundle: files expect each other's chunks: ${[...path, entry].join(' -> ')}`);
  for (const chunk of files.get(entry).known) visit(fileOf(chunk), [...path, entry]);
  loadOrder.push(entry);
};
for (const entry of entries) visit(entry);
// One build id for all chunks, from all of them: a cache names it, so it never meets another build's chunk.
const hash = createHash('sha256');
for (const name of [...files.keys()].sort()) hash.update(`${name}\0${files.get(name).parts.join('')}\0`);
const id = hash.digest('hex').slice(0, 16);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// Each file is written as the function bin compiles (no wrapping at run time: a joined string is copied once more
// before V8 compiles it), and in ASCII: one character outside it makes V8 hold the whole source in two bytes a
// character, twice the memory, read and copied on every run (bin compiles each file as it is).
const wrapper = '(function (exports, require, module, __filename, __dirname, __import, __define) {';
for (const [name, { parts }] of files) {
  const text = `${wrapper}${parts.join('')}\n})\n// mqtt-sign build ${id}\n`;
  const wide = /[^\x00-\x7f]/.exec(text);
  if (wide) throw new Error(`dist/bundle/${name}: non-ASCII ${JSON.stringify(text.slice(Math.max(0, wide.index - 40), wide.index + 20))}: write it as \\u escapes in the source`);
  writeFileSync(`${out}/${name}`, text);
}
for (const lang of ['en', 'zh']) writeFileSync(`${out}/help.${lang}.txt`, helpTexts[lang]);
for (const lang of ['en', 'zh']) {
  mkdirSync(`${out}/messages/${lang}`, { recursive: true });
  for (const [name, keys] of groups) {
    const entries = Object.fromEntries(keys.filter((k) => Object.hasOwn(catalogues[lang], k)).map((k) => [k, catalogues[lang][k]]));
    if (Object.keys(entries).length > 0) writeFileSync(`${out}/messages/${lang}/${name}.json`, JSON.stringify(entries));
  }
}

// The code cache holds what a run compiled, so it is written after runs: `--help` and the examples it shows (the
// e2e tests run them too), except any that would go to the network, and the first example in each format that needs
// no more options. Chunks no run loaded get the cache of their top level (scripts/code-cache.cjs loads them all).
const bin = `${root}bin/mqtt-sign.js`;
const { cacheProfile, DEFAULT_PROFILE } = createRequire(import.meta.url)(bin);
const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
if (help.status !== 0) throw new Error(`mqtt-sign --help exited ${help.status}: ${help.stderr}`);
const examples = [...help.stdout.matchAll(/^ *\$ mqtt-sign (.+)$/gm)]
  .map((m) => [...m[1].matchAll(/"([^"]*)"|(\S+)/g)].map((t) => t[1] ?? t[2]))
  .filter((argv) => argv[0] !== 'probe');
if (examples.length === 0) throw new Error('mqtt-sign --help shows no examples to warm the code cache with');
// The runs that warm the cache: the examples (each platform's own file, as a sign run loads it), the first one in
// every format, the top-level help and a platform's help (commander, as a terminal's help, errors and unusual command
// lines load it), and the first example as a colour terminal shows it by default (the table, painted by chalk).
const first = examples[0];
const unformatted = first.includes('--format') ? first.slice(0, first.indexOf('--format')) : first;
const { formatStyles } = await import(`${root}dist/format/lazy.js`);
// `at` and `mosquitto` need more options (a modem, a topic); the examples show `at`.
const formats = formatStyles.filter((f) => f !== 'at' && f !== 'mosquitto').map((f) => [...unformatted, '--format', f]);
const runs = [
  ...[...examples, ['--help'], ['aliyun', '--help']].map((argv) => ({ argv })),
  { argv: unformatted, terminal: true },
  // Only for the format's own file: in the file every sign run reads, code that one format runs costs every run. The
  // table (a terminal's default) is in cli.cjs (src/format/lazy.ts): its run is one of the root's.
  ...formats.map((argv) => ({ argv, ownFilesOnly: !argv.includes('table') })),
];
const warm = (job) => {
  const done = spawnSync(process.execPath, [`${root}scripts/code-cache.cjs`, id, JSON.stringify(job)], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`scripts/code-cache.cjs exited ${done.status}: ${done.stderr}`);
  return done.output[3];
};
// A chunk that two files carry is compiled in the file that defined it first in a process. So each file's cache is
// written by a process that makes only runs that load it (each run was made alone first to see which files it loads):
// the first such run for a lazy file, as its command's own run.
const users = new Map();
for (const run of runs) for (const file of JSON.parse(warm({ runs: [run] }))) users.set(file, [...(users.get(file) ?? []), run]);
// A root file's cache is read by every run: it holds what the plain examples compiled (help and terminal runs
// compile their little extra there themselves: measured, a cache that holds it too costs a sign run more).
// A root no plain example loads (help's) takes the runs that load it.
const plain = (run) => !run.ownFilesOnly && !run.terminal && !run.argv.includes('--help');
const rootRuns = (runs) => (runs.some(plain) ? runs.filter(plain) : runs);
// cli.cjs has a cache per sign format (bin/mqtt-sign.js, cacheProfile): the default's (c) from its plain example,
// the table's from its runs on and off a terminal, at's from its example; another format starts from the default's.
const PROFILES = ['c', 'table', 'at'];
if (!PROFILES.includes(DEFAULT_PROFILE)) throw new Error(`the default cache profile ${DEFAULT_PROFILE} is not warmed`);
const profileOf = (run) => cacheProfile('cli.cjs', run.argv, () => run.terminal === true);
for (const [file, itsRuns] of users) {
  if (file !== 'cli.cjs') {
    warm({ runs: roots.includes(file) ? rootRuns(itsRuns) : itsRuns.slice(0, 1), write: [file] });
    continue;
  }
  for (const profile of PROFILES) {
    const warming = itsRuns.filter((run) => profileOf(run) === profile && !run.ownFilesOnly && !run.argv.includes('--help'));
    if (warming.length === 0) throw new Error(`no run warms cli.cjs's ${profile} cache`);
    warm({ runs: warming, write: [file], profile });
  }
}
warm({ rest: loadOrder, write: loadOrder.filter((file) => !users.has(file)) });
const caches = readdirSync(out).filter((f) => f.endsWith('.cache')).length;
if (caches !== files.size + PROFILES.length - 1) throw new Error(`scripts/code-cache.cjs wrote ${caches} caches for ${files.size} files (cli.cjs: ${PROFILES.length})`);
const kB = (parts) => (parts.join('').length / 1024).toFixed(0);
const all = [...files.values()].flatMap((f) => f.parts);
console.log(`dist/bundle: ${chunks.length} chunks in ${files.size} files, cli.cjs ${kB(files.get('cli.cjs').parts)} kB, all ${kB(all)} kB; code cache after ${runs.length} runs`);
