// Start-up cost of a full `mqtt-sign aliyun … --format c` run against a bare `node -e 0`, measured in the same run,
// interleaved so both see the same machine load. Target: median ratio ≤ 1.3 (issue 4).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/mqtt-sign.js', import.meta.url));
const RUNS = Number(process.env.STARTUP_RUNS ?? 40);
const TARGET = 1.3;

const cases = {
  'node -e 0': ['-e', '0'],
  'mqtt-sign aliyun … --format c': [
    bin, 'aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef',
    '--timestamp', '1700000000000', '--format', 'c',
  ],
};

function once(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export default async function startup() {
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const args of Object.values(cases)) once(args); // warm the file cache
  for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(cases)) times[name].push(once(args));
  const base = median(times['node -e 0']);
  console.log('| run | median ms | ratio |');
  console.log('|---|---:|---:|');
  for (const [name, xs] of Object.entries(times)) console.log(`| ${name} | ${median(xs).toFixed(1)} | ${(median(xs) / base).toFixed(2)}× |`);
  const ratio = median(times['mqtt-sign aliyun … --format c']) / base;
  console.log(`\nstart-up ratio ${ratio.toFixed(2)}× (target ≤ ${TARGET}×): ${ratio <= TARGET ? 'met' : 'NOT met'}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await startup();
