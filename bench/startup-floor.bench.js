// Why start-up without a V8 code cache (the first run after an install or a Node upgrade, or a cache directory that
// cannot be written) stays over the 1.3× target of issue 15, measured rather than argued. Each round runs `node -e 0`,
// a signing run with its code cache and the same run with none, back to back (the order rotating), so:
// - the compile cost of a run = its time with no cache − its time with one, per round (a cached run deserializes
//   instead, so this slightly understates it), set against the whole budget, 0.3 × `node -e 0`;
// - how much JavaScript a signing run executes (NODE_V8_COVERAGE: bytes inside the functions that ran, each byte
//   counted once) out of what it loads;
// - the floor of any signer in Node: the Aliyun HMAC, the CONNECT and a C array in 20 hand-written lines with
//   node:crypto, no library, no checks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ratioSummary, saveResults, showRatio } from './paired.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/mqtt-sign.js');
const RUNS = Number(process.env.STARTUP_RUNS ?? 40);
const TARGET = 1.3;
const SIGN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef', '--timestamp', '1700000000000', '--format', 'c'];
// As bench/startup.bench.js: no NODE_EXTRA_CA_CERTS (Node 20 parses it at every start, flattering every ratio).
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));
// A V8 flag makes the shipped cache foreign and an unmakeable cache directory keeps bin from writing its own.
const NO_CACHE = { args: ['--stack-size=983', bin, ...SIGN], env: { ...ENV, XDG_CACHE_HOME: '/dev/null/none' } };

const HAND_WRITTEN = `'use strict';
const { createHmac } = require('node:crypto');
const { writeSync } = require('node:fs');
const args = process.argv.slice(2);
const get = (name) => args[args.indexOf(name) + 1];
const [p, d, s, t] = ['--product', '--device', '--secret', '--timestamp'].map(get);
const clientId = p + '.' + d + '|securemode=3,signmethod=hmacsha256,timestamp=' + t + '|';
const password = createHmac('sha256', s).update('clientId' + p + '.' + d + 'deviceName' + d + 'productKey' + p + 'timestamp' + t).digest('hex');
const field = (x) => { const b = Buffer.from(x); return [b.length >> 8, b.length & 255, ...b]; };
const body = [0, 4, 77, 81, 84, 84, 4, 0xc2, 0, 60, ...field(clientId), ...field(d + '&' + p), ...field(password)];
const packet = [0x10, (body.length & 127) | 128, body.length >> 7, ...body];
let out = 'const unsigned char connect[' + packet.length + '] = {\\n';
for (let i = 0; i < packet.length; i += 12) out += '  ' + packet.slice(i, i + 12).map((b) => '0x' + b.toString(16).padStart(2, '0')).join(', ') + ',\\n';
writeSync(1, out + '};\\n');
`;

function timed({ args, env }) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/**
 * Bytes of each bundle file a no-cache signing run loads, and of them the bytes inside functions that ran: a
 * function's own text (its nested functions' text is theirs), summed over the functions with a call count.
 */
function executedBytes(dir) {
  spawnSync(process.execPath, NO_CACHE.args, { stdio: 'ignore', env: { ...NO_CACHE.env, NODE_V8_COVERAGE: dir } });
  const files = {};
  for (const name of readdirSync(dir)) {
    for (const script of JSON.parse(readFileSync(join(dir, name), 'utf8')).result) {
      if (!script.url.includes('/dist/bundle/')) continue;
      const length = readFileSync(new URL(script.url)).length;
      const fns = script.functions.map((f) => ({ start: f.ranges[0].startOffset, end: f.ranges[0].endOffset, ran: f.ranges[0].count > 0 }));
      fns.sort((a, b) => a.start - b.start || b.end - a.end);
      const open = [];
      let ran = 0;
      for (const f of fns) {
        while (open.length && open[open.length - 1].end <= f.start) open.pop();
        f.own = f.end - f.start;
        if (open.length) open[open.length - 1].own -= f.own;
        open.push(f);
      }
      for (const f of fns) if (f.ran) ran += f.own;
      files[script.url.slice(script.url.lastIndexOf('/') + 1)] = { bytes: length, executed: ran };
    }
  }
  return files;
}

export default async function () {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-floor-'));
  try {
    const signer = join(dir, 'hand-written.cjs');
    writeFileSync(signer, HAND_WRITTEN);
    const cases = {
      'hand-written Aliyun signer (node:crypto, no checks)': { args: [signer, ...SIGN], env: ENV },
      'mqtt-sign sign --format c': { args: [bin, ...SIGN], env: ENV },
      'mqtt-sign sign --format c with no code cache': NO_CACHE,
    };
    const names = Object.keys(cases);
    for (const name of names) timed(cases[name]); // warm the file cache, and write this Node's own code cache
    const base = [];
    const compile = [];
    const ratios = Object.fromEntries(names.map((n) => [n, []]));
    const ms = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 0; round < RUNS; round++) {
      const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
      const b = timed({ args: ['-e', '0'], env: ENV });
      base.push(b);
      const t = {};
      for (const name of order) {
        t[name] = timed(cases[name]);
        ms[name].push(t[name]);
        ratios[name].push(t[name] / b);
      }
      compile.push(t['mqtt-sign sign --format c with no code cache'] - t['mqtt-sign sign --format c']);
    }
    const baseMs = median(base);
    const budget = baseMs * (TARGET - 1);
    console.log(`Node ${process.version}; ${RUNS} rounds; the ${TARGET}× target leaves ${budget.toFixed(1)} ms over node -e 0 (${baseMs.toFixed(1)} ms)`);
    console.log('| run | median ms | ratio |\n|---|---:|---|');
    console.log(`| node -e 0 | ${baseMs.toFixed(1)} | 1.00× |`);
    const results = { node: process.version, rounds: RUNS, baseMs, budgetMs: budget, rows: {} };
    for (const name of names) {
      const r = ratioSummary(ratios[name]);
      results.rows[name] = { ms: median(ms[name]), ...r };
      console.log(`| ${name} | ${median(ms[name]).toFixed(1)} | ${showRatio(r)} |`);
    }
    const c = ratioSummary(compile);
    results.compileMs = c;
    console.log(`\ncompiling without a cache (no-cache run − cached run, per round): ${c.median.toFixed(1)} ms (${c.min.toFixed(1)}–${c.max.toFixed(1)}), ${(c.median / budget).toFixed(1)}× the whole ${budget.toFixed(1)} ms budget`);
    const files = executedBytes(join(dir, 'coverage'));
    results.files = files;
    const total = Object.values(files).reduce((a, f) => ({ bytes: a.bytes + f.bytes, executed: a.executed + f.executed }), { bytes: 0, executed: 0 });
    console.log(`a signing run loads ${Object.entries(files).map(([n, f]) => `${n} (${(f.bytes / 1000).toFixed(1)} kB, ${(f.executed / 1000).toFixed(1)} kB in functions that ran)`).join(', ')}: ${(total.executed / 1000).toFixed(1)} of ${(total.bytes / 1000).toFixed(1)} kB of minified JavaScript run`);
    console.log(`results: ${await saveResults('startup-floor', results)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
