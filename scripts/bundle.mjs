// `npm run build`, after tsc: dist/cli/main.js and everything it imports (commander included) become one CommonJS file,
// dist/bundle/cli.cjs, which bin/mqtt-sign.js runs, and V8's code cache for it is written beside it. dist/ stays the
// library. Both are for start-up (issue 4); bin/mqtt-sign.js says why.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bundle`;

// Loaded with import() only by the runs that need them, from node_modules as installed (clipboardy finds its fallback
// binaries next to its own files).
const external = ['chalk', 'clipboardy', 'ws'];

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

// node:crypto costs ~3 ms to load, and only signing, verify and doctor use it: in the bundle each function it
// imports is a stand-in that requires node:crypto on its first call (new works too: X509Certificate). A name not in
// this list fails the build ("No matching export"), so a new use cannot slip past unlazied.
const CRYPTO = ['createHash', 'createHmac', 'createPrivateKey', 'pbkdf2Sync', 'randomBytes', 'timingSafeEqual', 'X509Certificate'];
const lazyCrypto = {
  name: 'lazy-crypto',
  setup(b) {
    b.onResolve({ filter: /^node:crypto$/ }, ({ namespace }) => (namespace === 'lazy-crypto' ? { path: 'node:crypto', external: true } : { path: 'node:crypto', namespace: 'lazy-crypto' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
      contents: [
        'const lazy = (name) => function (...args) { const f = require("node:crypto")[name]; return new.target ? new f(...args) : f(...args); };',
        ...CRYPTO.map((name) => `export const ${name} = lazy(${JSON.stringify(name)});`),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// Each run reads one language: the bundle reads that language's catalogue, prebuilt as JSON beside it (JSON.parse
// is faster than compiling the same object literals), in place of src/messages/_catalogue.ts, which merges the areas.
const prebuiltCatalogue = {
  name: 'prebuilt-catalogue',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]messages[\\/]_catalogue\.js$/ }, () => ({
      contents: "export function catalogue(lang) { return JSON.parse(require('node:fs').readFileSync(`${__dirname}/messages.${lang}.json`, 'utf8')); }",
      loader: 'js',
    }));
  },
};

const { outputFiles } = await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  bundle: true,
  write: false,
  outfile: `${out}/cli.cjs`,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  external,
  // CommonJS has no import.meta: any use of it is an error, not an empty object.
  logOverride: { 'empty-import-meta': 'error' },
  plugins: [lazyChildProcess, lazyCrypto, prebuiltCatalogue],
  logLevel: 'warning',
});
// On Node 20 an import() in a script compiled from a code cache throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING (the
// cache carries V8's host-defined options: nodejs/node#43663), so the bundle imports through bin/mqtt-sign.js.
let imports = 0;
const code = outputFiles[0].text.replace(/\bimport\(("[^"]+")\)/g, (call, specifier) => {
  if (!external.includes(JSON.parse(specifier))) throw new Error(`dist/bundle/cli.cjs: ${call} is not one of the external packages`);
  imports++;
  return `__import(${specifier})`;
});
if (imports !== external.length || /\bimport\(/.test(code)) throw new Error(`dist/bundle/cli.cjs: expected one import() per external package, each with a literal name`);
const id = createHash('sha256').update(code).digest('hex').slice(0, 16);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/cli.cjs`, `${code}// mqtt-sign build ${id}\n`);
const { catalogue } = await import(`${root}dist/messages/_catalogue.js`);
for (const lang of ['en', 'zh']) writeFileSync(`${out}/messages.${lang}.json`, JSON.stringify(catalogue(lang)));

// The code cache holds what a run compiled, so it is written after runs: `--help` and the examples it shows (the
// e2e tests run them too), except any that would go to the network.
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
console.log(`dist/bundle/cli.cjs: ${(code.length / 1024).toFixed(0)} kB, code cache after ${runs.length} runs`);
