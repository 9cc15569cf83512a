// Start-up of each command as users run it, against a bare `node -e 0` measured in the same round: every round runs
// the baseline and each command back to back (the order rotating), and each command's ratio is the median of its
// per-round ratios (min–max shown), so a busy neighbour spoils single rounds, not the result. Target ≤ 1.3× (issue 15).
// Rows: signing in each format (stdout a file and a pipe), with the shipped code cache, this machine's own and none;
// decode of a short hex (with and without a cache), --help, --version; and sign, decode and --help on a terminal
// with colour (under script(1), paired with `node -e 0` under script(1)). See bin/mqtt-sign.js, scripts/bundle.mjs.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, ratioSummary, saveResults, showRatio } from './paired.js';

const bin = fileURLToPath(new URL('../bin/mqtt-sign.js', import.meta.url));
const RUNS = Number(process.env.STARTUP_RUNS ?? 40);
const TARGET = 1.3;
const SIGN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef', '--timestamp', '1700000000000'];
const node = process.execPath;
const quote = (args) => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');

// NODE_EXTRA_CA_CERTS makes every Node 20 start parse those certificates first (~35 ms on this machine; Node 22 and
// later read them lazily), which inflates `node -e 0` and flatters every ratio. Every run here, the baseline too, goes
// without it: the strict case, what a user without it sees.
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));

/** name → { args, stdout: 'ignore' (a file: /dev/null) | 'pipe', tty?: run under script(1) with colour, env? } */
const cases = {
  ...Object.fromEntries(['c', 'hex', 'table', 'json', 'python', 'arduino', 'base64'].map((f) => [`sign --format ${f}`, { args: [bin, ...SIGN, '--format', f], stdout: 'ignore' }])),
  'sign --format at --modem esp8266': { args: [bin, ...SIGN, '--format', 'at', '--modem', 'esp8266'], stdout: 'ignore' },
  'sign --format c, stdout a pipe': { args: [bin, ...SIGN, '--format', 'c'], stdout: 'pipe' },
  // A V8 flag makes the shipped cache foreign: bin uses the one it wrote on this machine (see bin/mqtt-sign.js). The
  // flag is V8's default stack size, which costs `node -e 0` nothing itself (--max-old-space-size costs it ~5%), so
  // the row measures the cache, not the flag.
  'sign --format c with a V8 flag (own cache)': { args: ['--stack-size=984', bin, ...SIGN, '--format', 'c'], stdout: 'ignore' },
  // No cache at all: the flag makes the shipped one foreign, and a cache directory that cannot be made keeps bin from
  // writing its own (every run compiles from source, like the first run after an install on another Node).
  'sign --format c with no code cache': { args: ['--stack-size=983', bin, ...SIGN, '--format', 'c'], stdout: 'ignore', env: { ...ENV, XDG_CACHE_HOME: '/dev/null/none' } },
  'decode "c0 00"': { args: [bin, 'decode', 'c0 00'], stdout: 'ignore' },
  'decode "c0 00" with no code cache': { args: ['--stack-size=983', bin, 'decode', 'c0 00'], stdout: 'ignore', env: { ...ENV, XDG_CACHE_HOME: '/dev/null/none' } },
  '--help': { args: [bin, '--help'], stdout: 'ignore' },
  '--version': { args: [bin, '--version'], stdout: 'ignore' },
  'sign --format table on a terminal (colour)': { args: [bin, ...SIGN, '--format', 'table'], tty: true },
  'decode "c0 00" on a terminal (colour)': { args: [bin, 'decode', 'c0 00'], tty: true },
  '--help on a terminal': { args: [bin, '--help'], tty: true },
};
const BASE = { args: ['-e', '0'], stdout: 'ignore' };
const BASE_TTY = { args: ['-e', '0'], tty: true };
/** The baseline a case is paired with, and the name its times are kept under. */
const baseOf = (c) => (c.tty ? ['node -e 0 (terminal)', BASE_TTY] : ['node -e 0', BASE]);

function once({ args, stdout, tty, env = ENV }) {
  const start = process.hrtime.bigint();
  const r = tty
    ? spawnSync('script', ['-qec', quote([node, ...args]), '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NO_COLOR: '' } })
    : spawnSync(node, args, { stdio: ['ignore', stdout, 'pipe'], env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export default async function startup() {
  // bin falls back to dist/ when the bundle is missing or stale: then this would not measure what users run.
  const bundle = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));
  const dist = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  if (statSync(bundle, { throwIfNoEntry: false }) === undefined || statSync(bundle).mtimeMs < statSync(dist).mtimeMs) {
    throw new Error('dist/bundle/cli.cjs is missing or older than dist/: run `npm run build`');
  }
  const names = Object.keys(cases);
  for (const name of names) once(cases[name]); // warm the file cache
  const ratios = Object.fromEntries(names.map((n) => [n, []]));
  const baselines = ['node -e 0', 'node -e 0 (terminal)'];
  const times = Object.fromEntries([...names, ...baselines].map((n) => [n, []]));
  for (let round = 0; round < RUNS; round++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(round + j) % names.length];
      const c = cases[name];
      const [baseName, base] = baseOf(c);
      // The pair's order alternates too, so neither side always runs on a cache the other warmed.
      let b;
      let t;
      if (round % 2 === 0) {
        b = once(base);
        t = once(c);
      } else {
        t = once(c);
        b = once(base);
      }
      times[baseName].push(b);
      times[name].push(t);
      ratios[name].push(t / b);
    }
  }
  const os = await import('node:os');
  console.log(`Node ${process.version}; ${RUNS} rounds; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; every run without NODE_EXTRA_CA_CERTS${process.env.NODE_EXTRA_CA_CERTS ? ' (set here, removed for the runs)' : ''}`);
  console.log('ratio = command / its node -e 0 in the same round: median (min–max, rounds)');
  console.log('| run | median ms | ratio |');
  console.log('|---|---:|---|');
  for (const name of baselines) if (times[name].length > 0) console.log(`| ${name} | ${median(times[name]).toFixed(1)} | 1.00× |`);
  const results = [];
  for (const name of names) {
    const r = ratioSummary(ratios[name]);
    results.push({ run: name, ms: median(times[name]), baseline: baseOf(cases[name])[0], ratio: r.median, min: r.min, max: r.max, rounds: r.rounds });
    console.log(`| ${name} | ${median(times[name]).toFixed(1)} | ${showRatio(r)} |`);
  }
  const over = results.filter((r) => r.ratio > TARGET).map((r) => `${r.run} ${r.ratio.toFixed(2)}×`);
  console.log(over.length === 0 ? `\nevery run ≤ ${TARGET}× (target met)` : `\nover the ${TARGET}× target: ${over.join('; ')}`);
  console.log(`results: ${await saveResults('startup', results)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await startup();
