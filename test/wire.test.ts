// Byte primitives at their boundaries: the variable byte integer (named after the value, as in 3.1.1 Table 2.4),
// two- and four-byte integers, UTF-8 measuring and reading.
import { describe, expect, test } from 'vitest';
import { DecodeError, EncodeError } from '../src/errors.js';
import { encode } from '../src/mqtt/index.js';
import { ByteReader, ByteWriter, LONE_SURROGATE, NULL_CHAR, peekVarint, utf8Length, varintLength } from '../src/wire.js';
import { hex, unhex } from './helpers/mqtt-codec.js';

const varints: [number, string][] = [
  [0, '00'],
  [127, '7f'],
  [128, '8001'],
  [16383, 'ff7f'],
  [16384, '808001'],
  [2097151, 'ffff7f'],
  [2097152, '80808001'],
  [268435455, 'ffffff7f'],
];

function thrown(run: () => unknown): DecodeError | EncodeError {
  try {
    run();
  } catch (error) {
    return error as DecodeError;
  }
  throw new Error('did not throw');
}

const rules = { utf8: 'MQTT-1.5.3-1', nul: 'MQTT-1.5.3-2' };

describe('variable byte integer', () => {
  test.each(varints)('%i', (value, bytes) => {
    const w = new ByteWriter(4);
    w.varint(value);
    expect(hex(w.bytes)).toBe(bytes);
    expect(varintLength(value)).toBe(bytes.length / 2);
    const r = new ByteReader(unhex(bytes + 'ee'));
    expect(r.varint('Remaining Length')).toBe(value);
    expect(r.pos).toBe(bytes.length / 2);
  });

  test('268435456 cannot be encoded', () => {
    // A fifth byte is refused when read, and a value past the top is refused before anything is written.
    expect(thrown(() => new ByteReader(unhex('8080808001')).varint('Remaining Length')).code).toBe('codec.decode.varint-too-long');
    const error = thrown(() =>
      encode({ cmd: 'publish', topic: 't', payload: '', properties: { subscriptionIdentifier: 268435456 } }, { protocolVersion: 5 }),
    );
    expect(error).toBeInstanceOf(EncodeError);
    expect(error.code).toBe('codec.encode.range');
  });

  test.each(['8000', '808000', '80808000', 'ff8000'])('non-minimal %s is refused [MQTT-1.5.5-1]', (bytes) => {
    const error = thrown(() => new ByteReader(unhex(bytes)).varint('Property Length'));
    expect(error.code).toBe('codec.decode.varint-not-minimal');
    expect(error.params.rule).toBe('MQTT-1.5.5-1');
  });

  test.each([
    ['', 'incomplete'],
    ['80', 'incomplete'],
    ['ffffff', 'incomplete'],
    ['ffffffff', 'too-long'],
  ])('peek %s → %s', (bytes, result) => {
    expect(peekVarint(unhex(bytes), 0, bytes.length / 2)).toBe(result);
  });

  test('a truncated varint names its field and offset', () => {
    const error = thrown(() => new ByteReader(unhex('00ff'), 1).varint('Property Length'));
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.params).toMatchObject({ field: 'Property Length', offset: 1 });
  });
});

describe('fixed-size integers', () => {
  test.each([
    [0, '0000'],
    [255, '00ff'],
    [256, '0100'],
    [65535, 'ffff'],
  ])('u16 %i', (value, bytes) => {
    const w = new ByteWriter(2);
    w.u16(value);
    expect(hex(w.bytes)).toBe(bytes);
    expect(new ByteReader(unhex(bytes)).u16('x')).toBe(value);
  });

  test.each([
    [0, '00000000'],
    [0x7fffffff, '7fffffff'],
    [0x80000000, '80000000'],
    [0xffffffff, 'ffffffff'],
  ])('u32 %i', (value, bytes) => {
    const w = new ByteWriter(4);
    w.u32(value);
    expect(hex(w.bytes)).toBe(bytes);
    expect(new ByteReader(unhex(bytes)).u32('x')).toBe(value);
  });

  test('reads never pass the end, and say where they stopped', () => {
    const r = new ByteReader(unhex('0102030405'), 1, 4);
    expect(thrown(() => r.u32('Message Expiry Interval')).params).toMatchObject({ field: 'Message Expiry Interval', offset: 1, need: 4, have: 3 });
    expect(r.u16('Keep Alive')).toBe(0x0203);
    expect(thrown(() => r.u16('Packet Identifier')).params).toMatchObject({ offset: 3, need: 2, have: 1 });
    expect(thrown(() => r.raw(2, 'Payload')).code).toBe('codec.decode.truncated');
  });
});

describe('UTF-8', () => {
  test.each([
    ['', 0],
    ['MQTT', 4],
    ['é', 2],
    ['中文', 6],
    ['𪛔', 4],
    ['A𪛔', 5],
    ['\u{FEFF}x', 4],
  ])('utf8Length(%j) = %i', (text, length) => {
    expect(utf8Length(text)).toBe(length);
    expect(utf8Length(text)).toBe(Buffer.byteLength(text));
  });

  test.each([
    ['a\u0000b', NULL_CHAR],
    ['\ud869', LONE_SURROGATE],
    ['\ud869x', LONE_SURROGATE],
    ['\uded4', LONE_SURROGATE],
    ['x\uded4\ud869', LONE_SURROGATE],
  ])('utf8Length(%j) refuses', (text, result) => {
    expect(utf8Length(text)).toBe(result);
  });

  test.each([
    ['MQTT', '4d515454'],
    ['a-long-ascii-client-identifier-of-more-than-48-bytes', Buffer.from('a-long-ascii-client-identifier-of-more-than-48-bytes').toString('hex')],
    ['A𪛔', '41f0aa9b94'],
    ['\u{FEFF}BOM', 'efbbbf424f4d'],
  ])('%j round-trips, BOM kept [MQTT-1.5.4-3]', (text, bytes) => {
    const w = new ByteWriter(2 + bytes.length / 2);
    w.utf8(text, utf8Length(text));
    expect(hex(w.bytes)).toBe(hex(new Uint8Array([0, bytes.length / 2])) + bytes);
    const r = new ByteReader(w.bytes);
    expect(r.chars(r.u16('s'), 's', rules)).toBe(text);
  });

  test.each([
    ['c080', 'overlong NUL'],
    ['e08080', 'overlong'],
    ['eda080', 'encoded surrogate U+D800'],
    ['f4908080', 'past U+10FFFF'],
    ['ff', 'never valid'],
    ['c3', 'cut short'],
    ['80', 'lone continuation byte'],
  ])('%s (%s) is refused [MQTT-1.5.3-1]', (bytes) => {
    const error = thrown(() => new ByteReader(unhex('41' + bytes)).chars(1 + bytes.length / 2, 'Topic Name', rules));
    expect(error.code).toBe('codec.decode.utf8');
    expect(error.params).toMatchObject({ field: 'Topic Name', offset: 0, rule: 'MQTT-1.5.3-1' });
  });

  test('U+0000 is refused where it is [MQTT-1.5.3-2]', () => {
    const error = thrown(() => new ByteReader(unhex('41420043')).chars(4, 'Client Identifier', rules));
    expect(error.code).toBe('codec.decode.null-char');
    expect(error.params).toMatchObject({ offset: 2, rule: 'MQTT-1.5.3-2' });
  });

  test('a string longer than the data is refused before it is read', () => {
    const error = thrown(() => new ByteReader(unhex('4142')).chars(0xffff, 'User Name', rules));
    expect(error.params).toMatchObject({ field: 'User Name', need: 0xffff, have: 2 });
  });
});
