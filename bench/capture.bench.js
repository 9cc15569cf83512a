// `npm run bench capture`: the decode command as users run it, against tshark, on one generated capture of ≥ 100 MB
// (MQTT_SIGN_BENCH_MB picks another size, e.g. 10 for a quick run) over 2,000 TCP streams. Each round runs, back to
// back and in a rotating order, `mqtt-sign decode f.pcap --format X > /dev/null` for jsonl, json, tsv and table,
// `tshark -r f -Y mqtt -T fields -e frame.number -e mqtt.msgtype -e mqtt.topic`, `tshark -r f -Y mqtt -T json` (both
// to /dev/null) and the library alone (readCaptureBatches, no output). A ratio is taken within a round (tshark's time
// / ours) and reported as the median of the rounds with min–max (bench/paired.js), so a busy neighbour spoils a
// round, not the result. Peak RSS of each process comes from /usr/bin/time -f %M (Debian package `time`).
// Targets (issue 9): tsv ≥ 2× tshark fields, jsonl ≥ 5× tshark json, library ≥ 200 MB/s, peak RSS < 200 MB.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ratioSummary, saveResults, showRatio } from './paired.js';

const TARGET_BYTES = Number(process.env.MQTT_SIGN_BENCH_MB ?? 110) * 1024 * 1024;
const ROUNDS = Number(process.env.MQTT_SIGN_BENCH_ROUNDS ?? 5);
const STREAMS = 2000;
const MSS = 1448;
const FORMATS = ['jsonl', 'json', 'tsv', 'table'];
const TSHARK_FIELDS = ['-Y', 'mqtt', '-T', 'fields', '-e', 'frame.number', '-e', 'mqtt.msgtype', '-e', 'mqtt.topic'];
const TSHARK_JSON = ['-Y', 'mqtt', '-T', 'json'];
const bin = fileURLToPath(new URL('../bin/mqtt-sign.js', import.meta.url));
const TIME = '/usr/bin/time';
const MB = (kb) => (kb / 1024).toFixed(0);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** The library alone: readCaptureBatches over the file, counting packets, timed inside the process (no start-up). */
function libraryScript(file) {
  const dist = new URL('../dist/capture/read.js', import.meta.url).href;
  return `
    import { createReadStream } from 'node:fs';
    import { readCaptureBatches } from ${JSON.stringify(dist)};
    const start = process.hrtime.bigint();
    let packets = 0, problems = 0;
    for await (const batch of readCaptureBatches(createReadStream(${JSON.stringify(file)}, { highWaterMark: 1 << 20 }))) {
      for (const p of batch) {
        packets++;
        problems += p.problems.length;
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(JSON.stringify({ packets, problems, seconds }));
  `;
}

/** One run: wall seconds, peak RSS in KB (null without /usr/bin/time), and stdout when asked for. */
function run(cmd, args, { stdout = 'null', rssFile }) {
  const devnull = stdout === 'null' ? openSync('/dev/null', 'w') : undefined;
  const timed = existsSync(TIME);
  const start = process.hrtime.bigint();
  const r = timed
    ? spawnSync(TIME, ['-f', '%M', '-o', rssFile, cmd, ...args], { stdio: ['ignore', devnull ?? 'pipe', 'pipe'], maxBuffer: 1 << 30 })
    : spawnSync(cmd, args, { stdio: ['ignore', devnull ?? 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (devnull !== undefined) closeSync(devnull);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  // time(1) writes "Command exited…" lines before the number when the command fails; the last line is %M.
  const rssKb = timed ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : null;
  return { seconds, rssKb, out: r.stdout };
}

export default async function bench() {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-bench-'));
  const file = join(dir, 'large.pcap');
  const rssFile = join(dir, 'rss');
  try {
    console.log(`load average at start: ${load()}`);
    const generated = generate(file);
    const size = statSync(file).size;
    const mb = size / 1e6;
    console.log(`capture: ${mb.toFixed(1)} MB, ${generated.frames} frames, ${generated.packets} MQTT packets, ${STREAMS} TCP streams; ${ROUNDS} rounds`);
    if (!existsSync(TIME)) console.log(`peak RSS: ${TIME} not found, install the Debian package \`time\` to measure it`);
    const tshark = spawnSync('sh', ['-c', 'command -v tshark']).stdout.toString().trim();
    if (!tshark) console.log('tshark: not installed (install the Debian package `tshark`), its rows are skipped');

    const jobs = [
      ...FORMATS.map((f) => ({ name: `mqtt-sign decode --format ${f}`, cmd: process.execPath, args: [bin, 'decode', file, '--format', f] })),
      ...(tshark
        ? [
            { name: 'tshark -T fields', cmd: tshark, args: ['-r', file, ...TSHARK_FIELDS] },
            { name: 'tshark -T json', cmd: tshark, args: ['-r', file, ...TSHARK_JSON] },
          ]
        : []),
      { name: 'library (readCaptureBatches, no output)', cmd: process.execPath, args: ['--input-type=module', '-e', libraryScript(file)], library: true },
    ];

    // Before timing (and warming the file cache): both sides see every packet of the file.
    const tsv = run(process.execPath, [bin, 'decode', file, '--format', 'tsv'], { stdout: 'pipe', rssFile });
    const lines = tsv.out.toString().split('\n').filter(Boolean).length - 1;
    if (lines !== generated.packets) throw new Error(`decode --format tsv printed ${lines} packets, generated ${generated.packets}`);
    if (tshark) {
      const t = run(tshark, ['-r', file, ...TSHARK_FIELDS], { stdout: 'pipe', rssFile });
      // One line per frame; several MQTT packets in one frame give comma-separated values.
      const seen = t.out.toString().split('\n').filter(Boolean).reduce((n, line) => n + line.split('\t')[1].split(',').length, 0);
      if (seen !== generated.packets) throw new Error(`tshark found ${seen} MQTT packets, generated ${generated.packets}`);
    }

    const times = Object.fromEntries(jobs.map((j) => [j.name, []]));
    const rss = Object.fromEntries(jobs.map((j) => [j.name, []]));
    const libRates = [];
    const ratios = { tsv: [], jsonl: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const got = {};
      for (let k = 0; k < jobs.length; k++) {
        const job = jobs[(round + k) % jobs.length];
        const r = run(job.cmd, job.args, { stdout: job.library ? 'pipe' : 'null', rssFile });
        if (job.library) {
          const lib = JSON.parse(r.out);
          if (lib.packets !== generated.packets || lib.problems !== 0) throw new Error(`library decoded ${lib.packets} packets with ${lib.problems} problems, generated ${generated.packets}`);
          libRates.push(mb / lib.seconds);
        }
        got[job.name] = r.seconds;
        times[job.name].push(r.seconds);
        if (r.rssKb !== null) rss[job.name].push(r.rssKb);
      }
      if (tshark) {
        ratios.tsv.push(got['tshark -T fields'] / got['mqtt-sign decode --format tsv']);
        ratios.jsonl.push(got['tshark -T json'] / got['mqtt-sign decode --format jsonl']);
      }
      console.log(`round ${round + 1}/${ROUNDS} done, load average ${load()}`);
    }

    console.log(`\nwall time per process (start-up included), ${ROUNDS} rounds, file ${mb.toFixed(1)} MB:`);
    console.log('| run | median s (min–max) | MB/s | peak RSS MB (max of rounds) |');
    console.log('|---|---:|---:|---:|');
    const results = { mb, packets: generated.packets, rounds: ROUNDS, runs: [], ratios: {}, targets: [] };
    for (const job of jobs) {
      const t = times[job.name];
      const peak = rss[job.name].length ? rss[job.name].reduce((a, b) => Math.max(a, b), 0) : null;
      const s = median(t);
      results.runs.push({ run: job.name, seconds: s, min: Math.min(...t), max: Math.max(...t), mbPerSecond: mb / s, peakRssMb: peak === null ? null : peak / 1024 });
      console.log(`| ${job.name} | ${s.toFixed(2)} (${Math.min(...t).toFixed(2)}–${Math.max(...t).toFixed(2)}) | ${(mb / s).toFixed(1)} | ${peak === null ? 'n/a' : MB(peak)} |`);
    }
    const libRate = ratioSummary(libRates);
    console.log(`\nlibrary alone (timed inside its process, no output): ${libRate.median.toFixed(1)} MB/s median (${libRate.min.toFixed(1)}–${libRate.max.toFixed(1)}, ${libRate.rounds} rounds)`);

    const verdict = (ok) => (ok ? 'met' : 'NOT met');
    const targets = [];
    if (tshark) {
      const tsvRatio = ratioSummary(ratios.tsv);
      const jsonlRatio = ratioSummary(ratios.jsonl);
      results.ratios = { tsvVsTsharkFields: tsvRatio, jsonlVsTsharkJson: jsonlRatio };
      console.log(`decode --format tsv vs tshark -T fields: ${showRatio(tsvRatio)} tshark's time / ours, paired per round`);
      console.log(`decode --format jsonl vs tshark -T json: ${showRatio(jsonlRatio)} tshark's time / ours, paired per round`);
      targets.push(['tsv ≥ 2× tshark -T fields', tsvRatio.median >= 2]);
      targets.push(['jsonl ≥ 5× tshark -T json', jsonlRatio.median >= 5]);
    }
    targets.push(['library ≥ 200 MB/s', libRate.median >= 200]);
    const ours = jobs.filter((j) => !j.name.startsWith('tshark')).flatMap((j) => rss[j.name]);
    if (ours.length) targets.push([`peak RSS of every mqtt-sign process < 200 MB (max ${MB(ours.reduce((a, b) => Math.max(a, b), 0))} MB)`, ours.every((kb) => kb < 200 * 1024)]);
    console.log('\n| target | result |');
    console.log('|---|---|');
    for (const [name, ok] of targets) console.log(`| ${name} | ${verdict(ok)} |`);
    results.targets = targets.map(([target, met]) => ({ target, met }));
    results.libraryMbPerSecond = libRate;
    console.log(`\nload average at end: ${load()} (2 cores; above 2 the machine was shared and the absolute numbers are low)`);
    console.log(`results: ${await saveResults('capture', results)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the generated capture: Ethernet/IPv4/TCP frames, streams interleaved round-robin -----------------------------

/** A deterministic pseudo-random sequence (xorshift32), so every run decodes the same file. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function varint(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function str(s) {
  const b = Buffer.from(s);
  return [b.length >> 8, b.length & 0xff, ...b];
}

function packet(first, body) {
  return Buffer.concat([Buffer.from([first, ...varint(body.length)]), body]);
}

const connect = (id) => packet(0x10, Buffer.from([...str('MQTT'), 4, 0xc2, 0, 60, ...str(id), ...str(`user-${id}`), ...str('password-0123456789abcdef')]));
const connack = () => Buffer.from([0x20, 2, 0, 0]);
const puback = (id) => Buffer.from([0x40, 2, id >> 8, id & 0xff]);
const publish = (topic, id, payload) => packet(0x32, Buffer.concat([Buffer.from([...str(topic), id >> 8, id & 0xff]), payload]));

/**
 * A pcap file written frame by frame (Ethernet/IPv4/TCP, little-endian, microseconds): `frame(s, fromClient, flags,
 * payload)` for a stream `s` = { n, port, seq: [client, broker] }, `send` to cut bytes into MSS-sized segments.
 */
export function pcapWriter(path) {
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(8 << 20);
  let at = 0;
  let usec = 0;
  const w = { frames: 0, written: 0 };
  const flush = () => {
    writeSync(fd, buf, 0, at);
    w.written += at;
    at = 0;
  };
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  header.copy(buf, 0);
  at = 24;

  w.frame = (s, fromClient, flags, payload) => {
    const length = 14 + 20 + 20 + payload.length;
    if (at + 16 + length > buf.length) flush();
    usec += 7;
    buf.writeUInt32LE(1_700_000_000 + Math.floor(usec / 1e6), at);
    buf.writeUInt32LE(usec % 1e6, at + 4);
    buf.writeUInt32LE(length, at + 8);
    buf.writeUInt32LE(length, at + 12);
    let p = at + 16;
    buf.fill(0x02, p, p + 12);
    buf.writeUInt16BE(0x0800, p + 12);
    p += 14;
    buf[p] = 0x45;
    buf[p + 1] = 0;
    buf.writeUInt16BE(40 + payload.length, p + 2);
    buf.writeUInt32BE(0x4000, p + 4);
    buf[p + 8] = 64;
    buf[p + 9] = 6;
    buf.writeUInt16BE(0, p + 10);
    const client = 0x0a000000 + s.n + 2;
    const broker = 0x0a000001;
    buf.writeUInt32BE(fromClient ? client : broker, p + 12);
    buf.writeUInt32BE(fromClient ? broker : client, p + 16);
    p += 20;
    buf.writeUInt16BE(fromClient ? s.port : 1883, p);
    buf.writeUInt16BE(fromClient ? 1883 : s.port, p + 2);
    buf.writeUInt32BE(fromClient ? s.seq[0] : s.seq[1], p + 4);
    buf.writeUInt32BE(fromClient ? s.seq[1] : s.seq[0], p + 8);
    buf[p + 12] = 0x50;
    buf[p + 13] = flags;
    buf.writeUInt16BE(65535, p + 14);
    buf.writeUInt32BE(0, p + 16);
    payload.copy(buf, p + 20);
    at += 16 + length;
    w.frames++;
  };
  w.send = (s, fromClient, bytes) => {
    for (let i = 0; i < bytes.length; i += MSS) {
      const chunk = bytes.subarray(i, Math.min(i + MSS, bytes.length));
      w.frame(s, fromClient, 0x18, chunk);
      const k = fromClient ? 0 : 1;
      s.seq[k] = (s.seq[k] + chunk.length) >>> 0;
    }
  };
  /** The SYN, SYN-ACK and ACK that open stream s. */
  w.open = (s) => {
    const empty = Buffer.alloc(0);
    w.frame(s, true, 0x02, empty);
    s.seq[0] = (s.seq[0] + 1) >>> 0;
    w.frame(s, false, 0x12, empty);
    s.seq[1] = (s.seq[1] + 1) >>> 0;
    w.frame(s, true, 0x10, empty);
  };
  w.size = () => w.written + at;
  w.close = () => {
    flush();
    closeSync(fd);
  };
  return w;
}

/** Stream n of a generated capture: its client port and the two initial sequence numbers. */
export const stream = (n) => ({ n, port: 20000 + (n % 40000), seq: [(n * 7919) >>> 0, (n * 104729) >>> 0], id: 0, open: false });

/** The bench capture: STREAMS streams of telemetry until the file has targetBytes. */
export function generate(path, targetBytes = TARGET_BYTES) {
  const random = rng(42);
  const w = pcapWriter(path);
  const { frame, send } = w;
  let packets = 0;
  const streams = Array.from({ length: STREAMS }, (_, n) => stream(n));
  const empty = Buffer.alloc(0);
  // A realistic mix: mostly small telemetry, some kilobytes, a few 64 KiB blobs spread over many segments.
  const sizes = () => {
    const r = random();
    return r < 0.7 ? 20 + Math.floor(random() * 200) : r < 0.97 ? 500 + Math.floor(random() * 3000) : 65536;
  };
  // Each payload is one valid JSON object of the drawn size (decode lints JSON-looking payloads; a clean capture has
  // nothing to report, so every run exits 0 and times decoding, not diagnostics).
  const open = Buffer.from('{"temperature":21.5,"humidity":40,"data":"');
  const filler = Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789'.repeat(1900));
  const close = Buffer.from('"}');
  const json = (n) => Buffer.concat([open, filler.subarray(0, Math.max(0, n - open.length - close.length)), close]);

  while (w.size() < targetBytes) {
    for (const s of streams) {
      if (!s.open) {
        w.open(s);
        send(s, true, connect(`device-${s.n}`));
        send(s, false, connack());
        packets += 2;
        s.open = true;
      }
      s.id = (s.id % 65535) + 1;
      send(s, true, publish(`devices/${s.n}/telemetry`, s.id, json(sizes())));
      // Broker replies: the PUBACK, sometimes together with a PINGRESP-sized pair in one segment.
      send(s, false, puback(s.id));
      packets += 2;
    }
  }
  for (const s of streams) {
    send(s, true, Buffer.from([0xe0, 0]));
    packets++;
    frame(s, true, 0x11, empty);
    frame(s, false, 0x11, empty);
  }
  w.close();
  return { frames: w.frames, packets };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
