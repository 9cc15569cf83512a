// `npm run build`, after tsc: dist/cli/main.js and everything it imports (commander and chalk included) become
// CommonJS chunks in dist/bundle/: cli.cjs, which bin/mqtt-sign.js runs, and one chunk per part only some runs need
// (decode, verify, probe, doctor, capture reading, chalk, …), each with V8's code cache beside it. dist/ stays the
// library. All of it is for start-up (issues 4 and 15); bin/mqtt-sign.js says why.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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
};
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:(crypto|stream)$/ }, ({ path, namespace }) => (namespace === 'lazy-builtins' ? { path, external: true } : { path, namespace: 'lazy-builtins' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtins' }, ({ path }) => ({
      contents: [
        `const lazy = (name) => function (...args) { const f = require(${JSON.stringify(path)})[name]; return new.target ? new f(...args) : f(...args); };`,
        ...LAZY[path].map((name) => `export const ${name} = lazy(${JSON.stringify(name)});`),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// A run reads one language, and of it the few areas (src/messages/<area>.ts) whose keys it looks up: the bundle
// reads each area of each language as JSON beside it (dist/bundle/messages/<lang>.<area>.json; JSON.parse is faster
// than compiling object literals) on the first lookup of a key whose prefix (up to the first dot) that area uses.
// It replaces src/messages/_catalogue.ts, which merges every area.
const areaNames = readdirSync(`${root}dist/messages`).filter((f) => /^[a-z][\w-]*\.js$/.test(f)).map((f) => f.slice(0, -3)).sort();
const areas = await Promise.all(areaNames.map(async (name) => ({ name, ...(await import(`${root}dist/messages/${name}.js`)) })));
const prefixOf = (key) => (key.includes('.') ? key.slice(0, key.indexOf('.')) : key);
const areasByPrefix = {};
for (const { name, en } of areas) for (const key of Object.keys(en)) (areasByPrefix[prefixOf(key)] ??= []).includes(name) || areasByPrefix[prefixOf(key)].push(name);
const prebuiltCatalogue = {
  name: 'prebuilt-catalogue',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]messages[\\/]_catalogue\.js$/ }, () => ({
      contents: `
const AREAS = ${JSON.stringify(areasByPrefix)};
const prefixOf = ${prefixOf.toString()};
/** One language's catalogue: an object that reads the areas a key may be in on its first lookup (get, in), all of them when listed. */
export function catalogue(lang) {
  const entries = Object.create(null);
  const read = new Set();
  const load = (areas) => {
    for (const area of areas) {
      if (read.has(area)) continue;
      read.add(area);
      Object.assign(entries, JSON.parse(require('node:fs').readFileSync(\`\${__dirname}/messages/\${lang}.\${area}.json\`, 'utf8')));
    }
  };
  const forKey = (key) => {
    if (typeof key === 'string' && Object.hasOwn(AREAS, prefixOf(key))) load(AREAS[prefixOf(key)]);
  };
  const all = () => load([...new Set(Object.values(AREAS).flat())]);
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

// ES modules with code splitting: esbuild puts each module in exactly one chunk, so every run shares one instance
// of each (errors keep their class, catalogues load once). Each import() is a split point.
const { outputFiles } = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'dist/cli/main.js' },
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
  plugins: [lazyChildProcess, lazyBuiltins, prebuiltCatalogue],
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
if (!names.includes('cli.cjs')) throw new Error('the bundle has no cli.cjs');

// esbuild cuts one chunk per set of entries sharing code: a sign run would read some fifteen files and caches. So
// chunks are packed into files, one per entry (cli.cjs and each import() target): an entry's file carries every chunk
// it requires that cli.cjs does not, each as a module that bin defines and runs on its first require. A chunk two
// lazy entries need travels in both files; bin keeps the first definition, so it still runs once.
const requires = (code, how) => [...code.matchAll(new RegExp(`\\b${how}\\("\\./([\\w-]+\\.cjs)"\\)`, 'g'))].map((m) => m[1]);
const byName = new Map(chunks.map((c) => [c.name, c]));
const closure = (entry) => {
  const seen = new Set([entry]);
  for (const name of seen) for (const next of requires(byName.get(name).code, 'require')) seen.add(next);
  return seen;
};
const inCli = closure('cli.cjs');
const entries = ['cli.cjs', ...new Set(chunks.flatMap((c) => requires(c.code, '__import')))].filter((e) => e === 'cli.cjs' || !inCli.has(e));
const defineChunk = (name) => `__define(${JSON.stringify(name)}, function (exports, require, module, __filename, __dirname, __import) {${byName.get(name).code}\n});\n`;
const files = new Map(
  entries.map((entry) => {
    const packed = [...(entry === 'cli.cjs' ? inCli : closure(entry))].filter((name) => name !== entry && (entry === 'cli.cjs' || !inCli.has(name)));
    // The file's own code after the modules it defines, which it may require at once.
    return [entry, [...packed.sort().map(defineChunk), byName.get(entry).code]];
  }),
);
const packed = new Set([...files.keys(), ...inCli, ...entries.flatMap((e) => [...closure(e)])]);
for (const { name } of chunks) if (!packed.has(name)) throw new Error(`dist/bundle: chunk ${name} is in no file`);
// One build id for all chunks, from all of them: a cache names it, so it never meets another build's chunk.
const hash = createHash('sha256');
for (const name of [...files.keys()].sort()) hash.update(`${name}\0${files.get(name).join('')}\0`);
const id = hash.digest('hex').slice(0, 16);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [name, parts] of files) writeFileSync(`${out}/${name}`, `${parts.join('')}// mqtt-sign build ${id}\n`);
mkdirSync(`${out}/messages`);
for (const area of areas) for (const lang of ['en', 'zh']) writeFileSync(`${out}/messages/${lang}.${area.name}.json`, JSON.stringify(area[lang]));

// The code cache holds what a run compiled, so it is written after runs: `--help` and the examples it shows (the
// e2e tests run them too), except any that would go to the network. Chunks no run loaded get the cache of their
// top level (scripts/code-cache.cjs loads them all).
const bin = `${root}bin/mqtt-sign.js`;
const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
if (help.status !== 0) throw new Error(`mqtt-sign --help exited ${help.status}: ${help.stderr}`);
const examples = [...help.stdout.matchAll(/^ *\$ mqtt-sign (.+)$/gm)]
  .map((m) => [...m[1].matchAll(/"([^"]*)"|(\S+)/g)].map((t) => t[1] ?? t[2]))
  .filter((argv) => argv[0] !== 'probe');
if (examples.length === 0) throw new Error('mqtt-sign --help shows no examples to warm the code cache with');
const runs = [['--help'], ...examples];
const cache = spawnSync(process.execPath, [`${root}scripts/code-cache.cjs`, id, JSON.stringify(runs)], {
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (cache.status !== 0) throw new Error(`scripts/code-cache.cjs exited ${cache.status}: ${cache.stderr}`);
const caches = readdirSync(out).filter((f) => f.endsWith('.cache')).length;
if (caches !== files.size) throw new Error(`scripts/code-cache.cjs wrote ${caches} caches for ${files.size} files`);
const kB = (parts) => (parts.join('').length / 1024).toFixed(0);
console.log(`dist/bundle: ${chunks.length} chunks in ${files.size} files, cli.cjs ${kB(files.get('cli.cjs'))} kB, all ${kB([...files.values()].flat())} kB; code cache after ${runs.length} runs`);
