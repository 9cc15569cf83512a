// The byte-level fixture suite of mqttjs/mqtt-packet 9.0.2 (test.js at dd17095b, MIT), copied from
// shared/corpus/mqtt-packet-fixtures.json; each row keeps its source line. Every row runs: generate rows through
// encode, parse rows through decode, "both" rows through both and the mirror. Rows where mqtt-packet is looser
// than the spec are listed in `stricter` with the reason and what we do instead.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DecodeError, EncodeError } from '../src/errors.js';
import { decode, decodeAll, encode } from '../src/mqtt/index.js';
import type { Packet, ProtocolVersion } from '../src/mqtt/types.js';
import { expectTiled, hex, normalize, packetStarts, plainPacket, revive, unhex } from './helpers/mqtt-codec.js';

interface Fixture {
  name: string;
  kind: 'generate' | 'parse' | 'both';
  helper: string;
  protocolVersion: number | null;
  packet: Record<string, unknown> | null;
  bytes: string | null;
  bytesSpec?: { prefixHex: string; fillByte: number; fillLength: number; totalLength: number };
  error?: string;
  opts: { protocolVersion?: ProtocolVersion } | null;
  chunks?: string[];
  expectedPacketsBeforeError?: number;
  source: { line: number };
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/mqtt-packet-fixtures.json', import.meta.url), 'utf8')) as Fixture[];

/**
 * Rows mqtt-packet accepts but the spec forbids, keyed by name. We refuse them; `code` is what we throw.
 */
const stricter: Record<string, { reason: string; code: string; offset?: number }> = {
  'Version 4 CONACK in Version 5 mode': {
    reason: 'a 5.0 CONNACK has no short form: the Property Length is required (5.0 §3.2.2.3), and 0x01 is no 5.0 CONNACK reason code',
    code: 'codec.decode.value',
    offset: 3,
  },
  'Version 5 CONNACK test 1': {
    reason: 'a 5.0 CONNACK needs its reason code and Property Length (5.0 §3.2.2); Remaining Length 1 is malformed',
    code: 'codec.decode.truncated',
    offset: 3,
  },
  'Version 5 CONNACK test 2': {
    reason: 'a 5.0 CONNACK needs its Property Length (5.0 §3.2.2.3); only PUBACK-family, DISCONNECT and AUTH may leave it out',
    code: 'codec.decode.truncated',
    offset: 4,
  },
  'connack MQTT 5 with properties': {
    reason: 'Maximum QoS may only be 0 or 1 (5.0 §3.2.2.3.4: a value other than 0 or 1 is a Protocol Error)',
    code: 'codec.decode.value',
  },
  'connack MQTT 5 with properties and doubled user properties': {
    reason: 'Maximum QoS may only be 0 or 1 (5.0 §3.2.2.3.4)',
    code: 'codec.decode.value',
  },
  'connect MQTT bridge 132': {
    reason: 'MQIsdp is the 3.1 protocol name; level 4 (3.1.1, here 0x84 with the bridge bit) needs MQTT [MQTT-3.1.2-1]',
    code: 'codec.decode.protocol-mismatch',
    offset: 4,
  },
  'Max payload publish packet': {
    reason: 'not looser, only huge: 268,435,460 bytes; checked by its own test below instead of as hex',
    code: '',
  },
};

/**
 * Our error code for each of mqtt-packet's error messages (kind:message, matched in order). Where the bytes of a
 * row break an earlier rule than the one mqtt-packet's test aims at, the code is for that earlier rule:
 * "Connect flag bit 0…" and the Will rows pair the name MQTT with level 3 (protocol-mismatch), and the "Cannot
 * parse will topic / will payload / password" rows put 00 00 inside a string (null-char).
 */
const ourCodes: [RegExp, string][] = [
  [/^generate:(Unknown|Invalid) command$/, 'codec.encode.unknown-cmd'],
  [/^generate:Invalid protocolId$/, 'codec.encode.protocol-mismatch'],
  [/^generate:Invalid protocol version$/, 'codec.encode.version-option'],
  [/^generate:clientId must be/, 'codec.encode.client-id-required'],
  [/^generate:Invalid (will|will topic|will payload|username|password|unsubscriptions)$/, 'codec.encode.type'],
  [/^generate:Username is required to use password$/, 'codec.encode.password-without-username'],
  [/^generate:Invalid variable byte integer: 268435456$/, 'codec.encode.too-large'],
  [/^generate:Invalid (return code|keepalive|messageId|\w+: -?\d+)$/, 'codec.encode.range'],
  [/^parse:Not supported/, 'codec.decode.packet-type'],
  [/^parse:Invalid variable byte integer$/, 'codec.decode.varint-too-long'],
  [/^parse:(Cannot parse (protocolId|username|property code type)|Packet too short|Malformed \w+, no payload|Malformed unsuback, payload length)/, 'codec.decode.truncated'],
  [/^parse:(Cannot parse (will topic|will payload|password)|Malformed Subscribe Payload)$/, 'codec.decode.null-char'],
  [/^parse:(Connect flag bit 0|Will Retain Flag|Will QoS)/, 'codec.decode.protocol-mismatch'],
  [/^parse:Invalid header flag bits/, 'codec.decode.header-flags'],
  [/^parse:Invalid (connack flags|subscribe topic flag bits)/, 'codec.decode.reserved-bits'],
  [/^parse:(Packet must not have both QoS bits|Invalid (\w+ reason code|subscribe QoS|retain handling|suback QoS|suback code|unsuback code))/, 'codec.decode.value'],
  [/^parse:Invalid protocolId$/, 'codec.decode.protocol-name'],
  [/^parse:Invalid protocol version$/, 'codec.decode.protocol-level'],
  [/^parse:Unknown property$/, 'codec.decode.property-unknown'],
];

function ourCode(f: Fixture): string {
  const key = `${f.kind}:${f.error}`;
  const hit = ourCodes.find(([pattern]) => pattern.test(key));
  if (!hit) throw new Error(`no code mapped for ${key}`);
  return hit[1];
}

function thrown(run: () => unknown): { code?: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string };
  }
  return {};
}

function version(f: Fixture): ProtocolVersion {
  return f.opts?.protocolVersion ?? 4;
}

function expected(f: Fixture): Packet {
  return revive(f.packet) as Packet;
}

const rows = fixtures.map((f, i) => ({ ...f, title: `${i} ${f.kind} ${f.name} (test.js:${f.source.line})` }));

describe('mqtt-packet fixtures', () => {
  test('the copy is complete', () => {
    expect(fixtures).toHaveLength(179);
    for (const name of Object.keys(stricter)) expect(fixtures.some((f) => f.name === name), name).toBe(true);
  });

  const good = rows.filter((f) => !f.error && f.bytes !== null && !stricter[f.name]);

  test.each(good.filter((f) => f.kind !== 'parse'))('encode $title', (f) => {
    expect(hex(encode(expected(f), { protocolVersion: version(f) }))).toBe(f.bytes);
  });

  test.each(good.filter((f) => f.kind !== 'generate'))('decode $title', (f) => {
    const bytes = unhex(f.chunks ? f.chunks.join('') : f.bytes!);
    const decoded = decode(bytes, { protocolVersion: version(f) });
    expect(plainPacket(decoded.packet)).toEqual(normalize(expected(f)));
    expect(decoded.length).toBe(bytes.length);
    expectTiled(decoded.fields, 0, bytes.length);
  });

  test.each(good.filter((f) => f.kind === 'both'))('mirror $title', (f) => {
    const opts = { protocolVersion: version(f) };
    const bytes = unhex(f.bytes!);
    expect(hex(encode(decode(bytes, opts).packet, opts))).toBe(f.bytes);
    expect(plainPacket(decode(encode(expected(f), opts), opts).packet)).toEqual(normalize(expected(f)));
  });

  test.each(rows.filter((f) => f.error && f.kind === 'generate'))('refuse to encode $title', (f) => {
    const error = thrown(() => encode(expected(f), { protocolVersion: version(f) }));
    expect(error).toBeInstanceOf(EncodeError);
    expect(error.code).toBe(ourCode(f));
  });

  test.each(rows.filter((f) => f.error && f.kind === 'parse' && f.expectedPacketsBeforeError === undefined))('refuse to decode $title', (f) => {
    const error = thrown(() => decode(unhex(f.bytes!), { protocolVersion: version(f) }));
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.code).toBe(ourCode(f));
  });

  test.each(rows.filter((f) => f.expectedPacketsBeforeError !== undefined))('stream stops at the bad packet: $title', (f) => {
    const bytes = unhex(f.bytes!);
    const opts = { protocolVersion: version(f) };
    const n = f.expectedPacketsBeforeError!;
    const starts = packetStarts(bytes);
    // The packets before the bad one decode as a stream; adding the bad one throws, pointing inside it.
    expect(decodeAll(bytes.subarray(0, starts[n]), opts).packets).toHaveLength(n);
    const error = thrown(() => decodeAll(bytes.subarray(0, starts[n + 1]), opts));
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).offset).toBeGreaterThanOrEqual(starts[n]!);
    expect((error as DecodeError).offset).toBeLessThan(starts[n + 1]!);
  });

  test.each(rows.filter((f) => stricter[f.name]?.code))('stricter than mqtt-packet: $title', (f) => {
    const rule = stricter[f.name]!;
    const error = thrown(() => decode(unhex(f.bytes!), { protocolVersion: version(f) }));
    expect(error, rule.reason).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).code).toBe(rule.code);
    if (rule.offset !== undefined) expect((error as DecodeError).offset).toBe(rule.offset);
    if (f.kind !== 'parse') expect(() => encode(expected(f), { protocolVersion: version(f) }), rule.reason).toThrow(EncodeError);
  });

  test('Max payload publish packet: a Remaining Length of 268,435,455 encodes and decodes', () => {
    const f = fixtures.find((x) => x.name === 'Max payload publish packet')!;
    const spec = f.bytesSpec!;
    const packet = expected(f) as Packet & { payload: Uint8Array };
    const bytes = encode(packet);
    expect(bytes.length).toBe(spec.totalLength);
    expect(hex(bytes.subarray(0, spec.prefixHex.length / 2))).toBe(spec.prefixHex);
    const decoded = decode(bytes);
    expect(decoded.length).toBe(spec.totalLength);
    const payload = (decoded.packet as { payload: Uint8Array }).payload;
    expect(payload.length).toBe(spec.fillLength);
    // A view into the input, not a 256 MiB copy.
    expect(payload.buffer).toBe(bytes.buffer);
  });
});
