// `npm run fuzz -- [count] [seed]`: a longer run of what test/mqtt-robustness.test.ts does. Random bytes and
// mutations of every fixture and captured packet go to decode and decodeAll in each protocol version; anything
// thrown that is not DecodeError is a finding, and so is a packet decode accepts that encode refuses or that does
// not decode again to the same packet. Prints the counts, the slowest input, and each finding (first 20). Then the
// text parser's long run (bench/text-fuzz.js) and the CLI timed on the linear-time inputs of issue 9 (bench/linear.js).
import { readFileSync, readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { DecodeError, EncodeError, decode, decodeAll, encode } from '../dist/index.js';
import { rng } from './rng.js';

const count = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const fixtures = new URL('../test/fixtures/', import.meta.url);

const random = rng(seed);
const below = (n) => Math.floor(random() * n);
const unhex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const hex = (b) => Buffer.from(b).toString('hex');

function corpus() {
  const out = [];
  const rows = JSON.parse(readFileSync(new URL('mqtt-packet-fixtures.json', fixtures), 'utf8'));
  for (const f of rows) if (f.bytes && f.bytes.length < 4000) out.push({ bytes: unhex(f.bytes), version: f.opts?.protocolVersion ?? 4 });
  const versions = { '3.1': 3, '3.1.1': 4, '5.0': 5 };
  const dir = new URL('captures/', fixtures);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    for (const p of JSON.parse(readFileSync(new URL(file, dir), 'utf8')).packets) out.push({ bytes: unhex(p.rawHex), version: versions[p.mqttVersion] });
  }
  return out;
}

function mutate(input) {
  const bytes = new Uint8Array(input);
  const at = below(bytes.length + 1);
  switch (below(8)) {
    case 0:
      if (at < bytes.length) bytes[at] ^= 1 << below(8);
      return bytes;
    case 1:
      if (at < bytes.length) bytes[at] = below(256);
      return bytes;
    case 2:
      if (at < bytes.length) bytes[at] = [0x00, 0x01, 0x7f, 0x80, 0xff][below(5)];
      return bytes;
    case 3:
      return bytes.subarray(0, at);
    case 4:
      return new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
    case 5:
      return new Uint8Array([...bytes.subarray(0, at), below(256), ...bytes.subarray(at)]);
    case 6: // a run of bytes repeated, as a length-confused peer might send
      return new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at, at + 1 + below(8)), ...bytes.subarray(at)]);
    default:
      return mutate(mutate(bytes));
  }
}

function randomBytes() {
  const bytes = new Uint8Array(2 + below(40));
  for (let i = 0; i < bytes.length; i++) bytes[i] = below(256);
  if (random() < 0.8) {
    bytes[0] = ((1 + below(15)) << 4) | [0, 2, 0, 2, 0, 2, 0x0b][below(7)];
    bytes[1] = bytes.length - 2;
  }
  return bytes;
}

const findings = [];
const tally = { decoded: 0, accepted: 0, refused: 0, streams: 0 };
let slowest = { ns: 0n, input: '' };

function find(kind, bytes, version, error) {
  findings.push(`${kind} v${version} ${hex(bytes)}: ${error?.stack ?? error}`);
}

function probe(bytes, version) {
  const start = process.hrtime.bigint();
  let decoded;
  try {
    decoded = decode(bytes, { protocolVersion: version });
  } catch (error) {
    if (!(error instanceof DecodeError)) find('decode threw', bytes, version, error);
    tally.refused++;
    return;
  } finally {
    const ns = process.hrtime.bigint() - start;
    if (ns > slowest.ns) slowest = { ns, input: `v${version} ${hex(bytes).slice(0, 80)}` };
    tally.decoded++;
  }
  tally.accepted++;
  try {
    decoded.fields;
    const again = decode(encode(decoded.packet, { protocolVersion: version }), { protocolVersion: version });
    if (!isDeepStrictEqual(again.packet, decoded.packet)) find('round trip differs', bytes, version, JSON.stringify(decoded.packet));
  } catch (error) {
    // A CONNECT the server would refuse for its empty client id is well formed, so decode takes it.
    if (!(error instanceof EncodeError && error.code === 'codec.encode.client-id-required')) find('re-encode failed', bytes, version, error);
  }
}

function stream(bytes, version) {
  tally.streams++;
  try {
    const { frames, rest } = decodeAll(bytes, { protocolVersion: version });
    const used = frames.reduce((sum, f) => sum + f.length, 0);
    if (used + rest.length !== bytes.length) find('stream lost bytes', bytes, version, `${used} + ${rest.length}`);
  } catch (error) {
    if (!(error instanceof DecodeError)) find('decodeAll threw', bytes, version, error);
  }
}

const seeds = corpus();
const started = Date.now();
for (let i = 0; i < count; i++) {
  const version = [3, 4, 5][i % 3];
  if (i % 3 === 0) {
    probe(randomBytes(), version);
  } else {
    const s = seeds[below(seeds.length)];
    const bytes = mutate(s.bytes);
    probe(bytes, random() < 0.8 ? s.version : version);
    if (i % 5 === 0) stream(new Uint8Array([...bytes, ...seeds[below(seeds.length)].bytes]), s.version);
  }
  if ((i + 1) % 250_000 === 0) console.log(`${(i + 1).toLocaleString('en-US')} inputs, ${findings.length} findings`);
}

const seconds = (Date.now() - started) / 1000;
console.log(`seed ${seed}: ${tally.decoded.toLocaleString('en-US')} decodes (${tally.accepted.toLocaleString('en-US')} accepted, ${tally.refused.toLocaleString('en-US')} refused with DecodeError), ${tally.streams.toLocaleString('en-US')} streams in ${seconds.toFixed(1)} s`);
console.log(`slowest decode: ${(Number(slowest.ns) / 1000).toFixed(0)} µs for ${slowest.input}`);
console.log(`findings: ${findings.length}`);
for (const f of findings.slice(0, 20)) console.log(`  ${f}`);
process.exitCode = findings.length === 0 ? 0 : 1;

// The text parser's long run (hostile pasted text, the gallery cut at random places).
await import('./text-fuzz.js');
// The CLI on the linear-time inputs (10 MB of malformed packets, C arrays, dumps, base64, a pcap, …), timed.
const { default: linear } = await import('./linear.js');
if (linear() > 0) process.exitCode = 1;
