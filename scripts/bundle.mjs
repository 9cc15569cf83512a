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
  // main.ts finds package.json from import.meta.url; CommonJS has __filename instead. Any other import.meta is an error.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logOverride: { 'empty-import-meta': 'error' },
  plugins: [lazyChildProcess],
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
