// Tencent PSK signer: the shared vectors, defaults, bad input, the report envelope, and verify's named mistakes.
// test/fixtures/vectors/tencent.json is a verbatim copy of shared/vectors/tencent.json (sources in each row).
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { connectFrom, encode, getSigner, sign } from '../../src/index.js';
import vectors from '../fixtures/vectors/tencent.json' with { type: 'json' };
import { signJson } from './_cli.js';

const tencent = getSigner('tencent');
type Vector = (typeof vectors)[number];

/** The vector's inputs as sign() params; `now` is ten minutes before the vector's expiry. */
function fromVector(v: Vector) {
  const i = v.inputs;
  const params = { productId: i.productId, deviceName: i.deviceName, psk: i.psk, signMethod: i.signMethod, expires: i.expiry, connId: i.connid, sdkappid: i.sdkappid };
  return { params, now: (Number(i.expiry) - 600) * 1000 };
}

const base = { productId: 'ABCDEF1234', deviceName: 'dev001', psk: 'MDEyMzQ1Njc4OWFiY2RlZg==' };
const NOW = Date.UTC(2024, 5, 15, 12, 0, 0); // 1718452800 s
const ctx = { now: NOW, random: 'q7Z2kx9' };

describe('tencent.json vectors', () => {
  test.each(vectors)('$name: credentials and endpoint', (v) => {
    const { params, now } = fromVector(v);
    const r = sign('tencent', params, { now });
    expect(r.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([r.broker.host, r.broker.port, r.broker.tls]).toEqual([v.expected.host, v.expected.port, false]);
  });

  // The path the CLI takes: the signer's credentials → connectFrom → encode.
  test.each(vectors)('$name: CONNECT bytes', (v) => {
    const { params, now } = fromVector(v);
    const c = v.connect;
    const packet = connectFrom(sign('tencent', params, { now }).credentials, { protocolVersion: c.protocolLevel as 4, clean: c.cleanSession, keepalive: c.keepAlive });
    expect(Buffer.from(encode(packet)).toString('hex')).toBe(c.packetHex);
  });

  test.each(vectors)('$name: verify accepts the vector login', (v) => {
    const { params, now } = fromVector(v);
    const result = tencent.verify!({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password, keepalive: 60, protocolVersion: 4 }, params, { now });
    expect(result.fields.filter((f) => !f.ok)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('tencent.json vectors through the CLI', () => {
  test.each(vectors)('$name: mqtt-sign tencent … --format json', async (v) => {
    const i = v.inputs;
    const argv = ['tencent', '--product', i.productId, '--device', i.deviceName, '--psk', i.psk, '--sign-method', i.signMethod, '--expires', i.expiry, '--conn-id', i.connid, '--sdkappid', i.sdkappid, '--keepalive', String(v.connect.keepAlive)];
    const doc = await signJson(argv, fromVector(v).now);
    expect(doc.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([doc.broker.host, doc.broker.port]).toEqual([v.expected.host, v.expected.port]);
    expect(doc.packets.map((p) => p.hex)).toEqual([v.connect.packetHex]);
  });
});

describe('defaults', () => {
  test('expiry is now + 3600 s, connid comes from ctx.random, sdkappid 12010126', () => {
    const r = sign('tencent', base, ctx);
    expect(r.credentials.username).toBe('ABCDEF1234dev001;12010126;q7Z2k;1718456400');
    expect(r.rules.expiresAt).toBe(1718456400);
    // A one-hour credential is worth a warning (lint), with the moment it expires.
    expect(r.warnings.map((w) => w.code)).toContain('lint.expiry.soon');
    expect(r.broker).toEqual({
      host: 'ABCDEF1234.iotcloud.tencentdevices.com',
      port: 1883,
      tls: false,
      url: 'mqtt://ABCDEF1234.iotcloud.tencentdevices.com:1883',
      websocket: 'ws://ABCDEF1234.ap-guangzhou.iothub.tencentdevices.com:80/mqtt',
      // src/platforms/_websocket.ts: the page names no path
      websocketUnverified: true,
    });
    expect(r.rules).toMatchObject({ keepalive: { min: 0, max: 900 }, qos: [0, 1], retain: false, will: false, protocolVersions: [4], tlsRequired: false });
  });

  test('connid skips non-alphanumerics in the randomness', () => {
    expect(sign('tencent', base, { now: NOW, random: 'a-b_c/d.e9' }).credentials.username?.split(';')[2]).toBe('abcde');
  });

  test('--ttl sets the lifetime', () => {
    expect(sign('tencent', { ...base, ttl: '86400' }, ctx).rules.expiresAt).toBe(1718452800 + 86400);
  });

  test('--static signs the C SDK never-expire value and says so', () => {
    const r = sign('tencent', { ...base, static: 'true' }, ctx);
    expect(r.credentials.username).toMatch(/;92233720368547758$/);
    expect(r.rules.expiresAt).toBeNull();
    expect(r.warnings.find((w) => w.code === 'tencent.expiry.never')?.level).toBe('info');
    expect(r.warnings.map((w) => w.code)).not.toContain('lint.expiry.soon');
  });

  test('hmacsha1 makes a 40-hex password with its own suffix', () => {
    expect(sign('tencent', { ...base, signMethod: 'hmacsha1' }, ctx).credentials.password).toMatch(/^[0-9a-f]{40};hmacsha1$/);
  });

  // Each row: region, host, WebSocket URL (documented for Guangzhou only).
  test.each([
    ['us-east', 'ABCDEF1234.us-east.iotcloud.tencentdevices.com'],
    ['europe', 'ABCDEF1234.europe.iothub.tencentdevices.com'],
    ['ap-bangkok', 'ABCDEF1234.ap-bangkok.iothub.tencentdevices.com'],
  ])('--region %s connects to %s', (region, host) => {
    const r = sign('tencent', { ...base, region }, ctx);
    expect(r.broker.host).toBe(host);
    expect(r.broker.websocket).toBeUndefined();
  });

  test('a PSK that does not decode to 16 bytes is signed, with a warning', () => {
    const r = sign('tencent', { ...base, psk: Buffer.alloc(32, 1).toString('base64') }, ctx);
    expect(r.warnings.find((w) => w.code === 'tencent.psk.length')?.params).toEqual({ length: 32 });
  });

  test('the same input gives the same output', () => {
    expect(sign('tencent', base, ctx)).toEqual(sign('tencent', base, ctx));
  });
});

describe('bad input', () => {
  // Each row: what is wrong, params on top of the base, the error code, the option named.
  const rows: [string, Record<string, string>, string, string][] = [
    ['PSK not base64', { psk: 'not base64!' }, 'platform.param.base64', '--psk'],
    ['PSK base64 with stray bits', { psk: 'MDEyMzQ1Njc4OWFiY2RlZh==' }, 'platform.param.base64', '--psk'],
    ['PSK missing', { psk: '' }, 'platform.secret.missing', '--psk'],
    ['product missing', { productId: '' }, 'platform.param.missing', '--product'],
    ['product with a dash', { productId: 'ABC-123' }, 'platform.param.chars', '--product'],
    ['device with ";"', { deviceName: 'dev;1' }, 'platform.param.chars', '--device'],
    ['device of 49 characters', { deviceName: 'd'.repeat(49) }, 'platform.param.chars', '--device'],
    ['expiry in milliseconds', { expires: '1718456400000' }, 'platform.time.ms-given', '--expires'],
    ['expiry not digits', { expires: '2024-06-15' }, 'platform.time.seconds', '--expires'],
    ['expiry and ttl', { expires: '1718456400', ttl: '60' }, 'platform.param.conflict', '--expires'],
    ['static and expiry', { static: 'true', expires: '1718456400' }, 'platform.param.conflict', '--static'],
    ['ttl of 0', { ttl: '0' }, 'platform.param.integer', '--ttl'],
    ['connid of 4', { connId: 'AB12' }, 'platform.param.chars', '--conn-id'],
    ['connid with "_"', { connId: 'AB_2C' }, 'platform.param.chars', '--conn-id'],
    ['sdkappid not digits', { sdkappid: '12x' }, 'platform.param.chars', '--sdkappid'],
    ['sign method hmacmd5', { signMethod: 'hmacmd5' }, 'platform.param.choice', '--sign-method'],
    ['unknown region', { region: 'mars' }, 'platform.param.choice', '--region'],
  ];
  test.each(rows)('%s', (_what, extra, code, option) => {
    expect(() => sign('tencent', { ...base, ...extra }, ctx)).toThrow(expect.objectContaining({ code, exitCode: 2, params: expect.objectContaining({ option }) }));
  });

  test('no --conn-id and no randomness names --conn-id', () => {
    expect(() => sign('tencent', base, { now: NOW })).toThrow(expect.objectContaining({ code: 'platform.random.missing', params: expect.objectContaining({ option: '--conn-id' }) }));
  });

  test('the error never echoes the PSK', () => {
    expect(() => sign('tencent', { ...base, psk: 'c2VjcmV0IQ=' }, ctx)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('c2VjcmV0IQ') }));
  });
});

describe('topics and envelope', () => {
  test('property-post is the data template up topic, with a report payload', () => {
    const topic = sign('tencent', base, ctx).topics.find((t) => t.name === 'property-post');
    expect(topic).toEqual({
      name: 'property-post',
      topic: '$thing/up/property/ABCDEF1234/dev001',
      direction: 'publish',
      description: expect.any(String),
      payload: '{"method":"report","clientToken":"ABCDEF1234-1","params":{"power_switch":1}}',
    });
  });

  test('topic names are unique', () => {
    const names = sign('tencent', base, ctx).topics.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test('the report envelope uses the message id, else the time, for the clientToken', () => {
    expect(tencent.envelope!('property-post', { temp: 10 }, { now: NOW, messageId: '7', params: base })).toBe('{"method":"report","clientToken":"ABCDEF1234-7","params":{"temp":10}}');
    expect(tencent.envelope!('property-post', { temp: 10 }, { now: NOW })).toBe('{"method":"report","clientToken":"1718452800","params":{"temp":10}}');
  });

  test.each([
    ['another topic', 'event-post', { a: 1 }, 'platform.envelope.unknown'],
    ['an array', 'property-post', [1], 'platform.envelope.properties'],
    ['a number', 'property-post', 5, 'platform.envelope.properties'],
  ])('%s is refused', (_what, topic, properties, code) => {
    expect(() => tencent.envelope!(topic, properties, { now: NOW })).toThrow(expect.objectContaining({ code }));
  });
});

describe('verify names the known mistakes', () => {
  const key = Buffer.from(base.psk, 'base64');
  const username = 'ABCDEF1234dev001;12010126;AB12C;1718456400';
  const hmacHex = (hash: string, k: Uint8Array | string, text = username) => createHmac(hash, k).update(text).digest('hex');
  const good = { clientId: 'ABCDEF1234dev001', username, password: `${hmacHex('sha256', key)};hmacsha256` };
  const check = (login: { clientId?: string; username?: string; password?: string | null }, now = NOW, extra: Record<string, string> = {}) =>
    tencent.verify!({ ...good, ...login }, { psk: base.psk, ...extra }, { now });
  const failing = (r: ReturnType<typeof check>) => r.fields.filter((f) => !f.ok).map((f) => [f.name, f.causeCode]);

  test('the right login verifies, field by field', () => {
    const r = check({});
    expect(r.ok).toBe(true);
    expect(r.fields.map((f) => f.name)).toEqual(['username.clientId', 'username.expiry', 'password']);
  });

  const sha1Password = `${hmacHex('sha1', key)};hmacsha1`;
  // Each row: the mistake, the captured password, the cause code, the password expected for the captured suffix.
  test.each([
    ['PSK text used as the key', `${hmacHex('sha256', base.psk)};hmacsha256`, 'tencent.verify.pskNotDecoded', good.password],
    ['SHA-1 HMAC labelled hmacsha256', `${hmacHex('sha1', key)};hmacsha256`, 'tencent.verify.suffix', good.password],
    ['SHA-256 HMAC labelled hmacsha1', `${hmacHex('sha256', key)};hmacsha1`, 'tencent.verify.suffix', sha1Password],
    ['suffix missing', hmacHex('sha256', key), 'tencent.verify.noSuffix', good.password],
    ['suffix missing from a SHA-1 HMAC', hmacHex('sha1', key), 'tencent.verify.noSuffix', sha1Password],
    ['suffix in uppercase', `${hmacHex('sha256', key)};HMACSHA256`, 'tencent.verify.badSuffix', good.password],
    ['uppercase hex', `${hmacHex('sha256', key).toUpperCase()};hmacsha256`, 'verify.uppercaseHex', good.password],
    ['another PSK', `${hmacHex('sha256', Buffer.alloc(16, 9))};hmacsha256`, 'verify.mismatch', good.password],
    ['PSK text with a line end as the key', `${hmacHex('sha256', `${base.psk}\n`)};hmacsha256`, 'tencent.verify.pskWhitespace', good.password],
    ['PSK text after a space as the key', `${hmacHex('sha256', ` ${base.psk}`)};hmacsha256`, 'tencent.verify.pskWhitespace', good.password],
    ['PSK re-encoded as hex text', `${hmacHex('sha256', key.toString('hex'))};hmacsha256`, 'tencent.verify.pskHex', good.password],
    ['the HMAC written in base64, not hex', `${createHmac('sha256', key).update(username).digest('base64')};hmacsha256`, 'verify.base64Output', good.password],
    ['HMAC key and message swapped', `${createHmac('sha256', username).update(key).digest('hex')};hmacsha256`, 'tencent.verify.swapped', good.password],
    ['only the clientId signed', `${hmacHex('sha256', key, 'ABCDEF1234dev001')};hmacsha256`, 'tencent.verify.signedClientId', good.password],
  ])('%s', (_what, password, code, expected) => {
    const r = check({ password });
    expect(r.ok).toBe(false);
    expect(failing(r)).toEqual([['password', code]]);
    expect(r.fields.find((f) => f.name === 'password')?.expected).toBe(expected);
  });

  test('no password at all', () => {
    expect(failing(check({ password: null }))).toEqual([['password', 'tencent.verify.noPassword']]);
  });

  test('clientId and username swapped: named once, and the password checked over the username meant', () => {
    const r = check({ clientId: username, username: 'ABCDEF1234dev001' });
    expect(failing(r)).toEqual([['username', 'tencent.verify.fieldsSwapped']]);
    // With --product-id and --device-name too: the clientId meant (in the username) is right, so not 'differs' as well.
    const given = check({ clientId: username, username: 'ABCDEF1234dev001' }, NOW, { productId: base.productId, deviceName: base.deviceName });
    expect(failing(given)).toEqual([['username', 'tencent.verify.fieldsSwapped']]);
    const other = check({ clientId: username, username: 'ABCDEF1234dev001' }, NOW, { productId: base.productId, deviceName: 'dev002' });
    expect(failing(other)).toEqual([['clientId', undefined], ['username', 'tencent.verify.fieldsSwapped']]);
  });

  test('username field 1 is not the clientId', () => {
    expect(failing(check({ clientId: 'ABCDEF1234dev002' }))).toEqual([['username.clientId', 'tencent.verify.clientId']]);
  });

  test('--product and --device are compared with the clientId', () => {
    expect(failing(check({}, NOW, { productId: 'ABCDEF1234', deviceName: 'dev002' }))).toEqual([['clientId', undefined]]);
  });

  test('a username without 4 fields', () => {
    const r = check({ username: 'ABCDEF1234dev001;12010126;1718456400' });
    expect(failing(r)).toEqual([['username', 'tencent.verify.fields'], ['password', 'verify.mismatch']]);
  });

  test('expired at the capture time', () => {
    const r = check({}, 1718456401_000);
    expect(failing(r)).toEqual([['username.expiry', 'verify.expiry.past']]);
  });

  test('an expiry computed from an unset clock (1970)', () => {
    const u = 'ABCDEF1234dev001;12010126;AB12C;3600';
    expect(failing(check({ username: u, password: `${hmacHex('sha256', key, u)};hmacsha256` }))).toEqual([['username.expiry', 'verify.expiry.clock']]);
  });

  test('an expiry in milliseconds verifies, with a warning', () => {
    const u = 'ABCDEF1234dev001;12010126;AB12C;1718456400000';
    const r = check({ username: u, password: `${hmacHex('sha256', key, u)};hmacsha256` });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toContain('verify.expiry.ms');
  });

  test('keepalive beyond 900 s is reported by lint', () => {
    const r = tencent.verify!({ ...good, keepalive: 1200 }, { psk: base.psk }, { now: NOW });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toContain('lint.keepalive.range');
  });
});
