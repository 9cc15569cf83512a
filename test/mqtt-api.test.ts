// The public codec surface as other parts use it: the root exports, connectFrom, decodeAll's framing and version
// carrying, Buffer input, and the fields (names, offsets, bits) the table renderer prints.
import { describe, expect, test } from 'vitest';
import * as root from '../src/index.js';
import { DecodeError, EncodeError } from '../src/errors.js';
import { connectFrom, decode, decodeAll, encode, encodeInto, validTopicFilter, validTopicName } from '../src/mqtt/index.js';
import type { Field } from '../src/mqtt/types.js';
import { expectTiled, hex, unhex } from './helpers/mqtt-codec.js';

const rows = (fields: Field[]) => fields.map((f) => [f.name, f.offset, f.length, f.value]);

describe('the package root', () => {
  test('exports the codec', () => {
    for (const name of ['encode', 'decode', 'decodeAll', 'connectFrom', 'validTopicName', 'validTopicFilter', 'connackReturnCodes', 'reasonCodes', 'packetReasonCodes']) {
      expect(root, name).toHaveProperty(name);
    }
  });
});

test('packetReasonCodes reads as a plain table, though each packet\'s is made on its first read', () => {
  const { packetReasonCodes, reasonCodes } = root;
  expect(Object.keys(packetReasonCodes)).toEqual(['connack', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback', 'disconnect', 'auth']);
  expect(packetReasonCodes.connack).toBe(packetReasonCodes.connack);
  const copy = JSON.parse(JSON.stringify(packetReasonCodes)) as Record<string, Record<string, string>>;
  expect(copy.disconnect!['0']).toBe('Normal disconnection');
  expect(copy.suback!['0']).toBe('Granted QoS 0');
  expect(copy.pubrel).toEqual({ 0: reasonCodes[0], 146: reasonCodes[0x92] });
  expect(Object.keys(copy.connack!)).toHaveLength(22);
});

describe('encodeInto', () => {
  test('a packet refused before it is sized leaves no target behind for the next encode', () => {
    const target = new Uint8Array(64).fill(0xee);
    expect(() => encodeInto({ cmd: 'publish', topic: 'a', qos: 3 } as never, target)).toThrow(EncodeError);
    const bytes = encode({ cmd: 'pingreq' });
    expect(bytes.buffer).not.toBe(target.buffer);
    expect(target.every((b) => b === 0xee)).toBe(true);
  });

  test('names the buffer and the room left when the packet does not fit', () => {
    expect(() => encodeInto({ cmd: 'pingreq' }, new Uint8Array(4), 3)).toThrow(/2 bytes but the target buffer has room for 1/);
    expect(() => encodeInto({ cmd: 'pingreq' }, new Uint8Array(4), 5)).toThrow(EncodeError);
  });
});

describe('connectFrom', () => {
  test('credentials and defaults: 3.1.1, keepalive 60, clean session', () => {
    const packet = connectFrom({ clientId: 'dev1', username: 'u', password: 'p' });
    expect(packet).toEqual({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60, clientId: 'dev1', username: 'u', password: 'p' });
    expect(hex(encode(packet))).toBe('101600044d51545404c2003c000464657631000175000170');
  });

  test('null and missing user name and password leave their flags clear', () => {
    expect(connectFrom({ clientId: 'x', username: null, password: null })).not.toHaveProperty('username');
    expect(hex(encode(connectFrom({ clientId: 'x' })))).toBe('100d00044d5154540402003c000178');
  });

  test('3.1 takes MQIsdp; 5.0 carries properties and a will', () => {
    expect(connectFrom({ clientId: 'x' }, { protocolVersion: 3 }).protocolId).toBe('MQIsdp');
    const packet = connectFrom(
      { clientId: 'x', password: new Uint8Array([1, 2]) },
      { protocolVersion: 5, keepalive: 30, clean: false, will: { topic: 'w', payload: 'bye', qos: 1 }, properties: { sessionExpiryInterval: 60 } },
    );
    const decoded = decode(encode(packet));
    expect(decoded.packet).toMatchObject({ protocolVersion: 5, keepalive: 30, clean: false, will: { topic: 'w', qos: 1 }, properties: { sessionExpiryInterval: 60 } });
  });
});

describe('decodeAll', () => {
  test('frames line up with packets; an incomplete tail is returned; the version carries over', () => {
    const connect = encode({ cmd: 'connect', protocolVersion: 5, clientId: 'c' });
    const puback = encode({ cmd: 'puback', messageId: 7, reasonCode: 0x10 }, { protocolVersion: 5 });
    const bytes = new Uint8Array([...connect, ...puback, 0xe0]);
    const first = decodeAll(bytes);
    expect(first.packets.map((p) => p.cmd)).toEqual(['connect', 'puback']);
    expect(first.packets[1]).toEqual({ cmd: 'puback', messageId: 7, reasonCode: 0x10 });
    expect(first.frames.map((f) => [f.offset, f.length])).toEqual([
      [0, connect.length],
      [connect.length, puback.length],
    ]);
    expect(hex(first.rest)).toBe('e0');
    expect(first.protocolVersion).toBe(5);
    // The next call on the same stream picks up where this one stopped, in the version it ended with.
    const next = decodeAll(new Uint8Array([...first.rest, 0x00]), { protocolVersion: first.protocolVersion });
    expect(next.packets).toEqual([{ cmd: 'disconnect', reasonCode: 0 }]);
    expect(next.rest.length).toBe(0);
  });

  test('a stream error names the absolute offset', () => {
    const bytes = unhex('c000' + 'd000' + 'c1 00'.replace(' ', ''));
    let error: DecodeError | undefined;
    try {
      decodeAll(bytes);
    } catch (e) {
      error = e as DecodeError;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect(error!.offset).toBe(4);
  });

  test('an empty input is an empty stream', () => {
    expect(decodeAll(new Uint8Array())).toEqual({ packets: [], frames: [], rest: new Uint8Array(), protocolVersion: 4 });
  });
});

describe('input', () => {
  test('a Buffer decodes to plain Uint8Array fields', () => {
    const { packet } = decode(Buffer.from('3005000174' + '6869', 'hex'));
    expect(packet).toEqual({ cmd: 'publish', topic: 't', payload: new Uint8Array([0x68, 0x69]), qos: 0, dup: false, retain: false });
    expect((packet as { payload: Uint8Array }).payload.constructor).toBe(Uint8Array);
  });

  test('a Buffer works as a binary field to encode', () => {
    expect(hex(encode({ cmd: 'publish', topic: 't', payload: Buffer.from('hi') }))).toBe('30050001746869');
  });

  test('what is not bytes is a DecodeError', () => {
    expect(() => decode('3000' as unknown as Uint8Array)).toThrow(DecodeError);
  });
});

describe('fields', () => {
  test('a 3.1.1 CONNECT, row by row', () => {
    const bytes = encode({ cmd: 'connect', clientId: 'id', username: 'u', password: 'pw', keepalive: 60, will: { topic: 't', payload: 'm', qos: 1, retain: true } });
    const { fields } = decode(bytes);
    expect(rows(fields)).toEqual([
      ['Packet Type', 0, 1, 'CONNECT'],
      ['Remaining Length', 1, 1, bytes.length - 2],
      ['Protocol Name Length', 2, 2, 4],
      ['Protocol Name', 4, 4, 'MQTT'],
      ['Protocol Level', 8, 1, 4],
      ['Connect Flags', 9, 1, 0xee],
      ['Keep Alive', 10, 2, 60],
      ['Client Identifier Length', 12, 2, 2],
      ['Client Identifier', 14, 2, 'id'],
      ['Will Topic Length', 16, 2, 1],
      ['Will Topic', 18, 1, 't'],
      ['Will Message Length', 19, 2, 1],
      ['Will Message', 21, 1, '6d'],
      ['User Name Length', 22, 2, 1],
      ['User Name', 24, 1, 'u'],
      ['Password Length', 25, 2, 2],
      ['Password', 27, 2, '7077'],
    ]);
    expect(fields[0]!.bits).toEqual([
      { bit: 4, width: 4, name: 'Packet Type', value: 1 },
      { bit: 0, width: 4, name: 'Reserved', value: 0 },
    ]);
    expect(fields[5]!.bits).toEqual([
      { bit: 7, name: 'User Name Flag', value: 1 },
      { bit: 6, name: 'Password Flag', value: 1 },
      { bit: 5, name: 'Will Retain', value: 1 },
      { bit: 3, width: 2, name: 'Will QoS', value: 1 },
      { bit: 2, name: 'Will Flag', value: 1 },
      { bit: 1, name: 'Clean Session', value: 1 },
      { bit: 0, name: 'Reserved', value: 0 },
    ]);
  });

  test('5.0 names: Protocol Version, Clean Start, properties by their spec names', () => {
    const bytes = encode({ cmd: 'connect', protocolVersion: 5, clientId: '', properties: { sessionExpiryInterval: 10, userProperties: { k: 'v' } } });
    const { fields } = decode(bytes);
    expect(fields.map((f) => f.name)).toEqual([
      'Packet Type',
      'Remaining Length',
      'Protocol Name Length',
      'Protocol Name',
      'Protocol Version',
      'Connect Flags',
      'Keep Alive',
      'Property Length',
      'Property Identifier',
      'Session Expiry Interval',
      'Property Identifier',
      'User Property Name Length',
      'User Property Name',
      'User Property Value Length',
      'User Property Value',
      'Client Identifier Length',
      'Client Identifier',
    ]);
    expect(fields.find((f) => f.name === 'Connect Flags')!.bits![5]).toEqual({ bit: 1, name: 'Clean Start', value: 1 });
    expect(fields.filter((f) => f.name === 'Property Identifier').map((f) => f.value)).toEqual(['Session Expiry Interval', 'User Property']);
    // An empty client id is a zero-length field at the end: the rows still tile the packet.
    expect(fields.at(-1)).toEqual({ name: 'Client Identifier', offset: bytes.length, length: 0, value: '' });
    expectTiled(fields, 0, bytes.length);
  });

  test('PUBLISH header bits and a 5.0 SUBSCRIBE options byte', () => {
    const publish = decode(unhex('3b0700017400016869'));
    expect(publish.fields[0]!.bits).toEqual([
      { bit: 4, width: 4, name: 'Packet Type', value: 3 },
      { bit: 3, name: 'DUP', value: 1 },
      { bit: 1, width: 2, name: 'QoS', value: 1 },
      { bit: 0, name: 'RETAIN', value: 1 },
    ]);
    expect(rows(publish.fields).slice(2)).toEqual([
      ['Topic Name Length', 2, 2, 1],
      ['Topic Name', 4, 1, 't'],
      ['Packet Identifier', 5, 2, 1],
      ['Payload', 7, 2, '6869'],
    ]);
    const subscribe = decode(encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 1, nl: true, rap: false, rh: 2 }] }, { protocolVersion: 5 }), { protocolVersion: 5 });
    expect(subscribe.fields.at(-1)).toMatchObject({
      name: 'Subscription Options',
      value: 0x25,
      bits: [
        { bit: 6, width: 2, name: 'Reserved', value: 0 },
        { bit: 4, width: 2, name: 'Retain Handling', value: 2 },
        { bit: 3, name: 'Retain As Published', value: 0 },
        { bit: 2, name: 'No Local', value: 1 },
        { bit: 0, width: 2, name: 'Maximum QoS', value: 1 },
      ],
    });
  });

  test('3.x says Return Code, 5.0 says Reason Code', () => {
    expect(decode(unhex('20020005')).fields.at(-1)).toEqual({ name: 'Return Code', offset: 3, length: 1, value: 5 });
    expect(decode(unhex('2003008700'), { protocolVersion: 5 }).fields.map((f) => f.name).slice(2)).toEqual(['Connect Acknowledge Flags', 'Reason Code', 'Property Length']);
  });

  test('fields are computed once, when asked for', () => {
    const decoded = decode(unhex('c000'));
    expect(decoded.fields).toBe(decoded.fields);
  });
});

describe('topic predicates', () => {
  test.each([
    ['a/b', true, true],
    ['/', true, true],
    ['a/+/c', false, true],
    ['+', false, true],
    ['#', false, true],
    ['a/#', false, true],
    ['a/#/b', false, false],
    ['a#', false, false],
    ['a+/b', false, false],
    ['', false, false],
    ['a\u0000b', false, false],
  ])('%j: name %s, filter %s', (topic, name, filter) => {
    expect(validTopicName(topic)).toBe(name);
    expect(validTopicFilter(topic)).toBe(filter);
  });
});
