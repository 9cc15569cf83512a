// The library as a careless or hostile caller uses it (a review found each of these): the encoder's shared pool,
// format() with any string, sign() with loosely typed params, packet names that are the caller's text.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import { Decoder, decode, decodeAll, encode, format, getSigner, sign } from '../src/index.js';
import { DecodeError, EncodeError, UsageError } from '../src/errors.js';
import { needsTools } from './helpers/tools.js';

const connect = { cmd: 'connect', clientId: 'c', username: 'u', password: 'SECRET-PASSWORD', keepalive: 60 } as const;
const publish = (payload: string) => ({ cmd: 'publish', topic: 't', payload, qos: 0, retain: false }) as const;

test("a CONNECT's credentials are in no other packet's .buffer; the pool starts zeroed", () => {
  const login = encode(connect);
  expect(login.buffer.byteLength).toBe(login.length);
  const pub = encode(publish('x'));
  expect(Buffer.from(pub.buffer).includes('SECRET-PASSWORD')).toBe(false);
  // What the pool holds beyond the packets written so far is zeros, not the process's old memory.
  const tail = new Uint8Array(pub.buffer, pub.byteOffset + pub.length + 8);
  expect(tail.every((b) => b === 0)).toBe(true);
});

test('a pool the caller transferred (detached) is replaced: the next encodes work and earlier packets are theirs', () => {
  const first = encode(publish('a'));
  structuredClone(first, { transfer: [first.buffer as ArrayBuffer] });
  for (let i = 0; i < 2000; i++) expect(Buffer.from(encode(publish(`p${i}`))).toString()).toContain(`p${i}`);
});

test('format() takes only its own styles: an unknown name or an Object.prototype key is a UsageError listing them', () => {
  const input = { packets: [{ name: 'connect', bytes: encode(connect) }] };
  for (const style of ['nope', 'toString', 'constructor', '__proto__', 42]) {
    expect(() => format(style as never, input), String(style)).toThrowError(UsageError);
    expect(() => format(style as never, input)).toThrowError(/is not a format: one of c, hex/);
  }
});

test("a packet's name (the caller's text) cannot end the comment the size report sits in, nor reach a terminal raw", () => {
  const bytes = encode(publish('x'));
  const python = format('python', { packets: [{ name: "pub\nprint('INJECTED') #", bytes }] }).output as string;
  expect(python.split('\n').filter((line) => line.startsWith('print('))).toEqual([]);
  const hex = format('hex', { packets: [{ name: 'p\u001b[31m', bytes }] });
  expect(JSON.stringify(hex)).not.toContain('\\u001b[31m');
});

needsTools(['python3']).test('the python output with a hostile packet name runs without running the name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-py-'));
  try {
    const file = join(dir, 'gen.py');
    writeFileSync(file, format('python', { packets: [{ name: "pub\nprint('INJECTED') #", bytes: encode(publish('x')) }] }).output as string);
    expect(execFileSync('python3', [file], { encoding: 'utf8' })).toBe('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sign() with params that are not strings, or no object at all, or a platform that is not a string: a UsageError naming it', () => {
  const ctx = { now: 1_700_000_000_000, random: 'r' };
  expect(() => sign('onenet-legacy', { deviceId: 123 as never, productId: '1', apiKey: 'k' }, ctx)).toThrowError(/--device-id must be a string, not a number/);
  expect(() => sign('azure', { connectionString: Buffer.from('x') as never }, ctx)).toThrowError(/--connection-string must be a string, not a object/);
  expect(() => sign('aliyun', null as never, ctx)).toThrowError(/aliyun: the params must be an object of strings, not null/);
  expect(() => sign(null as never, {}, ctx)).toThrowError(/unknown platform null; choose one of/);
  expect(() => sign('toString', {}, ctx)).toThrowError(UsageError);
});

test("a signer's verify() takes a decoded CONNECT as it is (its password a Uint8Array), as a library caller gets it from decode()", () => {
  const params = { productKey: 'a1B2c3D4e5F', deviceName: 'sensor01', deviceSecret: '0123456789abcdef0123456789abcdef', timestamp: '1700000000000' };
  const ctx = { now: 1_700_000_000_000, random: 'r' };
  const { credentials } = sign('aliyun', params, ctx);
  const packet = decode(encode({ cmd: 'connect', keepalive: 60, clientId: credentials.clientId, username: credentials.username!, password: credentials.password! })).packet;
  expect((packet as { password?: unknown }).password).toBeInstanceOf(Uint8Array);
  const aliyun = getSigner('aliyun');
  expect(aliyun.verify!(packet as never, params, { now: ctx.now }).ok).toBe(true);
  expect(aliyun.verify!(packet as never, { ...params, deviceSecret: 'ffffffffffffffffffffffffffffffff' }, { now: ctx.now }).ok).toBe(false);
});

test('a sparse array of codes or filters is refused at its hole: it was written as 0x00, or as an UNSUBSCRIBE with no filter', () => {
  const holes = <T>(length: number): T[] => new Array<T>(length);
  const cases: Array<[Record<string, unknown>, 4 | 5, string]> = [
    [{ cmd: 'suback', messageId: 1, granted: holes(1) }, 4, 'granted[0]'],
    [{ cmd: 'suback', messageId: 1, granted: [1, , 2] }, 5, 'granted[1]'],
    [{ cmd: 'unsuback', messageId: 1, granted: holes(2) }, 5, 'granted[0]'],
    [{ cmd: 'unsubscribe', messageId: 1, unsubscriptions: holes(1) }, 4, 'unsubscriptions[0]'],
    [{ cmd: 'unsubscribe', messageId: 1, unsubscriptions: ['a', , 'b'] }, 5, 'unsubscriptions[1]'],
  ];
  for (const [packet, protocolVersion, field] of cases) {
    let error: unknown;
    try {
      encode(packet as never, { protocolVersion });
    } catch (caught) {
      error = caught;
    }
    expect(error, `${String(packet.cmd)} ${field}`).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).field).toBe(field);
  }
});

test('properties or userProperties given as a Map, an array or a class instance are refused, naming the field: they were written as an empty list', () => {
  class Props {
    get contentType(): string {
      return 'text/plain';
    }
  }
  class Owned {
    reasonString = 'r';
  }
  const users = new Map([['k', 'v']]);
  const cases: Array<[Record<string, unknown>, 4 | 5, string, string]> = [
    [{ cmd: 'publish', topic: 't', payload: 'x', properties: new Map([['contentType', 'x']]) }, 5, 'properties', 'a Map'],
    [{ cmd: 'publish', topic: 't', payload: 'x', properties: { userProperties: users } }, 5, 'properties.userProperties', 'a Map'],
    [{ cmd: 'publish', topic: 't', payload: 'x', properties: new Props() }, 5, 'properties', 'a Props'],
    [{ cmd: 'publish', topic: 't', payload: 'x', properties: new Map([['contentType', 'x']]) }, 4, 'properties', 'a Map'],
    [{ cmd: 'connect', clientId: 'c', protocolVersion: 5, properties: { userProperties: new Owned() } }, 5, 'properties.userProperties', 'an Owned'],
    [{ cmd: 'connect', clientId: 'c', protocolVersion: 5, will: { topic: 'w', payload: 'x', properties: users } }, 5, 'will.properties', 'a Map'],
    [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 't', qos: 0 }], properties: Object.create({ subscriptionIdentifier: 1 }) }, 5, 'properties', 'an object'],
    [{ cmd: 'disconnect', reasonCode: 0, properties: [['reasonString', 'r']] }, 5, 'properties', 'an array'],
    [{ cmd: 'puback', messageId: 1, properties: new Owned() }, 5, 'properties', 'an Owned'],
    [{ cmd: 'puback', messageId: 1, properties: new Map() }, 4, 'properties', 'a Map'],
  ];
  for (const [packet, protocolVersion, field, shown] of cases) {
    let error: unknown;
    try {
      encode(packet as never, { protocolVersion });
    } catch (caught) {
      error = caught;
    }
    const name = `${String(packet.cmd)} v${protocolVersion} ${field}`;
    expect(error, name).toBeInstanceOf(EncodeError);
    expect({ code: (error as EncodeError).code, field: (error as EncodeError).field }, name).toEqual({ code: 'codec.encode.type', field });
    expect((error as EncodeError).message, name).toContain(`not ${shown}`);
  }
  // Plain objects still go: a literal, Object.create(null), and one made in another realm (a vm context, a frame).
  const bare = Object.assign(Object.create(null) as object, { contentType: 'x', userProperties: Object.assign(Object.create(null) as object, { k: 'v' }) });
  const foreign = runInNewContext('({ contentType: "x", userProperties: { k: "v" } })') as object;
  const literal = encode({ cmd: 'publish', topic: 't', payload: 'x', properties: { contentType: 'x', userProperties: { k: 'v' } } }, { protocolVersion: 5 });
  for (const properties of [bare, foreign]) {
    expect(encode({ cmd: 'publish', topic: 't', payload: 'x', properties } as never, { protocolVersion: 5 })).toEqual(literal);
  }
});

test('options that are not an options object (encode(packet, 5), a Map) are refused naming opts: they were read as none, and 3.1.1 written or read', () => {
  const publish5 = { cmd: 'publish', topic: 't', payload: 'x' } as const;
  const bytes = encode(publish5, { protocolVersion: 5 });
  const failures: Array<[() => unknown, string, string, string]> = [
    [() => encode(publish5, 5 as never), 'EncodeError', 'codec.encode.type', 'not 5'],
    [() => encode(publish5, new Map([['protocolVersion', 5]]) as never), 'EncodeError', 'codec.encode.type', 'not a Map'],
    [() => encode({ cmd: 'connect', clientId: 'c' }, '5' as never), 'EncodeError', 'codec.encode.type', 'not "5"'],
    [() => decode(bytes, 5 as never), 'DecodeError', 'codec.decode.options', 'not 5'],
    [() => decodeAll(bytes, [5] as never), 'DecodeError', 'codec.decode.options', 'not an array'],
    [() => new Decoder(5 as never), 'DecodeError', 'codec.decode.options', 'not 5'],
  ];
  for (const [run, name, code, shown] of failures) {
    let error: unknown;
    try {
      run();
    } catch (caught) {
      error = caught;
    }
    expect(error, String(run)).toBeInstanceOf(name === 'EncodeError' ? EncodeError : DecodeError);
    expect({ code: (error as EncodeError).code, field: (error as EncodeError).field }, String(run)).toEqual({ code, field: 'opts' });
    expect((error as EncodeError).message).toContain(shown);
    expect((error as EncodeError).localized('zh').message).toContain(shown.replace('not ', ''));
  }
  // Still fine: no options, null, {}, and a CONNECT whose own version the options agree with or leave alone.
  expect(encode({ cmd: 'pingreq' }, null as never)).toEqual(Uint8Array.of(0xc0, 0x00));
  expect(decode(Uint8Array.of(0xc0, 0x00), {}).packet).toEqual({ cmd: 'pingreq' });
  expect(encode({ cmd: 'connect', clientId: 'c', protocolVersion: 5 }, { protocolVersion: 4 })[8]).toBe(5);
  expect(encode({ cmd: 'connect', clientId: 'c' }, { protocolVersion: 4 })[8]).toBe(4);
});

test('a 3.1.1 UNSUBACK with granted null is no codes, as properties null is none (it threw a TypeError, not an EncodeError)', () => {
  for (const granted of [null, undefined, []]) {
    expect(encode({ cmd: 'unsuback', messageId: 1, granted: granted as never }, { protocolVersion: 4 }), String(granted)).toEqual(Uint8Array.of(0xb0, 0x02, 0x00, 0x01));
  }
});
