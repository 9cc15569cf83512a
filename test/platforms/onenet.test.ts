// OneNET (new token) and OneNET legacy: the shared vectors (test/fixtures/vectors/onenet.json, a verbatim copy of
// shared/vectors/onenet.json with each row's source), defaults, bad input, envelopes and verify's named mistakes.
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { encode, getSigner, sign, UsageError, type CapturedLogin, type SignParams } from '../../src/index.js';
import { stringToSign } from '../../src/platforms/onenet.js';
import vectors from '../fixtures/vectors/onenet.json' with { type: 'json' };
import { connectHex } from './_connect.js';
import { catchError } from '../helpers/catch-error.js';

const onenet = getSigner('onenet');
const legacy = getSigner('onenet-legacy');
const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const ctx = { now: NOW };
const KEY = 'KuF3NT/jUBJ62LNBB/A8XZA9CqS3Cu79B/ABmfA1UCw=';
const base = { productId: 'Ck2AF9QD2K', deviceName: 'test', key: KEY };

const studio = vectors.filter((v) => v.name.startsWith('onenet/studio/'));
const legacyVectors = vectors.filter((v) => v.name.startsWith('onenet/legacy-mqtt/'));
type Studio = (typeof studio)[number] & { inputs: { productId: string; deviceName: string; key: string; keyLevel: string; et: number; method: string; stringToSign: string } };
type Legacy = (typeof legacyVectors)[number] & {
  inputs: { deviceId: string; productId: string; authInfo: string; keepalive: number; dpJson: string; qos: number; packetId: number };
  connect_packet_hex: string;
  dp_publish_packet_hex: string;
};

/** The vector's inputs as params; `now` an hour before its et, so the token is still valid. */
function studioParams(v: Studio): { params: SignParams; now: number } {
  const i = v.inputs;
  return { params: { productId: i.productId, deviceName: i.deviceName, key: i.key, keyLevel: i.keyLevel, method: i.method, expires: String(i.et) }, now: (i.et - 3600) * 1000 };
}

describe('onenet.json vectors: the new platform', () => {
  test.each(studio as Studio[])('$name: clientId, username, token, endpoint', (v) => {
    const { params, now } = studioParams(v);
    const r = sign('onenet', params, { now });
    expect(r.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([r.broker.host, r.broker.port, r.broker.tls]).toEqual([v.expected.host, v.expected.port, false]);
    expect(r.rules.expiresAt).toBe(v.inputs.et);
  });

  test.each(studio as Studio[])('$name: the string to sign, and its HMAC under the base64-decoded key', (v) => {
    const i = v.inputs;
    const sts = stringToSign(i.et, i.method, `products/${i.productId}/devices/${i.deviceName}`);
    expect(sts).toBe(i.stringToSign);
    const sig = createHmac(i.method, Buffer.from(i.key, 'base64')).update(sts).digest('base64');
    expect(v.expected.password).toContain(`&sign=${encodeURIComponent(sig)}`);
  });

  test.each(studio as Studio[])('$name: verify accepts the vector login', (v) => {
    const { params, now } = studioParams(v);
    const r = onenet.verify!({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password, keepalive: 120 }, params, { now });
    expect(r.fields.filter((f) => !f.ok)).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

describe('onenet.json vectors: the legacy access', () => {
  const params = (v: Legacy): SignParams => ({ productId: v.inputs.productId, deviceId: v.inputs.deviceId, authInfo: v.inputs.authInfo });

  test.each(legacyVectors as Legacy[])('$name: credentials and endpoint', (v) => {
    const r = sign('onenet-legacy', params(v), ctx);
    expect(r.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([r.broker.host, r.broker.port, r.broker.tls]).toEqual([v.expected.host, v.expected.port, false]);
  });

  test.each(legacyVectors as Legacy[])('$name: CONNECT bytes (flags C2, keepalive from the inputs)', (v) => {
    const { credentials } = sign('onenet-legacy', params(v), ctx);
    expect(connectHex(credentials, { level: 4, clean: true, keepalive: v.inputs.keepalive })).toBe(v.connect_packet_hex);
  });

  test.each(legacyVectors as Legacy[])('$name: the $dp type-3 PUBLISH bytes from the envelope', (v) => {
    const payload = legacy.envelope!('dp-post', JSON.parse(v.inputs.dpJson), ctx) as Uint8Array;
    const bytes = encode({ cmd: 'publish', topic: '$dp', qos: v.inputs.qos as 1, messageId: v.inputs.packetId, payload });
    expect(Buffer.from(bytes).toString('hex')).toBe(v.dp_publish_packet_hex);
  });

  test.each(legacyVectors as Legacy[])('$name: verify accepts the vector login', (v) => {
    const r = legacy.verify!({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password }, params(v), ctx);
    expect(r.ok).toBe(true);
  });
});

describe('defaults', () => {
  test('et: 4102444800 (2100-01-01), within the uint32, said in a note; sha256; device level; port 1883', () => {
    const r = sign('onenet', base, ctx);
    expect(r.credentials.password).toMatch(/^version=2018-10-31&res=products%2FCk2AF9QD2K%2Fdevices%2Ftest&et=4102444800&method=sha256&sign=/);
    expect(r.warnings.map((w) => [w.code, w.level, w.params])).toEqual([['onenet.et.default', 'info', { et: 4102444800, date: '2100-01-01T00:00:00.000Z' }]]);
    expect(r.broker.url).toBe('mqtt://mqtts.heclouds.com:1883');
    expect(r.rules.keepalive).toEqual({ min: 10, max: 1800, default: 120 });
  });

  test('--tls: port 8883', () => {
    expect(sign('onenet', { ...base, tls: 'true' }, ctx).broker.url).toBe('mqtts://mqtts.heclouds.com:8883');
  });

  test('--key-level product signs res products/<id>', () => {
    const r = sign('onenet', { ...base, keyLevel: 'product', expires: '1790855684' }, ctx);
    const sig = createHmac('sha256', Buffer.from(KEY, 'base64')).update(stringToSign(1790855684, 'sha256', 'products/Ck2AF9QD2K')).digest('base64');
    expect(r.credentials.password).toBe(`version=2018-10-31&res=products%2FCk2AF9QD2K&et=1790855684&method=sha256&sign=${encodeURIComponent(sig)}`);
  });

  test('a device name with : and @ is copied raw into res, as the SDK does', () => {
    const r = sign('onenet', { ...base, deviceName: 'dev:01@site', expires: '1790855684' }, ctx);
    expect(r.credentials.password).toContain('&res=products%2FCk2AF9QD2K%2Fdevices%2Fdev:01@site&');
    expect(r.topics.find((t) => t.name === 'property-post')!.topic).toBe('$sys/Ck2AF9QD2K/dev:01@site/thing/property/post');
  });

  test('warnings: a numeric product id (legacy platform), a key that decodes outside 16-64 bytes', () => {
    const codes = sign('onenet', { ...base, productId: '123123', key: 'AAAA', expires: '1790855684' }, ctx).warnings.map((w) => w.code);
    expect(codes).toEqual(['onenet.key.length', 'onenet.pid.numeric']);
  });

  test('expiry lint: a token expiring within a day', () => {
    const codes = sign('onenet', { ...base, expires: String(NOW / 1000 + 600) }, ctx).warnings.map((w) => w.code);
    expect(codes).toEqual(['lint.expiry.soon']);
  });
});

describe('bad input: one UsageError naming the option', () => {
  test.each([
    ['a key that is not base64', { key: 'not base64!' }, 'platform.param.base64', '--key'],
    ['a key without its padding', { key: KEY.slice(0, -1) }, 'platform.param.base64', '--key'],
    ['a key in the URL-safe alphabet', { key: KEY.replaceAll('/', '_') }, 'platform.param.base64', '--key'],
    ['et past the uint32', { expires: '4294967296' }, 'platform.expiry.limit', '--expires'],
    ['et in milliseconds', { expires: String(NOW + 3_600_000) }, 'platform.time.ms-given', '--expires'],
    ['et not a number', { expires: 'tomorrow' }, 'platform.time.seconds', '--expires'],
    ['a product id with a dash', { productId: 'Ck2-AF9' }, 'platform.param.chars', '--product'],
    ['a device name with /', { deviceName: 'a/b' }, 'platform.param.chars', '--device'],
    ['a device name with &', { deviceName: 'a&b' }, 'platform.param.chars', '--device'],
    ['method hmacsha1', { method: 'hmacsha1' }, 'platform.param.choice', '--method'],
    ['key level user', { keyLevel: 'user' }, 'platform.param.choice', '--key-level'],
  ])('%s', (_name, extra, code, option) => {
    const err = catchError(() => sign('onenet', { ...base, ...extra }, ctx));
    expect(err).toBeInstanceOf(UsageError);
    expect([err.code, err.params.option]).toEqual([code, option]);
    expect(err.message).not.toContain(KEY);
  });

  test.each([
    ['a product id with letters', { productId: 'p339' }, '--product'],
    ['a device id with letters', { deviceId: 'd9277' }, '--device-id'],
  ])('legacy: %s', (_name, extra, option) => {
    const err = catchError(() => sign('onenet-legacy', { productId: '339', deviceId: '9277', authInfo: 'a', ...extra }, ctx));
    expect([err.code, err.params.option]).toEqual(['platform.param.chars', option]);
  });
});

describe('envelopes (OneJSON, data points, legacy $dp)', () => {
  test.each([
    ['property-post', { temp: 10 }, '{"id":"7","version":"1.0","params":{"temp":{"value":10}}}'],
    ['property-post', { temp: { value: 10, time: 1700000000000 } }, '{"id":"7","version":"1.0","params":{"temp":{"value":10,"time":1700000000000}}}'],
    ['property-set-reply', { temp: 10 }, '{"id":"7","code":200}'],
    ['property-get-reply', { temp: 10 }, '{"id":"7","code":200,"data":{"temp":10}}'],
    ['dp-post', { temp: 10 }, '{"id":7,"dp":{"temp":[{"v":10}]}}'],
  ])('%s %j', (name, props, json) => {
    expect(onenet.envelope!(name, props, { now: NOW, messageId: '7' })).toBe(json);
  });

  test('ids default to the seconds of now', () => {
    expect(onenet.envelope!('dp-post', {}, ctx)).toBe(`{"id":${NOW / 1000},"dp":{}}`);
  });

  test('legacy $dp: type 3, u16 length, JSON', () => {
    expect(Buffer.from(legacy.envelope!('dp-post', { t: 1 }, ctx) as Uint8Array).toString('hex')).toBe(`030007${Buffer.from('{"t":1}').toString('hex')}`);
    expect(catchError(() => legacy.envelope!('dp-post', { s: 'x'.repeat(70_000) }, ctx)).code).toBe('onenet-legacy.dp.length');
  });

  test('unknown topics and non-objects are UsageErrors', () => {
    expect(catchError(() => onenet.envelope!('cmd-request', {}, ctx)).code).toBe('platform.envelope.unknown');
    expect(catchError(() => onenet.envelope!('property-post', 5, ctx)).code).toBe('platform.envelope.properties');
    expect(catchError(() => legacy.envelope!('property-post', {}, ctx)).code).toBe('platform.envelope.unknown');
  });
});

describe('verify: each known mistake, made on purpose, is named', () => {
  const pid = 'Ck2AF9QD2K';
  const dn = 'test';
  const et = 1790855684;
  const res = `products/${pid}/devices/${dn}`;
  const keyBytes = Buffer.from(KEY, 'base64');
  const b64 = (key: Buffer | string, text: string, hash = 'sha256') => createHmac(hash, key).update(text).digest('base64');
  const enc = (sign: string) => encodeURIComponent(sign);
  const tokenOf = (o: { res?: string; et?: number | string; method?: string; version?: string; sign: string }) =>
    `version=${o.version ?? '2018-10-31'}&res=${o.res ?? 'products%2FCk2AF9QD2K%2Fdevices%2Ftest'}&et=${o.et ?? et}&method=${o.method ?? 'sha256'}&sign=${o.sign}`;
  const good = b64(keyBytes, stringToSign(et, 'sha256', res));
  const login = (password: string, over: Partial<CapturedLogin> = {}): CapturedLogin => ({ clientId: dn, username: pid, password, keepalive: 120, ...over });
  const check = (l: CapturedLogin, now = NOW, p: SignParams = { key: KEY }) => {
    const r = onenet.verify!(l, p, { now });
    return r.fields.filter((f) => !f.ok).map((f) => [f.name, f.causeCode ?? null]);
  };

  test('the order and the hash are named in the cause', () => {
    const r = onenet.verify!(login(tokenOf({ sign: enc(b64(keyBytes, `2018-10-31\n${res}\n${et}\nsha256`)) })), { key: KEY }, { now: NOW });
    expect(r.fields.find((f) => f.name === 'password.sign')!.causeParams).toEqual({ order: 'version, res, et, method' });
    const m = onenet.verify!(login(tokenOf({ sign: enc(b64(keyBytes, stringToSign(et, 'sha256', res), 'md5')) })), { key: KEY }, { now: NOW });
    expect(m.fields.find((f) => f.name === 'password.sign')!.causeParams).toEqual({ label: 'sha256', used: 'md5' });
  });

  test('the right token verifies', () => {
    expect(check(login(tokenOf({ sign: enc(good) })))).toEqual([]);
  });

  test.each([
    ['the key used as text, not base64-decoded', tokenOf({ sign: enc(b64(KEY, stringToSign(et, 'sha256', res))) }), [['password.sign', 'onenet.verify.keyNotDecoded']]],
    ['res percent-encoded before signing', tokenOf({ sign: enc(b64(keyBytes, stringToSign(et, 'sha256', 'products%2FCk2AF9QD2K%2Fdevices%2Ftest'))) }), [['password.sign', 'onenet.verify.resEncoded']]],
    ['method=hmacsha256 instead of sha256', tokenOf({ method: 'hmacsha256', sign: enc(b64(keyBytes, stringToSign(et, 'hmacsha256', res))) }), [['password.sign', 'onenet.verify.method']]],
    ['an unknown method', tokenOf({ method: 'sha512', sign: enc(good) }), [['password.sign', 'onenet.verify.method']]],
    ['another version string', tokenOf({ version: '2020-05-29', sign: enc(b64(keyBytes, stringToSign(et, 'sha256', res, '2020-05-29'))) }), [['password.sign', 'onenet.verify.version']]],
    ['a product-level sign under a device-level res', tokenOf({ sign: enc(b64(keyBytes, stringToSign(et, 'sha256', `products/${pid}`))) }), [['password.sign', 'onenet.verify.keyLevel']]],
    ['the sign not URL-encoded', tokenOf({ sign: good }), [['password.sign', 'onenet.verify.signRaw']]],
    ['a wrong key', tokenOf({ sign: enc(b64(Buffer.alloc(32, 1), stringToSign(et, 'sha256', res))) }), [['password.sign', 'verify.mismatch']]],
    ['et in milliseconds', tokenOf({ et: et * 1000, sign: enc(b64(keyBytes, stringToSign(et * 1000, 'sha256', res))) }), [['password.et', 'onenet.verify.milliseconds']]],
    ['not a token at all', 'my-password', [['password', 'onenet.verify.token']]],
    ['method=sha256, HMAC-SHA1 used', tokenOf({ sign: enc(b64(keyBytes, stringToSign(et, 'sha256', res), 'sha1')) }), [['password.sign', 'onenet.verify.methodHash']]],
    ['method=sha256, the string and HMAC both SHA-1', tokenOf({ sign: enc(b64(keyBytes, stringToSign(et, 'sha1', res), 'sha1')) }), [['password.sign', 'onenet.verify.methodHash']]],
    ['the string to sign in the token\'s order', tokenOf({ sign: enc(b64(keyBytes, `2018-10-31\n${res}\n${et}\nsha256`)) }), [['password.sign', 'onenet.verify.order']]],
    ['the string to sign with a line break at the end', tokenOf({ sign: enc(b64(keyBytes, `${stringToSign(et, 'sha256', res)}\n`)) }), [['password.sign', 'onenet.verify.stsNewline']]],
    ['the HMAC written as hex', tokenOf({ sign: createHmac('sha256', keyBytes).update(stringToSign(et, 'sha256', res)).digest('hex') }), [['password.sign', 'verify.hexOutput']]],
    ['the HMAC written as uppercase hex', tokenOf({ sign: createHmac('sha256', keyBytes).update(stringToSign(et, 'sha256', res)).digest('hex').toUpperCase() }), [['password.sign', 'verify.hexOutput']]],
  ])('%s', (_name, password, bad) => {
    expect(check(login(password))).toEqual(bad);
  });

  test('the good sign checked after et passed: expired', () => {
    expect(check(login(tokenOf({ sign: enc(good) })), (et + 1) * 1000)).toEqual([['password.et', 'onenet.verify.expired']]);
  });

  test('--key-level product given, a device-level token captured', () => {
    expect(check(login(tokenOf({ sign: enc(good) })), NOW, { key: KEY, keyLevel: 'product' })).toEqual([['password.sign', 'onenet.verify.keyLevel']]);
  });

  test('clientId and username swapped', () => {
    expect(check(login(tokenOf({ sign: enc(good) }), { clientId: pid, username: dn }))).toEqual([
      ['clientId', 'onenet.verify.swapped'],
      ['username', 'onenet.verify.swapped'],
    ]);
  });

  test('a clientId that is not the device in res', () => {
    expect(check(login(tokenOf({ sign: enc(good) }), { clientId: 'other' }))).toEqual([['clientId', 'onenet.verify.clientId']]);
  });

  test('keepalive outside 10-1800 comes back as a lint warning', () => {
    const r = onenet.verify!(login(tokenOf({ sign: enc(good) }), { keepalive: 3600 }), { key: KEY }, { now: NOW });
    expect(r.warnings.map((w) => w.code)).toEqual(['lint.keepalive.range']);
  });

  test('a key that is not base64 is a UsageError', () => {
    expect(catchError(() => onenet.verify!(login('x'), { key: 'no pe' }, {})).code).toBe('platform.param.base64');
  });

  test('legacy: wrong auth_info, swapped ids, ids that are not numbers', () => {
    const p = { productId: '339', deviceId: '9277', authInfo: 'auth' };
    const bad = (l: CapturedLogin, params: SignParams = p) => legacy.verify!(l, params, ctx).fields.filter((f) => !f.ok).map((f) => [f.name, f.causeCode]);
    expect(bad({ clientId: '9277', username: '339', password: 'other' })).toEqual([['password', 'onenet-legacy.verify.authInfo']]);
    expect(bad({ clientId: '339', username: '9277', password: 'auth' })).toEqual([['clientId', 'onenet-legacy.verify.swapped'], ['username', 'onenet-legacy.verify.swapped']]);
    expect(bad({ clientId: 'dev', username: '339', password: 'auth' }, { authInfo: 'auth' })).toEqual([['clientId', 'onenet-legacy.verify.numeric']]);
    // auth_info pasted into the firmware with a line end or a space around it.
    expect(bad({ clientId: '9277', username: '339', password: 'auth\n' })).toEqual([['password', 'generic.verify.whitespace']]);
    expect(bad({ clientId: '9277', username: '339', password: ' auth' })).toEqual([['password', 'generic.verify.whitespace']]);
    // The expected auth_info is a secret: never echoed.
    expect(legacy.verify!({ clientId: '9277', username: '339', password: 'x' }, p, ctx).fields.every((f) => f.expected !== 'auth')).toBe(true);
  });
});
