// Streaming decode of a large capture: ≥ 100 MB of MQTT traffic over many TCP streams, generated into a temp
// pcap, decoded by our readCapture in a child process (MB/s and its peak RSS), and, where tshark is installed,
// by `tshark -r <file> -Y mqtt -T fields -e mqtt.msgtype` on the same file in the same run.
// Targets (issue 5): ≥ 5× tshark, peak memory < 200 MB.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// MQTT_SIGN_BENCH_MB makes a larger file, to see that memory stays flat as the capture grows.
const TARGET_BYTES = Number(process.env.MQTT_SIGN_BENCH_MB ?? 110) * 1024 * 1024;
const STREAMS = 2000;
const MSS = 1448;

export default async function bench() {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-bench-'));
  const file = join(dir, 'large.pcap');
  try {
    const generated = generate(file);
    const size = statSync(file).size;
    console.log(`capture: ${(size / 1e6).toFixed(1)} MB, ${generated.frames} frames, ${generated.packets} MQTT packets, ${STREAMS} TCP streams`);

    const ours = await runOurs(file);
    if (ours.packets !== generated.packets) throw new Error(`decoded ${ours.packets} packets, generated ${generated.packets}`);
    if (ours.problems !== 0) throw new Error(`decoded with ${ours.problems} problems`);
    const ourRate = size / 1e6 / ours.seconds;
    console.log(`mqtt-sign readCaptureBatches (what decode runs): ${ours.seconds.toFixed(2)} s, ${ourRate.toFixed(1)} MB/s, peak RSS ${(ours.maxRssKb / 1024).toFixed(0)} MB (target < 200 MB)`);

    const tshark = spawnSync('sh', ['-c', 'command -v tshark']).stdout.toString().trim();
    if (!tshark) {
      console.log('tshark: not installed, no comparison');
      return;
    }
    const theirs = await runTshark(tshark, file);
    const theirRate = size / 1e6 / theirs.seconds;
    console.log(`tshark -Y mqtt -T fields -e mqtt.msgtype: ${theirs.seconds.toFixed(2)} s, ${theirRate.toFixed(1)} MB/s, ${theirs.packets} MQTT packets`);
    console.log(`ratio: ${(ourRate / theirRate).toFixed(1)}× tshark (target ≥ 5×)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our decode in a fresh process, so its peak RSS is its own. */
function runOurs(file) {
  const dist = new URL('../dist/capture/read.js', import.meta.url).href;
  const script = `
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
    process.stdout.write(JSON.stringify({ packets, problems, seconds, maxRssKb: process.resourceUsage().maxRSS }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`decode child exited ${code}`))));
  });
}

function runTshark(tshark, file) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(tshark, ['-r', file, '-Y', 'mqtt', '-T', 'fields', '-e', 'mqtt.msgtype'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let packets = 0;
    let tail = '';
    child.stdout.on('data', (d) => {
      const lines = (tail + d).split('\n');
      tail = lines.pop();
      // One line per frame; several MQTT packets in one frame are comma-separated.
      for (const line of lines) if (line) packets += line.split(',').length;
    });
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`tshark exited ${code}`));
      resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, packets });
    });
  });
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

export function generate(path) {
  const fd = openSync(path, 'w');
  const random = rng(42);
  let buf = Buffer.alloc(8 << 20);
  let at = 0;
  let frames = 0;
  let packets = 0;
  let written = 0;
  let usec = 0;
  const flush = () => {
    writeSync(fd, buf, 0, at);
    written += at;
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

  const frame = (s, fromClient, flags, payload) => {
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
    frames++;
  };
  const send = (s, fromClient, bytes) => {
    for (let i = 0; i < bytes.length; i += MSS) {
      const chunk = bytes.subarray(i, Math.min(i + MSS, bytes.length));
      frame(s, fromClient, 0x18, chunk);
      const k = fromClient ? 0 : 1;
      s.seq[k] = (s.seq[k] + chunk.length) >>> 0;
    }
  };

  const streams = Array.from({ length: STREAMS }, (_, n) => ({ n, port: 20000 + (n % 40000), seq: [(n * 7919) >>> 0, (n * 104729) >>> 0], id: 0, open: false }));
  const empty = Buffer.alloc(0);
  // A realistic mix: mostly small telemetry, some kilobytes, a few 64 KiB blobs spread over many segments.
  const sizes = () => {
    const r = random();
    return r < 0.7 ? 20 + Math.floor(random() * 200) : r < 0.97 ? 500 + Math.floor(random() * 3000) : 65536;
  };
  const text = Buffer.from('{"temperature":21.5,"humidity":40,"status":"ok","seq":0000000000}'.repeat(1100));

  while (written + at < TARGET_BYTES) {
    for (const s of streams) {
      if (!s.open) {
        frame(s, true, 0x02, empty);
        s.seq[0] = (s.seq[0] + 1) >>> 0;
        frame(s, false, 0x12, empty);
        s.seq[1] = (s.seq[1] + 1) >>> 0;
        frame(s, true, 0x10, empty);
        send(s, true, connect(`device-${s.n}`));
        send(s, false, connack());
        packets += 2;
        s.open = true;
      }
      s.id = (s.id % 65535) + 1;
      send(s, true, publish(`devices/${s.n}/telemetry`, s.id, text.subarray(0, sizes())));
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
  flush();
  closeSync(fd);
  return { frames, packets };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
