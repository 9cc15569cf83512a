// Byte examples from the MQTT 3.1.1 OASIS standard, copied from shared/corpus/mqtt-spec-examples.json (its
// `source` names the document; each row names its figure or table). Fragments are checked where they live: a
// Remaining Length through the varint primitives, a variable header or payload inside the smallest packet that
// carries it, a fixed header as the first bytes of the matching packet.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { decode, encode } from '../src/mqtt/index.js';
import type { Packet } from '../src/mqtt/types.js';
import { ByteReader, ByteWriter, peekVarint } from '../src/wire.js';
import { expectTiled, hex, normalize, plainPacket, revive, unhex } from './helpers/mqtt-codec.js';

interface Example {
  name: string;
  kind: string;
  hex: string;
  specRef: string;
  value?: unknown;
  packet?: Record<string, unknown>;
}

const corpus = JSON.parse(readFileSync(new URL('./fixtures/mqtt-spec-examples.json', import.meta.url), 'utf8')) as {
  count: number;
  examples: Example[];
};
const of = (kind: string) => corpus.examples.filter((e) => e.kind === kind).map((e) => ({ ...e, title: `${e.specRef}: ${e.name}` }));

/** Remaining Length of a body given as hex, as a hex varint. */
function withHeader(first: string, body: string): Uint8Array {
  const w = new ByteWriter(5);
  w.varint(body.length / 2);
  return unhex(first + hex(w.bytes) + body);
}

const utf8Rules = { utf8: 'MQTT-1.5.3-1', nul: 'MQTT-1.5.3-2' };

describe('MQTT 3.1.1 spec examples', () => {
  test('the copy is complete', () => {
    expect(corpus.examples).toHaveLength(corpus.count);
  });

  test.each(of('fragment:utf8-string'))('$title', (e) => {
    const r = new ByteReader(unhex(e.hex));
    expect(r.chars(r.u16('s'), 's', utf8Rules)).toBe(e.value);
    expect(r.remaining).toBe(0);
  });

  test.each(of('fragment:connect-protocol-name'))('$title', (e) => {
    const r = new ByteReader(unhex(e.hex));
    expect(r.chars(r.u16('s'), 's', utf8Rules)).toBe('MQTT');
  });

  test.each(of('fragment:remaining-length'))('$title', (e) => {
    const w = new ByteWriter(4);
    w.varint(e.value as number);
    expect(hex(w.bytes)).toBe(e.hex);
    expect(peekVarint(unhex(e.hex), 0, e.hex.length / 2)).toEqual({ value: e.value, length: e.hex.length / 2 });
  });

  test.each(of('fragment:remaining-length-invalid'))('$title', () => {
    // No byte form exists: a fifth length byte is refused. (Encoding a packet this large is refused too: see the
    // mqtt-packet fixture "Length var byte integer over max allowed value throws error".)
    expect(peekVarint(unhex('ffffffff01'), 0, 5)).toBe('too-long');
    expect(() => decode(unhex('30ffffffff01'))).toThrow(/at most 4 bytes/);
  });

  test.each(of('fragment:connect-variable-header'))('$title', (e) => {
    // Flags ce: user name, password, will QoS 1, will, clean session; the payload carries each field they announce.
    const bytes = withHeader('10', e.hex + '0000' + '000161' + '0000' + '0000' + '0000');
    const { packet, fields } = decode(bytes);
    const v = e.value as { keepAlive: number; connectFlags: Record<string, number | boolean> };
    expect(packet).toMatchObject({ protocolId: 'MQTT', protocolVersion: 4, keepalive: v.keepAlive, clean: true, username: '' });
    const bits = Object.fromEntries(fields.find((f) => f.name === 'Connect Flags')!.bits!.map((b) => [b.name, b.value]));
    const flags = v.connectFlags;
    expect(bits).toEqual({
      'User Name Flag': Number(flags.username),
      'Password Flag': Number(flags.password),
      'Will Retain': Number(flags.willRetain),
      'Will QoS': flags.willQos,
      'Will Flag': Number(flags.will),
      'Clean Session': Number(flags.cleanSession),
      Reserved: flags.reserved,
    });
    expectTiled(fields, 0, bytes.length);
  });

  test.each(of('fragment:publish-variable-header'))('$title', (e) => {
    const { packet } = decode(withHeader('32', e.hex));
    const v = e.value as { topic: string; packetId: number };
    expect(packet).toMatchObject({ cmd: 'publish', qos: 1, topic: v.topic, messageId: v.packetId, payload: new Uint8Array() });
  });

  test.each(of('fragment:packet-id'))('$title', (e) => {
    expect(decode(withHeader('40', e.hex)).packet).toEqual({ cmd: 'puback', messageId: e.value });
  });

  test.each(of('fragment:subscribe-payload'))('$title', (e) => {
    expect(decode(withHeader('82', '000a' + e.hex)).packet).toEqual({ cmd: 'subscribe', messageId: 10, subscriptions: e.value });
  });

  test.each(of('fragment:suback-payload'))('$title', (e) => {
    expect(decode(withHeader('90', '000a' + e.hex)).packet).toEqual({ cmd: 'suback', messageId: 10, granted: e.value });
  });

  test.each(of('fragment:unsubscribe-payload'))('$title', (e) => {
    expect(decode(withHeader('a2', '000a' + e.hex)).packet).toEqual({ cmd: 'unsubscribe', messageId: 10, unsubscriptions: e.value });
  });

  /** The smallest packet of each type whose encoding starts with the figure's fixed header. */
  const smallest: Record<string, Packet> = {
    CONNECT: { cmd: 'connect', clientId: 'c' },
    PUBACK: { cmd: 'puback', messageId: 10 },
    PUBREC: { cmd: 'pubrec', messageId: 10 },
    PUBREL: { cmd: 'pubrel', messageId: 10 },
    PUBCOMP: { cmd: 'pubcomp', messageId: 10 },
    SUBSCRIBE: { cmd: 'subscribe', messageId: 10, subscriptions: [{ topic: 'a', qos: 0 }] },
    SUBACK: { cmd: 'suback', messageId: 10, granted: [0] },
    UNSUBSCRIBE: { cmd: 'unsubscribe', messageId: 10, unsubscriptions: ['a'] },
    UNSUBACK: { cmd: 'unsuback', messageId: 10 },
  };

  test.each(of('fragment:fixed-header'))('$title', (e) => {
    const packet = smallest[e.name.split(' ')[0]!]!;
    expect(hex(encode(packet)).slice(0, e.hex.length)).toBe(e.hex);
  });

  test.each(of('packet'))('$title', (e) => {
    const decoded = decode(unhex(e.hex));
    expect(hex(encode(decoded.packet))).toBe(e.hex);
    expectTiled(decoded.fields, 0, e.hex.length / 2);
  });

  test.each(of('packet:composed'))('$title', (e) => {
    const packet = revive(e.packet) as Packet;
    expect(hex(encode(packet))).toBe(e.hex);
    const decoded = decode(unhex(e.hex));
    expect(plainPacket(decoded.packet)).toEqual(normalize(packet));
    expectTiled(decoded.fields, 0, e.hex.length / 2);
  });
});
