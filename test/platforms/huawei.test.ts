// Huawei IoTDA: the shared vectors (test/fixtures/vectors/huawei.json, a verbatim copy of shared/vectors/huawei.json
// with each row's source), defaults, bad input, the services envelope and verify's named mistakes.
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { getSigner, sign, UsageError, type CapturedLogin, type SignParams } from '../../src/index.js';
import vectors from '../fixtures/vectors/huawei.json' with { type: 'json' };
import { connectHex } from './_connect.js';
import { catchError } from '../helpers/catch-error.js';

const huawei = getSigner('huawei');
const NOW = Date.UTC(2025, 3, 14, 1, 30, 0); // 2025041401
const ctx = { now: NOW };
const base = { deviceId: '5f052ac562369102d42b0fb6_demo', secret: '12345678' };
const hmacHex = (hash: string, key: string, msg: string) => createHmac(hash, key).update(msg).digest('hex');

type Vector = (typeof vectors)[number] & { inputs: { timestamp?: string; now?: string } };

/** The vector's inputs as params and clock: a `timestamp` is passed as --timestamp, an ISO `now` as the clock. */
function fromVector(v: Vector): { params: SignParams; now: number } {
  const i = v.inputs;
  const params = {
    deviceId: i.deviceId,
    secret: i.secret,
    signType: String(i.signType),
    host: i.host,
    port: String(i.port),
    ...(i.port === 8883 ? { tls: 'true' } : {}),
    ...(i.timestamp ? { timestamp: i.timestamp } : {}),
  };
  return { params, now: i.now ? Date.parse(i.now) : NOW };
}

describe('huawei.json vectors', () => {
  test.each(vectors as Vector[])('$name: clientId, username, password, endpoint', (v) => {
    const { params, now } = fromVector(v);
    const r = sign('huawei', params, { now });
    expect(r.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([r.broker.host, r.broker.port]).toEqual([v.expected.host, v.expected.port]);
  });

  test.each((vectors as Vector[]).filter((v) => 'doc_expected_password' in v))('$name: the doc\'s value', (v) => {
    const { params, now } = fromVector(v);
    expect(sign('huawei', params, { now }).credentials.password).toBe((v as { doc_expected_password: string }).doc_expected_password);
  });

  test.each(vectors as Vector[])('$name: CONNECT bytes', (v) => {
    const { params, now } = fromVector(v);
    const c = v.connect;
    expect(connectHex(sign('huawei', params, { now }).credentials, { level: c.protocolLevel as 4, clean: c.cleanSession, keepalive: c.keepAlive })).toBe(c.packetHex);
  });

  test.each(vectors as Vector[])('$name: verify accepts the vector login', (v) => {
    const { params, now } = fromVector(v);
    const r = huawei.verify!({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password, keepalive: v.connect.keepAlive }, params, { now });
    expect(r.fields.filter((f) => !f.ok)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  test('the timestamp is the key: swapped, the doc example would give 75e72627…6c36 (PLATFORMS.md §4)', () => {
    const swapped = hmacHex('sha256', '12345678', '2025041401');
    expect([swapped.slice(0, 8), swapped.slice(-4)]).toEqual(['75e72627', '6c36']);
  });
});

describe('defaults', () => {
  test('sign type 0, the current UTC hour, basic host with a note, port 1883', () => {
    const r = sign('huawei', base, { now: Date.parse('2025-04-14T09:59:59+08:00') });
    expect(r.credentials.clientId).toBe('5f052ac562369102d42b0fb6_demo_0_0_2025041401');
    expect(r.broker.url).toBe('mqtt://iot-mqtts.cn-north-4.myhuaweicloud.com:1883');
    expect(r.warnings.map((w) => [w.code, w.level])).toEqual([['huawei.host.default', 'info']]);
    expect(r.rules).toMatchObject({ keepalive: { min: 30, max: 1200, default: 120 }, qos: [0, 1], retain: false, will: false, expiresAt: null });
  });

  test('--tls: port 8883', () => {
    expect(sign('huawei', { ...base, tls: 'true', host: 'h.example' }, ctx).broker.url).toBe('mqtts://h.example:8883');
  });

  test('sign type 1: the same password, the clock warning', () => {
    const r = sign('huawei', { ...base, signType: '1', host: 'h' }, ctx);
    expect(r.credentials.clientId).toBe('5f052ac562369102d42b0fb6_demo_0_1_2025041401');
    expect(r.credentials.password).toBe(sign('huawei', base, ctx).credentials.password);
    expect(r.warnings.map((w) => w.code)).toEqual(['huawei.signType.clock']);
  });

  test('sign type 1 with a stamp hours from now: refused by the platform, said', () => {
    const r = sign('huawei', { ...base, signType: '1', host: 'h', timestamp: '2025041409' }, ctx);
    expect(r.warnings.map((w) => [w.code, w.params])).toEqual([
      ['huawei.signType.clock', { signType: '1' }],
      ['huawei.timestamp.skew', { timestamp: '2025041409', hours: 8, signType: '1' }],
    ]);
  });

  test('sign type 2: HMAC-SM3 under the same key and message', () => {
    const r = sign('huawei', { ...base, signType: '2', host: 'h' }, ctx);
    expect(r.credentials.password).toBe(hmacHex('sm3', '2025041401', '12345678'));
    expect(r.warnings.map((w) => w.code)).toEqual(['huawei.signType.clock', 'huawei.signType.sm3']);
  });

  test('29 February of a leap year is a real hour', () => {
    expect(sign('huawei', { ...base, timestamp: '2024022923' }, ctx).credentials.clientId).toMatch(/_2024022923$/);
  });

  test('lint: QoS 2, retain and will are not supported; MQTT 5 is', () => {
    const codes = sign('huawei', base, { ...ctx, connect: { qos: [2], retain: true, will: true, protocolVersion: 5 } }).warnings.map((w) => w.code);
    expect(codes).toEqual(['huawei.host.default', 'lint.qos.unsupported', 'lint.retain.unsupported', 'lint.will.unsupported']);
  });
});

describe('bad input: one UsageError naming the option', () => {
  test.each([
    ['nine digits', { timestamp: '202504140' }, 'platform.time.hour', '--timestamp'],
    ['an ISO date', { timestamp: '2025-04-14T01' }, 'platform.time.hour', '--timestamp'],
    ['hour 24', { timestamp: '2025041424' }, 'huawei.timestamp.hour', '--timestamp'],
    ['month 13', { timestamp: '2025130101' }, 'huawei.timestamp.hour', '--timestamp'],
    ['29 February 2025', { timestamp: '2025022901' }, 'huawei.timestamp.hour', '--timestamp'],
    ['day 00', { timestamp: '2025040001' }, 'huawei.timestamp.hour', '--timestamp'],
    ['a device id with a dot', { deviceId: 'dev.1' }, 'platform.param.chars', '--device'],
    ['a device id of 129 characters', { deviceId: 'd'.repeat(129) }, 'platform.param.chars', '--device'],
    ['sign type 3', { signType: '3' }, 'platform.param.choice', '--sign-type'],
    ['port 70000', { port: '70000' }, 'platform.param.integer', '--port'],
  ])('%s', (_name, extra, code, option) => {
    const err = catchError(() => sign('huawei', { ...base, ...extra }, ctx));
    expect(err).toBeInstanceOf(UsageError);
    expect([err.code, err.params.option]).toEqual([code, option]);
    expect(err.message).not.toContain(base.secret);
  });
});

describe('the services envelope', () => {
  test('plain properties go into --service-id\'s service', () => {
    expect(huawei.envelope!('property-post', { value: 57 }, { ...ctx, params: { serviceId: 'Temperature' } })).toBe('{"services":[{"service_id":"Temperature","properties":{"value":57}}]}');
  });

  test('an object of objects is read as services', () => {
    expect(huawei.envelope!('property-post', { A: { x: 1 }, B: { y: 2 } }, ctx)).toBe('{"services":[{"service_id":"A","properties":{"x":1}},{"service_id":"B","properties":{"y":2}}]}');
  });

  test('plain properties without a service id ask for --service-id', () => {
    const err = catchError(() => huawei.envelope!('property-post', { temp: 10 }, ctx));
    expect([err.code, err.params.option]).toEqual(['huawei.envelope.service', '--service-id']);
  });

  test('property-post is $oc/devices/{id}/sys/properties/report', () => {
    const t = sign('huawei', base, ctx).topics.find((x) => x.name === 'property-post')!;
    expect([t.topic, t.payload]).toEqual(['$oc/devices/5f052ac562369102d42b0fb6_demo/sys/properties/report', '{"services":[{"service_id":"Temperature","properties":{"value":57}}]}']);
  });
});

/** A secret whose HMAC under `ts` has (or lacks) a 0x00 byte: the C SDK's retry condition. */
function secretWhere(ts: string, zeroByte: boolean): string {
  for (let i = 0; ; i++) {
    const secret = `secret-${i}`;
    if (createHmac('sha256', ts).update(secret).digest().includes(0) === zeroByte) return secret;
  }
}

describe('verify: each known mistake, made on purpose, is named', () => {
  const id = base.deviceId;
  const login = (password: string, over: Partial<CapturedLogin> = {}): CapturedLogin => ({ clientId: `${id}_0_0_2025041401`, username: id, password, keepalive: 120, ...over });
  const check = (l: CapturedLogin, secret = base.secret, now: number | null = NOW) => {
    const r = huawei.verify!(l, { secret }, now === null ? {} : { now });
    return { bad: r.fields.filter((f) => !f.ok).map((f) => [f.name, f.causeCode ?? null]), notes: r.fields.filter((f) => f.ok && f.cause).map((f) => f.causeCode), warnings: r.warnings.map((w) => w.code) };
  };
  const right = hmacHex('sha256', '2025041401', base.secret);

  test.each([
    ['key and message swapped', hmacHex('sha256', base.secret, '2025041401'), 'huawei.verify.swapped'],
    ['a wrong secret', hmacHex('sha256', '2025041401', 'other'), 'verify.mismatch'],
    ['the HMAC written in base64, not hex', createHmac('sha256', '2025041401').update(base.secret).digest('base64'), 'verify.base64Output'],
    ['the secret pasted with a line end', hmacHex('sha256', '2025041401', `${base.secret}\n`), 'verify.secretWhitespace'],
    ['the secret pasted with CR LF', hmacHex('sha256', '2025041401', `${base.secret}\r\n`), 'verify.secretWhitespace'],
    ['the secret pasted with a trailing space', hmacHex('sha256', '2025041401', `${base.secret} `), 'verify.secretWhitespace'],
  ])('%s', (_name, password, cause) => {
    expect(check(login(password)).bad).toEqual([['password', cause]]);
  });

  test('sign type 2 in the clientId, HMAC-SHA256 in the password: the wrong sign type', () => {
    const r = huawei.verify!(login(right, { clientId: `${id}_0_2_2025041401` }), { secret: base.secret }, { now: NOW });
    const f = r.fields.find((x) => x.name === 'password')!;
    expect([f.ok, f.causeCode, f.causeParams]).toEqual([false, 'huawei.verify.signType', { signType: '2', expected: 'HMAC-SM3', actual: 'HMAC-SHA256' }]);
  });

  test('uppercase hex passes with a note: whether the platform takes it is unverified', () => {
    expect(check(login(right.toUpperCase()))).toEqual({ bad: [], notes: ['verify.uppercaseHex'], warnings: [] });
  });

  test('the username is not the device id (product id used)', () => {
    expect(check(login(right, { username: '5f052ac562369102d42b0fb6' })).bad).toEqual([['username', 'huawei.verify.username']]);
  });

  test('a clientId that is not deviceId_0_signType_YYYYMMDDHH', () => {
    expect(check(login(right, { clientId: `${id}_2025041401` })).bad).toEqual([['clientId', 'huawei.verify.clientIdFormat'], ['password', 'huawei.verify.clientIdFormat']]);
  });

  test('clientId and username swapped: named, not only "not deviceId_0_signType_YYYYMMDDHH"', () => {
    expect(check(login(right, { clientId: id, username: `${id}_0_0_2025041401` })).bad).toEqual([['clientId', 'huawei.verify.fieldsSwapped'], ['password', 'huawei.verify.fieldsSwapped']]);
  });

  test('a bridge clientId (_3_) parses', () => {
    expect(check(login(right, { clientId: `${id}_3_0_2025041401` })).bad).toEqual([]);
  });

  test('local time (UTC+8) with sign type 1: a lint finding, the signature itself is consistent', () => {
    const ts = '2025041409';
    const r = check(login(hmacHex('sha256', ts, base.secret), { clientId: `${id}_0_1_${ts}` }));
    expect(r).toEqual({ bad: [], notes: [], warnings: ['huawei.verify.localTime'] });
  });

  test('local time with sign type 0 is harmless: nothing said', () => {
    const ts = '2025041409';
    expect(check(login(hmacHex('sha256', ts, base.secret), { clientId: `${id}_0_0_${ts}` })).warnings).toEqual([]);
  });

  test('1970 with sign type 1: no clock at boot', () => {
    const ts = '1970010100';
    expect(check(login(hmacHex('sha256', ts, base.secret), { clientId: `${id}_0_1_${ts}` })).warnings).toEqual(['huawei.verify.noClock']);
  });

  test('C SDK zero-byte retry to hour 24: accepted and named', () => {
    const secret = secretWhere('2025041423', true);
    const variant = login(hmacHex('sha256', '2025041424', secret), { clientId: `${id}_0_0_2025041424` });
    expect(check(variant, secret)).toEqual({ bad: [], notes: ['huawei.verify.cSdkRetry'], warnings: [] });
  });

  test('C SDK zero-byte retry to the next real hour, seen at capture time: accepted and named', () => {
    const secret = secretWhere('2025041401', true);
    const variant = login(hmacHex('sha256', '2025041402', secret), { clientId: `${id}_0_0_2025041402` });
    expect(check(variant, secret).notes).toEqual(['huawei.verify.cSdkRetry']);
    // Without the capture time a real next hour is no evidence of a retry.
    expect(check(variant, secret, null).notes).toEqual([]);
  });

  test('no retry is claimed when the previous hour\'s digest has no zero byte', () => {
    const secret = secretWhere('2025041423', false);
    const r = check(login(hmacHex('sha256', '2025041424', secret), { clientId: `${id}_0_0_2025041424` }), secret);
    expect(r).toEqual({ bad: [], notes: [], warnings: ['huawei.verify.hour'] });
  });

  test('keepalive outside 30-1200 comes back as a lint warning (CONNACK 2)', () => {
    expect(check(login(right, { keepalive: 1800 })).warnings).toEqual(['lint.keepalive.range']);
  });
});
