// Decode on hostile input: random bytes and mutated valid packets (about 300,000 in all) only ever throw
// DecodeError; whatever decode accepts, encode accepts too and round-trips; its fields tile it; lengths taken from
// the input never allocate before the data is there. Deterministic: a seeded generator, so a failure reproduces.
// bench/fuzz.js runs the same idea for longer.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DecodeError, EncodeError } from '../src/errors.js';
import { decode, decodeAll, encode } from '../src/mqtt/index.js';
import type { ProtocolVersion } from '../src/mqtt/types.js';
import { expectTiled, hex, unhex } from './helpers/mqtt-codec.js';

/** mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Valid packets to mutate: the mqtt-packet fixtures that decode, and the captures. */
function seeds(): { bytes: Uint8Array; version: ProtocolVersion }[] {
  const fixtures = JSON.parse(readFileSync(new URL('./fixtures/mqtt-packet-fixtures.json', import.meta.url), 'utf8')) as {
    kind: string;
    bytes: string | null;
    error?: string;
    opts: { protocolVersion?: ProtocolVersion } | null;
  }[];
  const out = fixtures
    .filter((f) => f.kind !== 'generate' && !f.error && f.bytes && f.bytes.length < 4000)
    .map((f) => ({ bytes: unhex(f.bytes!), version: f.opts?.protocolVersion ?? (4 as ProtocolVersion) }));
  const dir = new URL('./fixtures/captures/', import.meta.url);
  for (const name of ['mqtt-bad-password', 'mqtt31-basic', 'mqtt311-qos-retain', 'zeek-mqtt31']) {
    const sidecar = JSON.parse(readFileSync(new URL(`${name}.pcap.json`, dir), 'utf8')) as { packets: { rawHex: string; mqttVersion: string }[] };
    for (const p of sidecar.packets) out.push({ bytes: unhex(p.rawHex), version: ({ '3.1': 3, '3.1.1': 4, '5.0': 5 } as const)[p.mqttVersion as '3.1']! });
  }
  return out.filter(({ bytes, version }) => {
    try {
      decode(bytes, { protocolVersion: version });
      return true;
    } catch {
      return false; // the fixtures we are stricter about
    }
  });
}

function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const bytes = new Uint8Array(input);
  const at = Math.floor(random() * bytes.length);
  switch (Math.floor(random() * 7)) {
    case 0: // flip one bit
      bytes[at]! ^= 1 << Math.floor(random() * 8);
      return bytes;
    case 1: // any byte
      bytes[at] = Math.floor(random() * 256);
      return bytes;
    case 2: // an edge value, as lengths and flags like them
      bytes[at] = [0x00, 0x01, 0x7f, 0x80, 0xff][Math.floor(random() * 5)]!;
      return bytes;
    case 3: // cut short
      return bytes.subarray(0, at);
    case 4: // drop a byte
      return new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
    case 5: // insert a byte
      return new Uint8Array([...bytes.subarray(0, at), Math.floor(random() * 256), ...bytes.subarray(at)]);
    default: // several changes
      return mutate(mutate(bytes, random), random);
  }
}

interface Tally {
  accepted: number;
  refused: number;
}

/**
 * Decodes `bytes`; only DecodeError may come out. An accepted packet must encode again (the only packets decode
 * takes and encode refuses are CONNECTs with an empty client id that the server would refuse, which is not a
 * malformed packet), decode again to an equal packet, and every tenth one gets its fields checked.
 */
function probe(bytes: Uint8Array, version: ProtocolVersion, tally: Tally, checkFields: boolean): void {
  let decoded;
  try {
    decoded = decode(bytes, { protocolVersion: version });
  } catch (error) {
    if (!(error instanceof DecodeError)) throw new Error(`${hex(bytes)} (v${version}) threw ${String(error)}`);
    tally.refused++;
    return;
  }
  tally.accepted++;
  let again: Uint8Array;
  try {
    again = encode(decoded.packet, { protocolVersion: version });
  } catch (error) {
    if (error instanceof EncodeError && error.code === 'codec.encode.client-id-required') return;
    throw new Error(`${hex(bytes)} (v${version}) decodes but does not encode: ${String(error)}`);
  }
  expect(decode(again, { protocolVersion: version }).packet, hex(bytes)).toEqual(decoded.packet);
  if (checkFields) expectTiled(decoded.fields, 0, bytes.length);
}

function streamProbe(bytes: Uint8Array, version: ProtocolVersion): void {
  try {
    const { frames, rest } = decodeAll(bytes, { protocolVersion: version });
    const used = frames.reduce((sum, f) => sum + f.length, 0);
    expect(used + rest.length).toBe(bytes.length);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw new Error(`stream ${hex(bytes)} (v${version}) threw ${String(error)}`);
  }
}

describe.each([3, 4, 5] as const)('hostile input, MQTT level %i', (version) => {
  test('40,000 random byte strings only throw DecodeError', () => {
    const random = rng(version * 7919);
    const tally: Tally = { accepted: 0, refused: 0 };
    for (let i = 0; i < 40_000; i++) {
      const length = Math.floor(random() * 24);
      const bytes = new Uint8Array(length + 2);
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      // A plausible fixed header most of the time, so the bodies get exercised rather than the first byte.
      if (random() < 0.8) {
        bytes[0] = (Math.floor(random() * 15 + 1) << 4) | [0, 2, 0, 2, 0, 2, 0x0b][Math.floor(random() * 7)]!;
        bytes[1] = length;
      }
      probe(bytes, version, tally, i % 10 === 0);
      if (i % 4 === 0) streamProbe(bytes, version);
    }
    expect(tally.accepted + tally.refused).toBe(40_000);
    expect(tally.accepted, 'some random packets are valid').toBeGreaterThan(100);
  });

  test('60,000 mutated valid packets only throw DecodeError', () => {
    const random = rng(version * 104729);
    const corpus = seeds();
    expect(corpus.length).toBeGreaterThan(150);
    const tally: Tally = { accepted: 0, refused: 0 };
    for (let i = 0; i < 60_000; i++) {
      const seed = corpus[Math.floor(random() * corpus.length)]!;
      const bytes = mutate(seed.bytes, random);
      // Mostly the seed's own version, sometimes another, which reads the same bytes differently.
      probe(bytes, random() < 0.8 ? seed.version : version, tally, i % 10 === 0);
      if (i % 4 === 0) {
        const other = corpus[Math.floor(random() * corpus.length)]!;
        streamProbe(new Uint8Array([...bytes, ...other.bytes]), seed.version);
      }
    }
    expect(tally.refused, 'most mutations break a packet').toBeGreaterThan(20_000);
    expect(tally.accepted, 'some mutations keep it valid').toBeGreaterThan(1_000);
  });
});

describe('lengths from the input', () => {
  test.each([
    ['Remaining Length 268,435,455 with 5 bytes behind it', '30ffffff7f0001740000', 'Remaining Length'],
    ['a Client Identifier of 65,535 bytes with 2 behind it', '100e00044d5154540402003cffff4142', 'Client Identifier'],
    ['a Property Length of 268,435,455 with nothing behind it', '3007000174ffffff7f', 'Property Length'],
    ['a User Property name of 65,535 bytes', '30070001740326ffff', 'User Property Name'],
  ])('%s is refused before anything is allocated', (_name, bytes, field) => {
    const version = field.startsWith('P') || field.startsWith('U') ? 5 : 4;
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 10_000; i++) {
      expect(() => decode(unhex(bytes), { protocolVersion: version })).toThrow(DecodeError);
    }
    let error: DecodeError | undefined;
    try {
      decode(unhex(bytes), { protocolVersion: version });
    } catch (e) {
      error = e as DecodeError;
    }
    expect(error?.code).toBe('codec.decode.truncated');
    expect(error?.field).toBe(field);
    // 10,000 refusals of lengths up to 256 MiB used next to no memory.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  test('an incomplete stream tail is a view, not a copy', () => {
    const bytes = unhex('c000' + '30ffffff7f0004');
    const { packets, rest } = decodeAll(bytes);
    expect(packets).toEqual([{ cmd: 'pingreq' }]);
    expect(rest.buffer).toBe(bytes.buffer);
    expect(hex(rest)).toBe('30ffffff7f0004');
  });
});
