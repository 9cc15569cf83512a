// Baidu IoT Core signer: the doc vectors, defaults, bad input, and verify's named mistakes.
// test/fixtures/vectors/baidu.json is a verbatim copy of shared/vectors/baidu.json (doc example + Java SDK).
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { connectFrom, encode, getSigner, sign } from '../../src/index.js';
import vectors from '../fixtures/vectors/baidu.json' with { type: 'json' };
import { signJson } from './_cli.js';

const baidu = getSigner('baidu');
type Vector = (typeof vectors)[number];

function fromVector(v: Vector) {
  const i = v.inputs;
  const params = { iotCoreId: i.iotCoreId, deviceKey: i.deviceKey, deviceSecret: i.deviceSecret, timestamp: String(i.timestamp), algorithm: i.algorithm, clientId: i.clientId };
  return { params, now: i.timestamp * 1000 };
}

const base = { iotCoreId: 'abcd123', deviceKey: 'mydevice', deviceSecret: 'ImSeCrEt0I1M2jkl' };
const TS = 1583826857;
const NOW = TS * 1000;

describe('baidu.json vectors', () => {
  test.each(vectors)('$name: credentials and endpoint', (v) => {
    const { params, now } = fromVector(v);
    const r = sign('baidu', params, { now });
    expect(r.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([r.broker.host, r.broker.port, r.broker.tls]).toEqual([v.expected.host, v.expected.port, false]);
  });

  test.each(vectors.filter((v) => 'doc_expected_password' in v))('$name: the value printed in the doc', (v) => {
    expect(sign('baidu', fromVector(v).params, { now: fromVector(v).now }).credentials.password).toBe((v as { doc_expected_password: string }).doc_expected_password);
  });

  // The path the CLI takes: the signer's credentials → connectFrom → encode.
  test.each(vectors)('$name: CONNECT bytes', (v) => {
    const { params, now } = fromVector(v);
    const c = v.connect;
    const packet = connectFrom(sign('baidu', params, { now }).credentials, { protocolVersion: c.protocolLevel as 4, clean: c.cleanSession, keepalive: c.keepAlive });
    expect(Buffer.from(encode(packet)).toString('hex')).toBe(c.packetHex);
  });

  test.each(vectors)('$name: verify accepts the vector login', (v) => {
    const { params, now } = fromVector(v);
    const r = baidu.verify!({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password }, params, { now });
    expect(r.fields.filter((f) => !f.ok)).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

describe('baidu.json vectors through the CLI', () => {
  test.each(vectors)('$name: mqtt-sign baidu … --format json', async (v) => {
    const i = v.inputs;
    const argv = ['baidu', '--iotcore', i.iotCoreId, '--device', i.deviceKey, '--secret', i.deviceSecret, '--timestamp', String(i.timestamp), '--algorithm', i.algorithm, '--client-id', i.clientId, '--keepalive', String(v.connect.keepAlive)];
    const doc = await signJson(argv, fromVector(v).now);
    expect(doc.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([doc.broker.host, doc.broker.port]).toEqual([v.expected.host, v.expected.port]);
    expect(doc.packets.map((p) => p.hex)).toEqual([v.connect.packetHex]);
  });
});

describe('sign', () => {
  test('defaults: SHA256, ts = now, clientId = deviceKey, port 1883, a ±10 min window', () => {
    const r = sign('baidu', base, { now: NOW + 999 });
    expect(r.credentials.clientId).toBe('mydevice');
    expect(r.credentials.username).toBe(`thingidp@abcd123|mydevice|${TS}|SHA256`);
    expect(r.credentials.password).toBe(vectors[1]!.expected.password);
    expect(r.broker).toEqual({ host: 'abcd123.iot.gz.baidubce.com', port: 1883, tls: false, url: 'mqtt://abcd123.iot.gz.baidubce.com:1883', websocket: 'wss://abcd123.iot.gz.baidubce.com:443/mqtt', websocketUnverified: true });
    expect(r.rules).toMatchObject({ keepalive: { min: 30, max: 1200 }, qos: [0, 1], protocolVersions: [3, 4, 5], expiresAt: TS + 600 });
    // One expiry warning per credential, naming the flag that changes it.
    expect(r.warnings.map((w) => [w.code, w.params?.options])).toEqual([['lint.expiry.soon', '--timestamp, --timestamp 0']]);
  });

  test('--timestamp 0 turns the time check off: no expiry', () => {
    const r = sign('baidu', { ...base, timestamp: '0', algorithm: 'MD5' }, { now: NOW });
    const hashed = createHash('md5').update('mydevice&0&MD5ImSeCrEt0I1M2jkl').digest('hex');
    expect(r.credentials).toMatchObject({ username: 'thingidp@abcd123|mydevice|0|MD5', password: hashed });
    expect(r.rules.expiresAt).toBeNull();
    expect(r.warnings).toEqual([]);
  });

  test('--tls uses port 1884, --region bj the Beijing host, --client-id its own id', () => {
    const r = sign('baidu', { ...base, tls: 'true', region: 'bj', clientId: 'abcd123_mydevice-7' }, { now: NOW });
    expect(r.broker).toMatchObject({ host: 'abcd123.iot.bj.baidubce.com', port: 1884, tls: true, url: 'mqtts://abcd123.iot.bj.baidubce.com:1884' });
    expect(r.credentials.clientId).toBe('abcd123_mydevice-7');
  });

  test('a ts more than 10 min ahead is signed, with a warning; one 10 min back has expired (one warning)', () => {
    const ahead = sign('baidu', { ...base, timestamp: String(TS) }, { now: NOW - 3600_000 });
    expect(ahead.warnings.map((w) => w.code)).toEqual(['baidu.timestamp.skew', 'lint.expiry.soon']);
    expect(ahead.warnings[0]!.params).toEqual({ value: String(TS), minutes: 60 });
    const behind = sign('baidu', { ...base, timestamp: String(TS) }, { now: NOW + 3600_000 });
    expect(behind.warnings.map((w) => [w.code, w.params?.option])).toEqual([['expired', '--timestamp']]);
  });

  test('shadow topics are named after the device', () => {
    const topics = sign('baidu', base, { now: NOW }).topics;
    expect(topics.find((t) => t.name === 'shadow-reported')?.topic).toBe('$iot/mydevice/shadow/update/reported');
    expect(new Set(topics.map((t) => t.name)).size).toBe(topics.length);
  });
});

describe('bad input', () => {
  // Each row: what is wrong, params on top of the base, the error code, the option named.
  const rows: [string, Record<string, string>, string, string][] = [
    ['secret missing', { deviceSecret: '' }, 'platform.secret.missing', '--secret'],
    ['IoT Core id missing', { iotCoreId: '' }, 'platform.param.missing', '--iotcore'],
    ['IoT Core id with a dot', { iotCoreId: 'abcd.123' }, 'platform.param.chars', '--iotcore'],
    ['device with "|"', { deviceKey: 'my|device' }, 'platform.param.chars', '--device'],
    ['device with "&"', { deviceKey: 'my&device' }, 'platform.param.chars', '--device'],
    ['clientId with "."', { clientId: 'my.device' }, 'platform.param.chars', '--client-id'],
    ['clientId of 129 bytes', { clientId: 'c'.repeat(129) }, 'platform.param.chars', '--client-id'],
    ['timestamp in milliseconds', { timestamp: '1583826857000' }, 'platform.time.seconds-or-0', '--timestamp'],
    ['timestamp as a date', { timestamp: '2020-03-10' }, 'platform.time.seconds-or-0', '--timestamp'],
    ['timestamp with a leading zero', { timestamp: '01583826857' }, 'platform.time.seconds-or-0', '--timestamp'],
    ['lowercase algorithm', { algorithm: 'md5' }, 'platform.param.choice', '--algorithm'],
    ['unknown region', { region: 'sh' }, 'platform.param.choice', '--region'],
  ];
  test.each(rows)('%s', (_what, extra, code, option) => {
    expect(() => sign('baidu', { ...base, ...extra }, { now: NOW })).toThrow(expect.objectContaining({ code, exitCode: 2, params: expect.objectContaining({ option }) }));
  });
});

describe('verify names the known mistakes', () => {
  const secret = base.deviceSecret;
  const user = (alg = 'SHA256', ts = String(TS)) => `thingidp@abcd123|mydevice|${ts}|${alg}`;
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const good = { clientId: 'mydevice', username: user(), password: sha256(`mydevice&${TS}&SHA256${secret}`) };
  const check = (login: { clientId?: string; username?: string | null; password?: string | null }, now = NOW, extra: Record<string, string> = {}) =>
    baidu.verify!({ ...good, ...login }, { deviceSecret: secret, ...extra }, { now });
  const failing = (r: ReturnType<typeof check>) => r.fields.filter((f) => !f.ok).map((f) => [f.name, f.causeCode]);

  test('clientId and username swapped: named once, the password checked against the username meant', () => {
    expect(failing(check({ clientId: good.username, username: good.clientId }))).toEqual([['username', 'baidu.verify.fieldsSwapped']]);
  });

  test('the right login verifies, field by field', () => {
    const r = check({});
    expect(r.ok).toBe(true);
    expect(r.fields.map((f) => f.name)).toEqual(['username.algorithm', 'username.timestamp', 'password']);
  });

  // Each row: the mistake, the captured password, the cause code.
  test.each([
    ['HMAC of deviceKey&ts&ALG', createHmac('sha256', secret).update(`mydevice&${TS}&SHA256`).digest('hex'), 'baidu.verify.hmac'],
    ['HMAC of the whole string', createHmac('sha256', secret).update(`mydevice&${TS}&SHA256${secret}`).digest('hex'), 'baidu.verify.hmac'],
    ['an "&" before the secret', sha256(`mydevice&${TS}&SHA256&${secret}`), 'baidu.verify.separator'],
    ['lowercase sha256 hashed', sha256(`mydevice&${TS}&sha256${secret}`), 'baidu.verify.algCase'],
    ['an MD5 digest labelled SHA256', createHash('md5').update(`mydevice&${TS}&MD5${secret}`).digest('hex'), 'baidu.verify.algMismatch'],
    ['uppercase hex', sha256(`mydevice&${TS}&SHA256${secret}`).toUpperCase(), 'verify.uppercaseHex'],
    ['another secret', sha256(`mydevice&${TS}&SHA256other`), 'verify.mismatch'],
    ['the clock read again a second later for the hash', sha256(`mydevice&${TS + 1}&SHA256${secret}`), 'baidu.verify.tsMismatch'],
    ['ts 0 hashed, a time in the username', sha256(`mydevice&0&SHA256${secret}`), 'baidu.verify.tsMismatch'],
    ['the secret put first', sha256(`${secret}mydevice&${TS}&SHA256`), 'baidu.verify.secretFirst'],
    ['the secret pasted with a line end', sha256(`mydevice&${TS}&SHA256${secret}\n`), 'verify.secretWhitespace'],
    ['the secret pasted after a space', sha256(`mydevice&${TS}&SHA256 ${secret}`), 'verify.secretWhitespace'],
    ['the digest written in base64, not hex', createHash('sha256').update(`mydevice&${TS}&SHA256${secret}`).digest('base64'), 'verify.base64Output'],
  ])('%s', (_what, password, code) => {
    const r = check({ password });
    expect(r.ok).toBe(false);
    expect(failing(r)).toEqual([['password', code]]);
  });

  test('lowercase ALG in the username', () => {
    const r = check({ username: user('sha256'), password: sha256(`mydevice&${TS}&sha256${secret}`) });
    expect(failing(r)).toEqual([['username.algorithm', 'baidu.verify.algCase'], ['password', 'baidu.verify.algCase']]);
  });

  test.each(['SHA1', 'CONSTRUCTOR'])('ALG %s is neither MD5 nor SHA256', (alg) => {
    expect(failing(check({ username: user(alg) }))).toEqual([['username.algorithm', 'baidu.verify.alg']]);
  });

  test('the short username means ts 0 and MD5', () => {
    const password = createHash('md5').update(`mydevice&0&MD5${secret}`).digest('hex');
    expect(check({ username: 'thingidp@abcd123|mydevice', password }).ok).toBe(true);
  });

  test('a ts 11 minutes from the capture time', () => {
    expect(failing(check({}, NOW + 660_000))).toEqual([['username.timestamp', 'baidu.verify.skew']]);
  });

  test('ts 0 is never skewed', () => {
    const password = sha256(`mydevice&0&SHA256${secret}`);
    expect(check({ username: user('SHA256', '0'), password }, NOW + 86_400_000).ok).toBe(true);
  });

  test('not a Baidu username', () => {
    expect(failing(check({ username: 'mydevice' }))).toEqual([['username', 'baidu.verify.username']]);
  });

  test('--device and --iotcore are compared with the username; --device also with the clientId', () => {
    expect(failing(check({}, NOW, { iotCoreId: 'other', deviceKey: 'mydevice' }))).toEqual([['username.iotCoreId', undefined]]);
    expect(failing(check({ clientId: 'x' }, NOW, { deviceKey: 'mydevice' }))).toEqual([['clientId', undefined]]);
  });

  test('a clientId with characters Baidu refuses', () => {
    expect(failing(check({ clientId: 'my device' }))).toEqual([['clientId', 'baidu.verify.clientIdChars']]);
  });

  test('no password', () => {
    expect(failing(check({ password: null }))).toEqual([['password', 'baidu.verify.noPassword']]);
  });
});
