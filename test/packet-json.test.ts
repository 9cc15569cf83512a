// decode's JSON is written by hand into bytes (src/cli/packet-json.ts, src/cli/byte-sink.ts): it must be exactly the
// text toJson (src/json-text.ts: JSON.stringify, plus escapes for what a terminal acts on) writes for the documented object, for any payload (control bytes, quotes, backslashes,
// non-ASCII, byte order marks, invalid UTF-8) and whatever the piece boundaries of the output.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ByteSink } from '../src/cli/byte-sink.js';
import { writePacketJson } from '../src/cli/packet-json.js';
import { problemText } from '../src/cli/decode-render.js';
import { decodeBytes } from '../src/capture/read.js';
import { encode } from '../src/mqtt/encode.js';
import { toJson } from '../src/json-text.js';

function written(f: (out: ByteSink) => void): { text: string; pieces: number } {
  const pieces: Uint8Array[] = [];
  const out = new ByteSink((piece) => pieces.push(typeof piece === 'string' ? Buffer.from(piece) : piece));
  f(out);
  out.flush(true);
  return { text: Buffer.concat(pieces).toString('utf8'), pieces: pieces.length };
}

function lineOf(bytes: Uint8Array, version: 4 | 5 = 4): string {
  const [p] = decodeBytes(bytes, { protocolVersion: version });
  return written((out) => writePacketJson(out, p!, p!.problems, (x) => problemText(x, 'en'), 'en')).text;
}

const publish = (payload: Uint8Array, topic = 't') => encode({ cmd: 'publish', topic, payload, qos: 0 } as never, { protocolVersion: 4 });
const utf8 = new TextDecoder('utf-8', { fatal: true });

describe('ByteSink', () => {
  test('hex is lowercase and equal to Buffer hex for every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(written((out) => out.hex(all)).text).toBe(Buffer.from(all).toString('hex'));
  });

  test('jsonUtf8 writes what toJson writes for every control byte, quote, backslash, C1 and format character', () => {
    const text = `${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')}"\\/\u007f é 中 😀 \u2028`;
    expect(written((out) => out.jsonUtf8(new TextEncoder().encode(text))).text).toBe(toJson(text));
    const hostile = 'é\u0085\u009b2J\u202e\u2066\u200b\ufeff\u2029\u{e0001}中';
    expect(written((out) => out.jsonUtf8(new TextEncoder().encode(hostile))).text).toBe(toJson(hostile));
    expect(JSON.parse(toJson(hostile))).toBe(hostile);
  });

  test('output larger than a piece is handed on in pieces, in order, nothing lost', () => {
    const big = 'x'.repeat(50_000);
    const r = written((out) => {
      for (let i = 0; i < 10; i++) {
        out.text(`${i}:`);
        out.jsonUtf8(new TextEncoder().encode(`${big}"\n`));
        out.hex(new Uint8Array(30_000).fill(i));
      }
    });
    let expected = '';
    for (let i = 0; i < 10; i++) expected += `${i}:${JSON.stringify(`${big}"\n`)}${Buffer.alloc(30_000, i).toString('hex')}`;
    expect(r.text).toBe(expected);
    expect(r.pieces).toBeGreaterThan(5);
  });
});

describe('a packet as JSON', () => {
  test('any payload: the line is toJson canonical, hex is the bytes, utf8 present exactly when the payload is UTF-8', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
          fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '\ufeff', '\u009b', '\u202e', '\u2028'), maxLength: 50 }).map((s) => new TextEncoder().encode(s)),
        ),
        fc.string({ unit: fc.constantFrom('a', '/', '"', '\\', '\t', 'ü', '\u0085', '\u2066'), minLength: 1, maxLength: 20 }),
        (payload, topic) => {
          const bytes = publish(payload, topic);
          const line = lineOf(bytes);
          const object = JSON.parse(line);
          expect(toJson(object)).toBe(line);
          expect(object.hex).toBe(Buffer.from(bytes).toString('hex'));
          expect(object.packet.topic).toBe(topic);
          let text: string | undefined;
          try {
            text = utf8.decode(payload);
          } catch {
            text = undefined;
          }
          expect(object.packet.payload).toEqual({ offset: bytes.length - payload.length, length: payload.length, ...(text === undefined ? {} : { utf8: text }) });
        },
      ),
      { numRuns: 300 },
    );
  });

  test('MQTT 5 properties, user properties and binary properties keep their shape', () => {
    const bytes = encode(
      {
        cmd: 'publish',
        topic: 't5',
        payload: new TextEncoder().encode('hi'),
        qos: 1,
        messageId: 3,
        properties: { correlationData: Uint8Array.from([1, 2, 0xff]), contentType: 'text/plain', userProperties: { a: 'b', c: ['d', 'e'] } },
      } as never,
      { protocolVersion: 5 },
    );
    const object = JSON.parse(lineOf(bytes, 5));
    expect(object.packet.properties).toEqual({ correlationData: { offset: expect.any(Number), length: 3 }, contentType: 'text/plain', userProperties: { a: 'b', c: ['d', 'e'] } });
    expect(object.fields.find((f: { name: string }) => f.name === 'Correlation Data')).toEqual({ name: 'Correlation Data', offset: expect.any(Number), length: 3 });
  });

  test('a malformed packet: type, packet null, no fields, its problems with their sentences', () => {
    const object = JSON.parse(lineOf(Uint8Array.from([0x30, 0x05, 0x00])));
    expect(object).toMatchObject({ type: null, packet: null, fields: [], hex: '300500' });
    expect(object.problems.length).toBeGreaterThan(0);
    expect(typeof object.problems[0].message).toBe('string');
  });
});
