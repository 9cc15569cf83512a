// The streaming Decoder against decodeAll: the same bytes cut anywhere give the same packets, the same fields and the
// same errors at the same stream offsets. Inputs: the mqtt-packet fixture rows and the captured TCP streams.
import { readFileSync, readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from '../src/errors.js';
import { Decoder, decodeAll, decoderStream, encode } from '../src/index.js';
import type { Decoded, ProtocolVersion } from '../src/mqtt/types.js';
import { hex, packetStarts, unhex } from './helpers/mqtt-codec.js';

interface Fixture {
  name: string;
  kind: string;
  bytes: string | null;
  chunks?: string[];
  error?: string;
  opts: { protocolVersion?: ProtocolVersion } | null;
  expectedPacketsBeforeError?: number;
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/mqtt-packet-fixtures.json', import.meta.url), 'utf8')) as Fixture[];

/** Fixture rows that decodeAll reads as a whole stream without error (some rows are two packets). */
const good = fixtures
  .filter((f) => f.kind !== 'generate' && !f.error && (f.bytes !== null || f.chunks))
  .map((f, i) => ({ title: `${i} ${f.name}`, bytes: unhex(f.chunks ? f.chunks.join('') : f.bytes!), version: f.opts?.protocolVersion ?? 4 }))
  .filter((f) => {
    try {
      return decodeAll(f.bytes, { protocolVersion: f.version }).rest.length === 0;
    } catch {
      return false; // rows we are stricter on than mqtt-packet; test/mqtt-fixtures.test.ts covers them
    }
  });

/** Each TCP direction of each capture, concatenated: a real stream starting with its CONNECT or CONNACK. */
const dir = new URL('./fixtures/captures/', import.meta.url);
const versions = { '3.1': 3, '3.1.1': 4, '5.0': 5 } as const;
const streams = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => {
    const { capture, packets } = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as {
      capture: string;
      packets: { tcpStream: number; direction: string; rawHex: string; mqttVersion: keyof typeof versions }[];
    };
    const by = new Map<string, typeof packets>();
    for (const p of packets) by.set(`${capture} stream ${p.tcpStream} ${p.direction}`, [...(by.get(`${capture} stream ${p.tcpStream} ${p.direction}`) ?? []), p]);
    return [...by].map(([title, list]) => ({ title, bytes: unhex(list.map((p) => p.rawHex).join('')), version: versions[list[0]!.mqttVersion] as ProtocolVersion }));
  });

/** Pushes `bytes` cut at `cuts` (sorted offsets) and ends the stream. */
function viaDecoder(bytes: Uint8Array, cuts: readonly number[], version: ProtocolVersion): Decoded[] {
  const decoder = new Decoder({ protocolVersion: version });
  const out: Decoded[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    for (const d of decoder.push(bytes.subarray(from, cut))) out.push(d);
    from = cut;
  }
  decoder.end();
  expect(decoder.pending).toBe(0);
  expect(decoder.offset).toBe(bytes.length);
  return out;
}

/** What decodeAll says, in the Decoder's terms: packet, length and fields counted from the packet's own start. */
function reference(bytes: Uint8Array, version: ProtocolVersion) {
  const all = decodeAll(bytes, { protocolVersion: version });
  expect(all.rest.length).toBe(0);
  return all.frames.map((f, i) => ({
    packet: all.packets[i],
    length: f.length,
    fields: f.fields.map((field) => ({ ...field, offset: field.offset - f.offset })),
  }));
}

function view(list: Decoded[]) {
  return list.map((d) => ({ packet: d.packet, length: d.length, fields: d.fields }));
}

function thrown(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return error as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('Decoder: a chunk boundary at every byte offset gives what decodeAll gives', () => {
  test('there are rows and streams to run', () => {
    expect(good.length).toBeGreaterThan(60);
    expect(streams.length).toBeGreaterThan(5);
  });

  test.each([...good, ...streams])('$title', ({ bytes, version }) => {
    const want = reference(bytes, version);
    for (let cut = 0; cut <= bytes.length; cut++) expect(view(viaDecoder(bytes, [cut], version)), `cut at ${cut}`).toEqual(want);
    // One byte per push: every packet straddles, and so does every fixed header.
    const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
    expect(view(viaDecoder(bytes, everyByte, version))).toEqual(want);
  });
});

describe('Decoder: random chunkings (fast-check) against decodeAll', () => {
  test('captured streams and all fixture rows of a version back to back', () => {
    const inputs = [...streams];
    for (const version of [3, 4, 5] as const) {
      const rows = good.filter((g) => g.version === version);
      const joined = new Uint8Array(rows.reduce((n, r) => n + r.bytes.length, 0));
      let at = 0;
      for (const r of rows) {
        joined.set(r.bytes, at);
        at += r.bytes.length;
      }
      // A CONNECT row can change the version mid-stream; keep the row only if decodeAll reads it whole.
      try {
        if (decodeAll(joined, { protocolVersion: version }).rest.length === 0) inputs.push({ title: `fixtures v${version}`, bytes: joined, version });
      } catch {
        // mixed-version rows after a CONNECT: not a stream, skip
      }
    }
    const wants = inputs.map((i) => reference(i.bytes, i.version));
    fc.assert(
      fc.property(fc.nat(inputs.length - 1), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }), (which, fractions) => {
        const input = inputs[which]!;
        const cuts = fractions.map((f) => Math.floor(f * input.bytes.length)).sort((a, b) => a - b);
        expect(view(viaDecoder(input.bytes, cuts, input.version))).toEqual(wants[which]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Decoder: a packet in many small chunks (gathered after 64 views) and some large ones', () => {
  test('fast-check: any mix of chunk sizes gives what decodeAll gives', () => {
    const payload = new Uint8Array(6000).map((_, i) => (i * 31) & 0xff);
    const publish = encode({ cmd: 'publish', topic: 'a/b', payload, qos: 1, messageId: 7, dup: false, retain: false }, { protocolVersion: 5 }).slice();
    const ping = encode({ cmd: 'pingreq' }).slice();
    const bytes = new Uint8Array([...ping, ...publish, ...publish, ...ping]);
    const want = reference(bytes, 5);
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 3 }), weight: 20 }, { arbitrary: fc.integer({ min: 1, max: 2500 }), weight: 1 }), { minLength: 200, maxLength: 600 }), (sizes) => {
        const cuts: number[] = [];
        let at = 0;
        for (const size of sizes) if ((at += size) < bytes.length) cuts.push(at);
        expect(view(viaDecoder(bytes, cuts, 5))).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Decoder: maxPacketSize is checked from the fixed header, before any body is kept', () => {
  const header = Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0x7f); // PUBLISH claiming Remaining Length 268,435,455

  test('a header claiming 268 MB is refused at once', () => {
    const decoder = new Decoder({ protocolVersion: 4, maxPacketSize: 1024 * 1024 });
    const before = process.memoryUsage().arrayBuffers;
    const error = thrown(() => decoder.push(header));
    expect(error.code).toBe('decoder.too-large');
    expect(error.field).toBe('Remaining Length');
    expect(error.offset).toBe(1);
    expect(error.params).toMatchObject({ size: 268_435_460, limit: 1024 * 1024 });
    expect(error.message).toContain('268435460');
    expect(error.message).toContain('1048576');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024);
  });

  test('the header cut over three pushes is refused when its last byte arrives, at its stream offset', () => {
    const decoder = new Decoder({ maxPacketSize: 100 });
    expect(decoder.push(Uint8Array.of(0xc0, 0x00))).toHaveLength(1); // a PINGREQ first
    expect(decoder.push(Uint8Array.of(0x30))).toEqual([]);
    expect(decoder.push(Uint8Array.of(0xff, 0xff))).toEqual([]);
    const error = thrown(() => decoder.push(Uint8Array.of(0xff, 0x7f)));
    expect(error.code).toBe('decoder.too-large');
    expect(error.offset).toBe(3);
  });

  test('without a limit the claim waits for its bytes, holding only what arrived', () => {
    const decoder = new Decoder();
    expect(decoder.push(header)).toEqual([]);
    expect(decoder.pending).toBe(5);
  });

  test('a packet trickling in 1 byte per push holds about its own size, not ~100 bytes of views per byte', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const size = 400_000;
    const packet = encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(size).fill(7), qos: 0, dup: false, retain: false }).slice();
    const decoder = new Decoder();
    gc();
    const heldBefore = process.memoryUsage();
    for (let i = 0; i < packet.length - 1; i++) decoder.push(packet.subarray(i, i + 1));
    gc();
    const heldAfter = process.memoryUsage();
    const held = heldAfter.heapUsed + heldAfter.arrayBuffers - (heldBefore.heapUsed + heldBefore.arrayBuffers);
    expect(decoder.pending).toBe(packet.length - 1);
    // Gathered by doubling: at most the packet's size, plus the views kept before gathering began.
    expect(held).toBeLessThan(4 * size);
    const [decoded] = decoder.push(packet.subarray(packet.length - 1));
    expect(hex(decoded!.packet.cmd === 'publish' ? (decoded!.packet.payload as Uint8Array) : new Uint8Array())).toBe(hex(new Uint8Array(size).fill(7)));
  });

  test('a packet of exactly the limit passes, one byte more is refused', () => {
    const packet = encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(10), qos: 0, dup: false, retain: false });
    expect(new Decoder({ maxPacketSize: packet.length }).push(packet)).toHaveLength(1);
    expect(thrown(() => new Decoder({ maxPacketSize: packet.length - 1 }).push(packet)).code).toBe('decoder.too-large');
  });

  test.each([0, 1, 1.5, Number.NaN, -5])('maxPacketSize %s is refused', (max) => {
    expect(thrown(() => new Decoder({ maxPacketSize: max })).code).toBe('decoder.max-size-option');
  });

  test('an unknown protocolVersion is refused as decode refuses it', () => {
    expect(thrown(() => new Decoder({ protocolVersion: 6 as ProtocolVersion })).code).toBe('codec.decode.version-option');
  });
});

describe('Decoder: the version of a CONNECT stays in force', () => {
  const connect = encode({ cmd: 'connect', protocolVersion: 5, clientId: 'c', clean: true, keepalive: 60 });
  const publish = encode(
    { cmd: 'publish', topic: 'a/b', payload: Uint8Array.of(1, 2), qos: 1, messageId: 7, dup: false, retain: false, properties: { contentType: 'x' } },
    { protocolVersion: 5 },
  );
  const bytes = new Uint8Array([...connect, ...publish]);

  test('a 5.0 CONNECT switches a decoder started at 3.1.1, at every cut', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const out = viaDecoder(bytes, [cut], 4);
      expect(out.map((d) => d.packet.cmd)).toEqual(['connect', 'publish']);
      expect(out[1]!.packet).toMatchObject({ properties: { contentType: 'x' } });
    }
    const decoder = new Decoder({ protocolVersion: 4 });
    decoder.push(connect);
    expect(decoder.protocolVersion).toBe(5);
  });

  test('without the CONNECT the same PUBLISH reads as 3.1.1 (so the carry-over is what made the difference)', () => {
    const out = new Decoder({ protocolVersion: 4 }).push(publish);
    expect(out[0]!.packet).not.toHaveProperty('properties');
  });
});

describe('Decoder: a malformed packet', () => {
  const bad = fixtures.filter((f) => f.expectedPacketsBeforeError !== undefined);

  test.each(bad.map((f) => ({ title: f.name, bytes: unhex(f.bytes!), version: f.opts?.protocolVersion ?? 4, n: f.expectedPacketsBeforeError! })))(
    'gives decodeAll’s error at the same stream offset, cut anywhere: $title',
    ({ bytes, version, n }) => {
      const end = packetStarts(bytes)[n + 1]!;
      const want = thrown(() => decodeAll(bytes.subarray(0, end), { protocolVersion: version }));
      for (let cut = 0; cut <= end; cut++) {
        const decoder = new Decoder({ protocolVersion: version });
        let got = 0;
        const error = thrown(() => {
          got += decoder.push(bytes.subarray(0, cut)).length;
          got += decoder.push(bytes.subarray(cut, end)).length;
        });
        expect({ code: error.code, offset: error.offset, message: error.message }).toEqual({ code: want.code, offset: want.offset, message: want.message });
        expect(got).toBeLessThanOrEqual(n);
        // The documented state after an error: failed for good; every later call throws the same error.
        expect(thrown(() => decoder.push(Uint8Array.of(0xc0, 0x00)))).toBe(error);
        expect(thrown(() => decoder.end())).toBe(error);
      }
    },
  );

  test('a bad first byte is refused at once, before its Remaining Length arrives', () => {
    const decoder = new Decoder();
    decoder.push(Uint8Array.of(0xc0, 0x00, 0xc0, 0x00));
    const error = thrown(() => decoder.push(Uint8Array.of(0x00)));
    expect(error.code).toBe('codec.decode.packet-type');
    expect(error.offset).toBe(4);
  });

  test('a stream that ends inside a packet: end() names where that packet starts', () => {
    const decoder = new Decoder();
    decoder.push(Uint8Array.of(0xc0, 0x00, 0x30, 0x05, 0x00));
    const error = thrown(() => decoder.end());
    expect(error.code).toBe('decoder.ended-inside');
    expect(error.offset).toBe(2);
    expect(error.params).toMatchObject({ have: 3 });
  });

  test('a chunk that is not bytes is a DecodeError', () => {
    expect(thrown(() => new Decoder().push('c000' as unknown as Uint8Array)).code).toBe('codec.decode.input');
  });

  test('push(null) names the parameter the caller passed, chunk, and where in the stream it came', () => {
    const decoder = new Decoder();
    decoder.push(Uint8Array.of(0xc0, 0x00, 0x30));
    const error = thrown(() => decoder.push(null as unknown as Uint8Array));
    expect({ code: error.code, field: error.field, offset: error.offset }).toEqual({ code: 'codec.decode.input', field: 'chunk', offset: 3 });
    expect(error.message).toMatch(/^chunk: /);
  });
});

describe('decoderStream: a Node Transform around the Decoder', () => {
  const stream = streams.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));

  test('bytes in 7-byte Buffers come out as the packets decodeAll reads', async () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.bytes.length; i += 7) chunks.push(Buffer.from(stream.bytes.subarray(i, i + 7)));
    const out: Decoded[] = [];
    await pipeline(Readable.from(chunks), decoderStream({ protocolVersion: stream.version }), async (source: AsyncIterable<Decoded>) => {
      for await (const d of source) out.push(d);
    });
    expect(out.map((d) => d.packet)).toEqual(decodeAll(stream.bytes, { protocolVersion: stream.version }).packets);
  });

  test('a stream cut inside a packet fails with the DecodeError', async () => {
    const cut = Buffer.from(stream.bytes.subarray(0, stream.bytes.length - 1));
    const run = pipeline(Readable.from([cut]), decoderStream({ protocolVersion: stream.version }), async (source: AsyncIterable<Decoded>) => {
      for await (const _ of source);
    });
    await expect(run).rejects.toMatchObject({ name: 'DecodeError', code: 'decoder.ended-inside' });
  });

  test('a packet over maxPacketSize fails the stream', async () => {
    const run = pipeline(Readable.from([Buffer.from(hex(Uint8Array.of(0x30, 0x80, 0x01)), 'hex')]), decoderStream({ maxPacketSize: 64 }), async (source: AsyncIterable<Decoded>) => {
      for await (const _ of source);
    });
    await expect(run).rejects.toMatchObject({ code: 'decoder.too-large' });
  });
});
