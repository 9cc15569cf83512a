// Start-up cost of a full `mqtt-sign aliyun … --format c` run (stdout to a file, here /dev/null) against a bare
// `node -e 0`, measured in the same run, interleaved (the order rotating each round) so all see the same machine load.
// Target: median ratio ≤ 1.3 (issue 4). More rows for the whole picture: stdout a pipe instead, the bundle compiled
// without its code cache, and tsc's dist/ as ES modules (what bin/mqtt-sign.js ran before the bundle).
// See bin/mqtt-sign.js and scripts/bundle.mjs.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/mqtt-sign.js', import.meta.url));
const RUNS = Number(process.env.STARTUP_RUNS ?? 60);
const TARGET = 1.3;
const ARGS = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef', '--timestamp', '1700000000000', '--format', 'c'];
const MAIN = 'mqtt-sign aliyun … --format c';
const PIPE = '  same, stdout a pipe';

const cases = {
  'node -e 0': ['-e', '0'],
  [MAIN]: [bin, ...ARGS],
  [PIPE]: [bin, ...ARGS],
  '  same, bundle without code cache': [
    '-e',
    `const b = require(${JSON.stringify(bin)}); b.loadBundle(require('node:fs').readFileSync(b.bundle, 'utf8')).exports.main(process.argv.slice(1)).then((c) => { process.exitCode = c; });`,
    ...ARGS,
  ],
  '  same, tsc dist/ as ES modules': [
    '--input-type=module',
    '-e',
    `import { main } from ${JSON.stringify(new URL('../dist/cli/main.js', import.meta.url).href)}; process.exitCode = await main(process.argv.slice(1));`,
    ...ARGS,
  ],
};

function once(args, stdout = 'pipe') {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', stdout, 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout?.toString() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export default async function startup() {
  // bin falls back to dist/ when the bundle is missing or stale: then this would not measure what users run.
  const bundle = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));
  const dist = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  if (statSync(bundle, { throwIfNoEntry: false }) === undefined || statSync(bundle).mtimeMs < statSync(dist).mtimeMs) {
    throw new Error('dist/bundle/cli.cjs is missing or older than dist/: run `npm run build`');
  }
  const names = Object.keys(cases);
  // Warm the file cache; every way of running prints the same bytes.
  const outs = new Set(names.slice(1).map((name) => once(cases[name]).out));
  if (outs.size !== 1) throw new Error('the ways of running mqtt-sign printed different output');
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      times[name].push(once(cases[name], name === PIPE ? 'pipe' : 'ignore').ms);
    }
  }
  const base = median(times['node -e 0']);
  console.log(`| run (median of ${RUNS}) | ms | ratio |`);
  console.log('|---|---:|---:|');
  for (const [name, xs] of Object.entries(times)) console.log(`| ${name} | ${median(xs).toFixed(1)} | ${(median(xs) / base).toFixed(2)}× |`);
  const ratio = median(times[MAIN]) / base;
  console.log(`\nstart-up ratio ${ratio.toFixed(2)}× (target ≤ ${TARGET}×): ${ratio <= TARGET ? 'met' : 'NOT met'}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await startup();
