// The long versions of test/hex-input-reader.test.ts (issue 9): hostile pasted text at full size through TextReader,
// fed 64 KiB at a time as a pipe would, each timed; and the paste gallery cut at random places (the same segments must
// come out). Run by `npm run fuzz -- [count] [seed]` after the codec fuzz (the seed is shared; the count is the codec's).
// Times on a shared machine are noisy; what matters is that each finishes in seconds, not minutes.
import { readFileSync, readdirSync } from 'node:fs';
import { TextReader } from '../dist/capture/text-reader.js';
import { MqttSignError } from '../dist/errors.js';

const seed = Number(process.argv[3] ?? 1);

function read(text, chunk) {
  const reader = new TextReader();
  const out = [];
  const take = (segments) => {
    for (const s of segments) out.push(`${s.line}:${s.direction ?? '-'}:${Buffer.from(s.bytes).toString('hex')}`);
  };
  let at = 0;
  while (at < text.length) {
    const size = typeof chunk === 'number' ? chunk : chunk();
    take(reader.push(text.slice(at, at + size)));
    at += size;
  }
  take(reader.end());
  return out;
}

const mqtt = Buffer.from('300a0001747b2276223a317d', 'hex');
const many = Buffer.concat(Array.from({ length: 500_000 }, () => mqtt)).subarray(0, 6_000_000);
const hexdumpLine = (bytes, offset) =>
  `${offset.toString(16).padStart(8, '0')}  ${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')}  |${'.'.repeat(bytes.length)}|`;
const cases = [
  ["'aa ' * 3,000,000 (one line)", () => 'aa '.repeat(3_000_000)],
  ["'TX: ' + 'aa ' * 1,000,000 + 'zz'", () => `TX: ${'aa '.repeat(1_000_000)}zz`],
  ["'aa ' * 1,000,000 + 'zz' (zz a comment)", () => `${'aa '.repeat(1_000_000)}zz`],
  ["'aa ' * 1,000,000 + 'zz 0d' (refused)", () => `${'aa '.repeat(1_000_000)}zz 0d`],
  ['hexdump -C line with 1,000,000 |', () => `00000000  10 0c 00 04 4d 51 54 54  04 02 00 3c 00 00        |${'|'.repeat(1_000_000)}|\n`],
  ['10 MB C array', () => `const uint8_t p[] = {${'0x30, '.repeat(1_666_000)}};\n`],
  ['13 MB xxd dump', () => {
    const lines = [];
    for (let o = 0; o < 3_000_000; o += 16) lines.push(`${o.toString(16).padStart(8, '0')}: ${many.subarray(o, o + 16).toString('hex').replace(/(.{4})/g, '$1 ').trim()}  ................`);
    return `${lines.join('\n')}\n`;
  }],
  ['hexdump -C of 3 MB', () => {
    const lines = [];
    for (let o = 0; o < 3_000_000; o += 16) lines.push(hexdumpLine(many.subarray(o, o + 16), o));
    return `${lines.join('\n')}\n`;
  }],
  ['8 MB base64', () => `${many.toString('base64').replace(/(.{76})/g, '$1\n')}\n`],
  ['1,000,000 nested [', () => `x = ${'['.repeat(1_000_000)}1${']'.repeat(1_000_000)}`],
  ['100,000 SSCOM log lines', () => Array.from({ length: 100_000 }, (_, i) => `[10:22:31.${String(i % 1000).padStart(3, '0')}]${i % 2 ? '收←◆20 02 00 00 ' : '发→◇C0 00 □'}`).join('\r\n')],
];

console.log('text-fuzz: hostile text through TextReader, 64 KiB chunks');
for (const [name, make] of cases) {
  const text = make();
  const t0 = performance.now();
  let outcome;
  try {
    const segments = read(text, 65536);
    outcome = `${segments.length} segments`;
  } catch (err) {
    if (!(err instanceof MqttSignError)) throw err;
    outcome = `typed error ${err.code}`;
  }
  const ms = performance.now() - t0;
  console.log(`  ${name.padEnd(36)} ${(text.length / 1e6).toFixed(1).padStart(5)} MB ${ms.toFixed(0).padStart(6)} ms  ${outcome}`);
}

// The gallery, cut at random places: the same segments as read whole.
let s = seed;
const random = () => {
  s = (s + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const dir = new URL('../test/fixtures/paste/', import.meta.url);
let runs = 0;
const findings = [];
for (const file of readdirSync(dir).filter((f) => f !== 'expected.json')) {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const whole = JSON.stringify(read(text, text.length));
  for (let k = 0; k < 200; k++, runs++) {
    const cut = JSON.stringify(read(text, () => 1 + Math.floor(random() * 40)));
    if (cut !== whole) {
      findings.push(file);
      break;
    }
  }
}
console.log(`gallery cut at random places: ${runs} runs, ${findings.length} findings${findings.length ? `: ${findings.join(', ')}` : ''}`);
if (findings.length > 0) process.exitCode = 1;
