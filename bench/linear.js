// The "time linear in input size" targets of issue 9, through the CLI as a user runs it: each input is generated into a
// temporary folder, then `node bin/mqtt-sign.js decode <file> [--format X] > out` (or verify) is timed, end to end with
// start-up, and its outcome checked (exit code, packet and problem counts from the summary). Target: each under 5 s on
// an idle machine. Prints input, size, seconds, MB/s, output size and the load average, so a note can quote it.
// Run by `npm run fuzz` after the codec and text fuzz; alone: `node bench/linear.js [name-filter]`.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pcapWriter, stream } from './capture.bench.js';
import { rng } from './rng.js';

const bin = fileURLToPath(new URL('../bin/mqtt-sign.js', import.meta.url));
const TARGET_SECONDS = 5;
/** Each command runs this many times; the fastest is reported (a burst of load from the machine's other users is not ours). */
const ROUNDS = Number(process.env.LINEAR_ROUNDS ?? 2);
const MiB = 1 << 20;

const unhex = (h) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
/** `hex` repeated to `size` bytes (whole copies only). */
const repeated = (hex, size) => {
  const one = unhex(hex);
  return Buffer.alloc(Math.floor(size / one.length) * one.length, one);
};

const CONNECT = unhex('10 1c 00 04 4d 51 54 54 04 c2 00 3c 00 02 63 31 00 04 75 73 65 72 00 06 73 65 63 72 65 74');
const PUBLISH = unhex('30 0e 00 05 61 2f 62 2f 63 7b 22 76 22 3a 31 7d');
/** Valid traffic: a CONNECT, then PUBLISHes, to about `size` bytes. */
function traffic(size) {
  const out = Buffer.alloc(size);
  let at = CONNECT.copy(out, 0);
  while (at + PUBLISH.length <= size) at += PUBLISH.copy(out, at);
  return out.subarray(0, at);
}

/** `xxd` (default layout) of the bytes: offset, 8 groups of 2 bytes, the ASCII column. */
function xxd(bytes) {
  const lines = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const row = bytes.subarray(o, o + 16);
    const hex = row.toString('hex').padEnd(32, ' ').replace(/(.{4})/g, '$1 ').trimEnd();
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${o.toString(16).padStart(8, '0')}: ${hex.padEnd(39, ' ')}  ${ascii}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A C array of the bytes, 12 to a line, as firmware source holds a packet. */
function cArray(bytes) {
  const lines = [];
  for (let o = 0; o < bytes.length; o += 12) lines.push(`  ${Array.from(bytes.subarray(o, o + 12), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')},`);
  return `const uint8_t packets[${bytes.length}] = {\n${lines.join('\n')}\n};\n`;
}

/** A pcap of one TCP connection whose client sends `payload` in MSS-sized segments (the capture bench's writer). */
function pcap(payload) {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-linear-pcap-'));
  try {
    const file = join(dir, 'one.pcap');
    const w = pcapWriter(file);
    const s = stream(0);
    w.open(s);
    w.send(s, true, payload);
    w.close();
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const malformed = repeated('10 02 00 00', 10 * MiB);
const FORMATS = ['table', 'json', 'jsonl', 'tsv'];

/**
 * name, make (the file's contents), runs (the arguments of each run, or 'verify'), packets (the count the summary must
 * show, or null), exit (the exit code expected, else 0 or 1), stdin (fed on stdin rather than named).
 */
const inputs = [
  { name: "10 MB of '10 02 00 00' (malformed CONNECTs)", make: () => malformed, runs: [...FORMATS.map((f) => ['--format', f]), 'verify'], packets: malformed.length / 4 },
  // 12 can never start a packet (CONNECT's flags are 0) and no fix makes `10 00` decode: one "not a packet" verdict for all of it.
  { name: "10 MB of '12 00' (CONNECT with flags 2)", make: () => repeated('12 00', 10 * MiB), runs: [['--format', 'jsonl']], packets: 1 },
  { name: "10 MB of '60 02 00 01' (PUBREL with flags 0)", make: () => repeated('60 02 00 01', 10 * MiB), runs: FORMATS.map((f) => ['--format', f]), packets: (10 * MiB) / 4 },
  // Not back to back: no copy follows its packet, so each of the 3.5 million is written (the output is what costs).
  { name: "10 MB of 'c0 00 10 02 00 00' (PINGREQ and malformed CONNECT alternating)", make: () => repeated('c0 00 10 02 00 00', 10 * MiB), runs: [['--format', 'tsv'], ['--format', 'jsonl']], packets: 2 * Math.floor((10 * MiB) / 6) },
  { name: "10 MB of '00 00' (reserved type 0)", make: () => repeated('00 00', 10 * MiB), runs: [['--format', 'jsonl']], packets: 1 },
  {
    name: '10 MB of CONNECTs whose Remaining Length is one too many',
    make: () => repeated('10 0d 00 04 4d 51 54 54 04 02 00 3c 00 00', 10 * MiB),
    runs: FORMATS.map((f) => ['--format', f]),
    packets: null,
  },
  {
    name: '10 MB of random bytes (seed 1)',
    make: () => {
      const random = rng(1);
      return Buffer.from(Uint8Array.from({ length: 10 * MiB }, () => Math.floor(random() * 256)));
    },
    runs: FORMATS.map((f) => ['--format', f]),
    packets: null,
  },
  { name: "xxd -p of the 10 MB of '10 02 00 00', on stdin", make: () => malformed.toString('hex').replace(/(.{60})/g, '$1\n'), stdin: true, runs: [['--format', 'jsonl'], ['--format', 'table']], packets: malformed.length / 4 },
  { name: '10 MB C array of packets', make: () => cArray(traffic(1_750_000)), runs: [['--format', 'jsonl'], ['--format', 'tsv']], packets: null },
  { name: "serial-log line '[Tx] ' + 'aa ' * 100,000 + 'zz'", make: () => `[Tx] ${'aa '.repeat(100_000)}zz\n`, runs: [['--format', 'table']], packets: null },
  // Words after a line's bytes are a comment (the bytes are read); a byte-like token after them is refused at its column.
  { name: "'aa ' * 100,000 + 'zz' (zz a comment)", make: () => `${'aa '.repeat(100_000)}zz\n`, runs: [['--format', 'table']], packets: null },
  { name: "'aa ' * 100,000 + 'zz 0d' (refused)", make: () => `${'aa '.repeat(100_000)}zz 0d\n`, runs: [['--format', 'table']], packets: null, exit: 2 },
  {
    name: 'SUBSCRIBE with 25,000 filters',
    make: () => {
      const filters = Buffer.concat(Array.from({ length: 25_000 }, (_, i) => {
        const t = Buffer.from(`t/${i}`);
        return Buffer.concat([Buffer.from([0, t.length]), t, Buffer.from([0])]);
      }));
      const body = Buffer.concat([Buffer.from([0, 1]), filters]);
      const rl = [];
      for (let n = body.length; ; ) {
        const b = n & 0x7f;
        n >>= 7;
        rl.push(n > 0 ? b | 0x80 : b);
        if (n === 0) break;
      }
      return Buffer.concat([Buffer.from([0x82, ...rl]), body]);
    },
    runs: [['--format', 'table']],
    packets: 1,
  },
  { name: '10 MB xxd dump of packets', make: () => xxd(traffic(2_500_000)), runs: [['--format', 'jsonl'], ['--format', 'tsv']], packets: null },
  { name: '8 MB base64 of packets (--input base64)', make: () => `${traffic(6_000_000).toString('base64').replace(/(.{76})/g, '$1\n')}\n`, runs: [['--format', 'jsonl', '--input', 'base64'], ['--format', 'tsv', '--input', 'base64']], packets: null },
  { name: '2 MB pcap full of malformed CONNECTs', make: () => pcap(repeated('10 02 00 00', 1_900_000)), runs: FORMATS.map((f) => ['--format', f]), packets: 1_900_000 / 4 },
];

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** The last line of the output that holds the counts: jsonl's summary line, json's summary, the table's sentence. */
function summaryOf(outFile, args) {
  const size = statSync(outFile).size;
  const fd = openSync(outFile, 'r');
  const tail = Buffer.alloc(Math.min(size, 4096));
  readSync(fd, tail, 0, tail.length, size - tail.length);
  closeSync(fd);
  const text = tail.toString('utf8');
  const format = args[args.indexOf('--format') + 1];
  if (format === 'jsonl') return JSON.parse(text.trimEnd().split('\n').at(-1)).summary;
  if (format === 'json') return JSON.parse(`{${text.slice(text.lastIndexOf('"summary"'))}`).summary;
  return { line: text.trimEnd().split('\n').at(-1) };
}

export default function linear(filter = '') {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-linear-'));
  let failures = 0;
  console.log(`linear: the CLI on each input, output to a file, fastest of ${ROUNDS} runs (LINEAR_ROUNDS), with the load average (1, 5, 15 min) when it started; target < ${TARGET_SECONDS} s each on an idle machine`);
  try {
    for (const input of inputs) {
      if (!input.name.includes(filter)) continue;
      const file = join(dir, 'input');
      const data = input.make();
      writeFileSync(file, data);
      const size = statSync(file).size;
      for (const run of input.runs) {
        const args = run === 'verify' ? ['verify', 'generic', input.stdin ? '-' : file, '--password', 'x'] : ['decode', input.stdin ? '-' : file, ...run];
        const outFile = join(dir, 'out');
        let seconds = Infinity;
        let before = '';
        let r;
        for (let round = 0; round < ROUNDS; round++) {
          const out = openSync(outFile, 'w');
          const stdin = input.stdin ? openSync(file, 'r') : 'ignore';
          const loadNow = load();
          const start = process.hrtime.bigint();
          r = spawnSync(process.execPath, [bin, ...args], { stdio: [stdin, out, 'pipe'], env: { ...process.env, LANG: 'C' } });
          const s = Number(process.hrtime.bigint() - start) / 1e9;
          closeSync(out);
          if (typeof stdin === 'number') closeSync(stdin);
          if (s < seconds) [seconds, before] = [s, loadNow];
        }
        const outSize = statSync(outFile).size;
        let outcome = `exit ${r.status}`;
        let ok = input.exit === undefined ? r.status === 0 || r.status === 1 : r.status === input.exit;
        const stderr = String(r.stderr).trim();
        if (stderr.includes('    at ')) ok = false;
        if (run !== 'verify' && ok && outSize > 0) {
          const s = summaryOf(outFile, args);
          if ('packets' in s) {
            outcome += `, ${s.packets} packets, ${s.problems} problems`;
            if (input.packets !== null && s.packets !== input.packets) {
              ok = false;
              outcome += ` (expected ${input.packets} packets)`;
            }
          } else {
            outcome += `, "${s.line.slice(0, 70)}"`;
          }
        } else if (stderr) {
          outcome += `, stderr: ${stderr.split('\n')[0].slice(0, 90)}`;
        } else if (run === 'verify') {
          const last = readFileSync(outFile, 'utf8').trimEnd().split('\n').at(-1);
          outcome += `, "${last}"`;
        }
        if (seconds > TARGET_SECONDS) outcome += `  OVER ${TARGET_SECONDS} s`;
        if (!ok) failures++;
        const what = run === 'verify' ? 'verify generic' : `decode ${run.join(' ')}`;
        console.log(
          `  ${input.name}\n    ${what.padEnd(40)} ${(size / 1e6).toFixed(1).padStart(5)} MB ${seconds.toFixed(2).padStart(6)} s ${(size / 1e6 / seconds).toFixed(1).padStart(6)} MB/s  out ${(outSize / 1e6).toFixed(1)} MB  load ${before}  ${ok ? '' : 'FAILED '}${outcome}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return failures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = linear(process.argv[2] ?? '') > 0 ? 1 : 0;
