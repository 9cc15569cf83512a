// Aliyun: the shared vectors (test/fixtures/vectors/aliyun.json, a verbatim copy of shared/vectors/aliyun.json with
// each row's source), defaults, the register/regnwl/connwl flows, bad input, Alink envelopes and verify's named mistakes.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { getSigner, sign, UsageError, type CapturedLogin, type SignParams } from '../../src/index.js';
import { registrationContent, signContent } from '../../src/platforms/aliyun.js';
import vectors from '../fixtures/vectors/aliyun.json' with { type: 'json' };
import { connectHex, shapeOf } from './_connect.js';
import { catchError } from '../helpers/catch-error.js';

const aliyun = getSigner('aliyun');
const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const ctx = { now: NOW, random: 'r4nd0m' };
const base = { productKey: 'a1X2bEnP82z', deviceName: 'example1', deviceSecret: 'ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe' };

type Vector = (typeof vectors)[number];
type Inputs = Record<string, string | number | null | undefined>;

/**
 * The flags a user passes to reproduce an SDK's exact bytes: its clientId core, its |…| extras and their order,
 * its hex case. The doc vectors need none.
 */
const SDK_FLAGS: Readonly<Record<string, SignParams>> = {
  'aliyun/iotkit-embedded-3.0.1/tcp-cn-shanghai-example': { ext: 'timestamp,_v=sdk-c-3.0.1,securemode,signmethod,lan=C,gw=0,ext=0', hexCase: 'upper' },
  'aliyun/js-sdk-1.2.8/CONNECT-capture': { clientId: 'a1ABCdefGHI&device01', signMethod: 'hmacsha1', ext: 'lan=NodeJS,_v=1.2.8' },
};

/** One adapter for the file's input spellings (camelCase rows, and the Python SDK's snake_case row). */
function paramsOf(v: Vector): SignParams {
  const i = v.inputs as Inputs;
  const str = (x: unknown): string | undefined => (x === undefined || x === null ? undefined : String(x));
  const common = { host: v.expected.host, port: String(v.expected.port) };
  if (i.auth_type !== undefined) {
    return { ...common, productKey: str(i.product_key), deviceName: str(i.device_name), productSecret: str(i.product_secret), authType: str(i.auth_type), random: str(i.random) };
  }
  return {
    ...common,
    productKey: str(i.productKey),
    deviceName: str(i.deviceName),
    deviceSecret: str(i.deviceSecret),
    clientId: str(i.clientId),
    signMethod: str(i.signmethod),
    timestamp: i.timestamp === null ? 'none' : str(i.timestamp),
    secureMode: str(i.securemode),
    ...SDK_FLAGS[v.name],
  };
}

describe('aliyun.json vectors', () => {
  test.each(vectors)('$name: clientId, username, password', (v) => {
    const { credentials, broker } = sign('aliyun', paramsOf(v), ctx);
    expect(credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([broker.host, broker.port]).toEqual([v.expected.host, v.expected.port]);
  });

  test.each(vectors.filter((v) => 'doc_stated_password' in v))('$name: equals the doc\'s uppercase value ignoring case', (v) => {
    const { password } = sign('aliyun', paramsOf(v), ctx).credentials;
    expect(password!.toUpperCase()).toBe((v as { doc_stated_password: string }).doc_stated_password);
  });

  test.each(vectors)('$name: the signed content', (v) => {
    const i = v.inputs as Inputs;
    const p = paramsOf(v);
    const content = p.authType
      ? registrationContent(p.deviceName!, p.productKey!, p.random!)
      : signContent(p.clientId ?? `${p.productKey}.${p.deviceName}`, p.deviceName!, p.productKey!, p.timestamp === 'none' ? undefined : p.timestamp);
    if (i.signContent !== undefined) expect(content).toBe(i.signContent);
    // Independently: the password is the HMAC of that content under the secret as UTF-8 text.
    const hash = ({ hmacsha256: 'sha256', hmacsha1: 'sha1', hmacmd5: 'md5' } as const)[(p.signMethod ?? 'hmacsha256') as 'hmacsha256'];
    const key = p.productSecret ?? p.deviceSecret!;
    expect(createHmac(hash, key).update(content).digest('hex')).toBe(v.expected.password.toLowerCase());
  });

  test.each(vectors.filter((v) => 'connect_packet_hex' in v))('$name: CONNECT bytes', (v) => {
    const row = v as Vector & { connect_packet_hex: string; mqtt: { level: number; flags: number; keepalive: number } };
    expect(connectHex(sign('aliyun', paramsOf(v), ctx).credentials, shapeOf(row.mqtt))).toBe(row.connect_packet_hex);
  });

  test.each(vectors)('$name: verify accepts the vector login', (v) => {
    const p = paramsOf(v);
    const login = { clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password, keepalive: 300 };
    const result = aliyun.verify!(login, p, { now: NOW });
    expect(result.fields.filter((f) => !f.ok)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('defaults', () => {
  test('plain TCP: core <pk>.<dn>, securemode 3, hmacsha256, timestamp = now in ms, legacy host, port 1883, lowercase hex', () => {
    const r = sign('aliyun', base, ctx);
    expect(r.credentials.clientId).toBe(`a1X2bEnP82z.example1|securemode=3,signmethod=hmacsha256,timestamp=${NOW}|`);
    expect(r.credentials.password).toMatch(/^[0-9a-f]{64}$/);
    expect(r.broker).toEqual({ host: 'a1X2bEnP82z.iot-as-mqtt.cn-shanghai.aliyuncs.com', port: 1883, tls: false, url: 'mqtt://a1X2bEnP82z.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883', websocket: 'ws://a1X2bEnP82z.iot-as-mqtt.cn-shanghai.aliyuncs.com:443', websocketUnverified: false });
    // securemode 3 cannot connect new devices on accounts created after 2022-08-02.
    expect(r.warnings.map((w) => w.code)).toEqual(['aliyun.securemode.plain']);
    expect(r.rules.keepalive).toEqual({ min: 30, max: 1200, default: 300, recommendedMin: 300 });
  });

  test('--tls: securemode 2, mqtts, no plain-TCP warning', () => {
    const r = sign('aliyun', { ...base, tls: 'true' }, ctx);
    expect(r.credentials.clientId).toContain('|securemode=2,');
    expect(r.broker.url).toBe('mqtts://a1X2bEnP82z.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883');
    expect(r.warnings).toEqual([]);
  });

  test.each([
    ['--region', { region: 'ap-southeast-1' }, 'a1X2bEnP82z.iot-as-mqtt.ap-southeast-1.aliyuncs.com'],
    ['--instance', { instance: 'iot-06z00ax1o4cd4nd' }, 'iot-06z00ax1o4cd4nd.mqtt.iothub.aliyuncs.com'],
    ['--host over --instance', { instance: 'iot-x', host: '127.0.0.1' }, '127.0.0.1'],
  ])('%s sets the host', (_name, extra, host) => {
    expect(sign('aliyun', { ...base, ...extra }, ctx).broker.host).toBe(host);
  });

  test.each([
    ['--timestamp none leaves it out of clientId and content', { timestamp: 'none' }, 'a1X2bEnP82z.example1|securemode=3,signmethod=hmacsha256|', undefined],
    ['--static signs the C SDKs\' 2524608000000', { static: 'true' }, 'a1X2bEnP82z.example1|securemode=3,signmethod=hmacsha256,timestamp=2524608000000|', '2524608000000'],
    ['--timestamp in seconds, as the Python SDK sends', { timestamp: '1718452800' }, 'a1X2bEnP82z.example1|securemode=3,signmethod=hmacsha256,timestamp=1718452800|', '1718452800'],
  ])('%s', (_name, extra, clientId, ts) => {
    const r = sign('aliyun', { ...base, ...extra }, ctx);
    expect(r.credentials.clientId).toBe(clientId);
    const content = signContent('a1X2bEnP82z.example1', 'example1', 'a1X2bEnP82z', ts);
    expect(r.credentials.password).toBe(createHmac('sha256', base.deviceSecret).update(content).digest('hex'));
  });

  test('--ext: extras after the standard entries; a trailing comma is kept (LinkSDK)', () => {
    const r = sign('aliyun', { ...base, static: 'true', ext: '_ss=1,_v=sdk-c-4.2.0,ext=3,' }, ctx);
    expect(r.credentials.clientId).toBe('a1X2bEnP82z.example1|securemode=3,signmethod=hmacsha256,timestamp=2524608000000,_ss=1,_v=sdk-c-4.2.0,ext=3,|');
    // Extras are never signed.
    expect(r.credentials.password).toBe(sign('aliyun', { ...base, static: 'true' }, ctx).credentials.password);
  });

  test('--secure-mode 3 with --tls does not match the transport', () => {
    const codes = sign('aliyun', { ...base, tls: 'true', secureMode: '3' }, ctx).warnings.map((w) => w.code);
    expect(codes).toEqual(['aliyun.securemode.transport', 'aliyun.securemode.plain']);
  });

  test('shapes the platform does not use are warnings, never errors: ProductKey, DeviceName, DeviceSecret', () => {
    const r = sign('aliyun', { productKey: 'pk', deviceName: 'dev', deviceSecret: 'secret', tls: 'true' }, ctx);
    expect(r.warnings.map((w) => [w.code, w.params])).toEqual([
      ['aliyun.productKey.shape', { value: 'pk' }],
      ['aliyun.deviceName.shape', { value: 'dev' }],
      ['aliyun.secret.shape', { length: 6 }],
    ]);
  });
});

describe('一型一密 and connwl', () => {
  const reg = { productKey: 'a1ABCdefGHI', deviceName: 'device01', productSecret: 'PsEcReT0123456789' };

  test('register: SDK clientId form, securemode 2, TLS, the reply topic to read', () => {
    const r = sign('aliyun', { ...reg, authType: 'register' }, ctx);
    expect(r.credentials.clientId).toBe('device01.a1ABCdefGHI|random=r4nd0m,authType=register,securemode=2,signmethod=hmacsha256|');
    expect(r.credentials.password).toBe(createHmac('sha256', reg.productSecret).update('deviceNamedevice01productKeya1ABCdefGHIrandomr4nd0m').digest('hex'));
    expect(r.broker.tls).toBe(true);
    expect(r.rules.tlsRequired).toBe(true);
    expect(r.extras).toEqual({ replyTopic: '/ext/register' });
    expect(r.topics).toEqual([{ name: 'register-reply', topic: '/ext/register', direction: 'subscribe', description: expect.any(String) }]);
    expect(r.warnings.map((w) => [w.code, w.level])).toEqual([['aliyun.dynreg.reply', 'info']]);
  });

  test('regnwl on an instance: instanceId entry, the -2 note, /ext/regnwl', () => {
    const r = sign('aliyun', { ...reg, authType: 'regnwl', instance: 'iot-06z00ax1o4cd4nd' }, ctx);
    expect(r.credentials.clientId).toBe('device01.a1ABCdefGHI|random=r4nd0m,authType=regnwl,securemode=2,signmethod=hmacsha256,instanceId=iot-06z00ax1o4cd4nd|');
    expect(r.broker.host).toBe('iot-06z00ax1o4cd4nd.mqtt.iothub.aliyuncs.com');
    expect(r.extras).toEqual({ replyTopic: '/ext/regnwl' });
    expect(r.warnings.map((w) => w.code)).toEqual(['aliyun.dynreg.reply', 'aliyun.dynreg.securemode']);
    expect(sign('aliyun', { ...reg, authType: 'regnwl', instance: 'iot-x', secureMode: '-2' }, ctx).credentials.clientId).toContain(',securemode=-2,');
  });

  test('--random wins over the caller\'s randomness', () => {
    expect(sign('aliyun', { ...reg, authType: 'register', random: 'AbC123' }, ctx).credentials.clientId).toContain('|random=AbC123,');
  });

  test('connwl: the reply\'s clientId and deviceToken, verbatim', () => {
    const r = sign('aliyun', { productKey: 'a1ABCdefGHI', deviceName: 'device01', authType: 'connwl', clientId: 'a1ABCdefGHI.device01', deviceToken: 'tok3n' }, ctx);
    expect(r.credentials).toEqual({ clientId: 'a1ABCdefGHI.device01|securemode=-2,authType=connwl|', username: 'device01&a1ABCdefGHI', password: 'tok3n' });
    expect(r.topics.map((t) => t.name)).toContain('property-post');
  });
});

describe('bad input: one UsageError naming the option', () => {
  test.each([
    ['timestamp not digits', { timestamp: '12:00' }, ctx, 'platform.time.milliseconds', '--timestamp'],
    ['--static with --timestamp', { static: 'true', timestamp: '1' }, ctx, 'platform.param.conflict', '--static'],
    ['--ext setting a computed entry', { ext: 'securemode=2' }, ctx, 'aliyun.ext.format', '--ext'],
    ['--ext with an empty entry', { ext: 'a=1,,b=2' }, ctx, 'aliyun.ext.format', '--ext'],
    ['--ext with an unknown bare key', { ext: 'lan' }, ctx, 'aliyun.ext.format', '--ext'],
    ['--ext with a repeated key', { ext: 'a=1,a=2' }, ctx, 'aliyun.ext.format', '--ext'],
    ['--ext value with |', { ext: 'a=1|2' }, ctx, 'aliyun.ext.format', '--ext'],
    ['--product-secret without --auth-type', { productSecret: 'ps' }, ctx, 'aliyun.param.mode', '--product-secret'],
    ['--device-token without connwl', { deviceToken: 't' }, ctx, 'aliyun.param.mode', '--device-token'],
    ['--timestamp with register', { authType: 'register', productSecret: 'ps', deviceSecret: undefined, timestamp: '1' }, ctx, 'aliyun.param.mode', '--timestamp'],
    ['register without --product-secret', { authType: 'register', deviceSecret: undefined }, ctx, 'platform.secret.missing', '--product-secret'],
    ['register without any randomness', { authType: 'register', productSecret: 'ps', deviceSecret: undefined }, { now: NOW }, 'platform.random.missing', '--random'],
    ['--random with a comma', { authType: 'register', productSecret: 'ps', deviceSecret: undefined, random: 'a,b' }, ctx, 'platform.param.chars', '--random'],
    ['connwl without --device-token', { authType: 'connwl', clientId: 'c', deviceSecret: undefined }, ctx, 'platform.secret.missing', '--device-token'],
    ['connwl without --client-id', { authType: 'connwl', deviceToken: 't', deviceSecret: undefined }, ctx, 'platform.param.missing', '--client-id'],
    ['no --secret', { deviceSecret: undefined }, ctx, 'platform.secret.missing', '--secret'],
    ['--client-id with |', { clientId: 'a|b' }, ctx, 'platform.param.chars', '--client-id'],
    ['--device with /', { deviceName: 'a/b' }, ctx, 'platform.param.chars', '--device'],
    ['--device with &', { deviceName: 'a&b' }, ctx, 'platform.param.chars', '--device'],
    ['--product with a dot', { productKey: 'a1.b' }, ctx, 'platform.param.chars', '--product'],
    ['--port 0', { port: '0' }, ctx, 'platform.param.integer', '--port'],
    ['--port 65536', { port: '65536' }, ctx, 'platform.param.integer', '--port'],
    ['--port x', { port: 'x' }, ctx, 'platform.param.integer', '--port'],
    ['--host a URL of another scheme', { host: 'http://h:1883' }, ctx, 'host.scheme', '--host'],
    ['--region with a space', { region: 'cn shanghai' }, ctx, 'platform.param.chars', '--region'],
    ['--secure-mode 5', { secureMode: '5' }, ctx, 'platform.param.choice', '--secure-mode'],
    ['--tls yes', { tls: 'yes' }, ctx, 'platform.param.choice', '--tls'],
  ])('%s', (_name, extra, context, code, option) => {
    const err = catchError(() => sign('aliyun', { ...base, ...extra }, context));
    expect(err).toBeInstanceOf(UsageError);
    expect([err.code, err.params.option]).toEqual([code, option]);
    expect(err.message).not.toContain(base.deviceSecret);
  });
});

describe('envelopes (Alink)', () => {
  test.each([
    ['property-post', '{"id":"7","version":"1.0","params":{"temp":10},"method":"thing.event.property.post"}'],
    ['property-batch-post', '{"id":"7","version":"1.0","params":{"temp":10},"method":"thing.event.property.batch.post"}'],
    ['property-set-reply', '{"id":"7","code":200,"data":{"temp":10}}'],
  ])('%s', (name, json) => {
    expect(aliyun.envelope!(name, { temp: 10 }, { now: NOW, messageId: '7' })).toBe(json);
  });

  test('without a message id, the id is the seconds of now (a decimal string within uint32)', () => {
    expect(JSON.parse(aliyun.envelope!('property-post', {}, { now: NOW }) as string).id).toBe(String(NOW / 1000));
  });

  test('a topic without an envelope, and properties that are not an object, are UsageErrors', () => {
    expect(catchError(() => aliyun.envelope!('shadow-get', {}, ctx)).code).toBe('platform.envelope.unknown');
    expect(catchError(() => aliyun.envelope!('property-post', [1], ctx)).code).toBe('platform.envelope.properties');
  });

  test('the standard topics carry the device\'s own path', () => {
    const topics = sign('aliyun', base, ctx).topics;
    expect(topics.find((t) => t.name === 'property-post')).toMatchObject({ topic: '/sys/a1X2bEnP82z/example1/thing/event/property/post', direction: 'publish' });
    expect(topics.find((t) => t.name === 'user-get')).toMatchObject({ topic: '/a1X2bEnP82z/example1/user/get', direction: 'subscribe' });
  });
});

describe('verify: each known mistake, made on purpose, is named', () => {
  const pk = 'a1X2bEnP82z';
  const dn = 'example1';
  const secret = base.deviceSecret;
  const core = `${pk}.${dn}`;
  const clientId = `${core}|securemode=2,signmethod=hmacsha256,timestamp=1700000000000|`;
  const good = signContent(core, dn, pk, '1700000000000');
  const h = (hash: string, key: string | Buffer, text: string) => createHmac(hash, key).update(text).digest('hex');
  const login = (password: string, over: Partial<CapturedLogin> = {}): CapturedLogin => ({ clientId, username: `${dn}&${pk}`, password, keepalive: 300, ...over });
  const check = (l: CapturedLogin, p: SignParams = { deviceSecret: secret }) => {
    const r = aliyun.verify!(l, p, { now: NOW });
    return { ok: r.ok, bad: r.fields.filter((f) => !f.ok).map((f) => [f.name, f.causeCode ?? null]), notes: r.fields.filter((f) => f.ok && f.cause).map((f) => f.causeCode) };
  };

  test.each([
    ['the whole clientId signed', h('sha256', secret, signContent(clientId, dn, pk, '1700000000000')), [['password', 'aliyun.verify.wholeClientId']]],
    ['timestamp in the clientId but not signed', h('sha256', secret, signContent(core, dn, pk, undefined)), [['password', 'aliyun.verify.timestamp']]],
    ['label hmacsha256, HMAC-SHA1 used', h('sha1', secret, good), [['password', 'aliyun.verify.signmethod']]],
    ['label hmacsha256, HMAC-MD5 used', h('md5', secret, good), [['password', 'aliyun.verify.signmethod']]],
    ['the secret base64-decoded', h('sha256', Buffer.from(secret, 'base64'), good), [['password', 'aliyun.verify.base64Key']]],
    ['a wrong secret', h('sha256', 'another-secret', good), [['password', 'verify.mismatch']]],
    ['HMAC key and message swapped', h('sha256', good, secret), [['password', 'aliyun.verify.swapped']]],
    ['fields in another order', h('sha256', secret, `deviceName${dn}productKey${pk}clientId${core}timestamp1700000000000`), [['password', 'aliyun.verify.order']]],
    ['timestamp first (an iotkit ext order carried into the signed string)', h('sha256', secret, `timestamp1700000000000clientId${core}deviceName${dn}productKey${pk}`), [['password', 'aliyun.verify.order']]],
    ['& and = separators', h('sha256', secret, `clientId=${core}&deviceName=${dn}&productKey=${pk}&timestamp=1700000000000`), [['password', 'aliyun.verify.separators']]],
    ['& between fields only', h('sha256', secret, `clientId${core}&deviceName${dn}&productKey${pk}&timestamp1700000000000`), [['password', 'aliyun.verify.separators']]],
    [', separators', h('sha256', secret, `clientId=${core},deviceName=${dn},productKey=${pk},timestamp=1700000000000`), [['password', 'aliyun.verify.separators']]],
    ['values without names', h('sha256', secret, `${core}${dn}${pk}1700000000000`), [['password', 'aliyun.verify.valuesOnly']]],
    ['the |…| parameters signed, sorted with the rest', h('sha256', secret, `clientId${core}deviceName${dn}productKey${pk}securemode2signmethodhmacsha256timestamp1700000000000`), [['password', 'aliyun.verify.blockSigned']]],
    ['the |…| block appended', h('sha256', secret, `${good}|securemode=2,signmethod=hmacsha256,timestamp=1700000000000|`), [['password', 'aliyun.verify.blockSigned']]],
    ['plain SHA-256 of the content', createHash('sha256').update(good).digest('hex'), [['password', 'aliyun.verify.plainHash']]],
    ['plain SHA-256 of content + secret', createHash('sha256').update(good + secret).digest('hex'), [['password', 'aliyun.verify.plainHash']]],
    ['plain MD5 of secret + content (the length betrays MD5)', createHash('md5').update(secret + good).digest('hex'), [['password', 'aliyun.verify.plainHash']]],
    ['the HMAC written in base64, not hex', createHmac('sha256', secret).update(good).digest('base64'), [['password', 'verify.base64Output']]],
    ['the secret pasted with a line end', h('sha256', `${secret}\n`, good), [['password', 'verify.secretWhitespace']]],
    ['the secret pasted with CR LF', h('sha256', `${secret}\r\n`, good), [['password', 'verify.secretWhitespace']]],
    ['the secret pasted with a trailing space', h('sha256', `${secret} `, good), [['password', 'verify.secretWhitespace']]],
    ['the secret pasted after a space', h('sha256', ` ${secret}`, good), [['password', 'verify.secretWhitespace']]],
    ['timestamp=… in ms in the clientId, seconds signed', h('sha256', secret, signContent(core, dn, pk, '1700000000')), [['password', 'aliyun.verify.timestampUnits']]],
  ])('%s', (_name, password, bad) => {
    expect(check(login(password))).toEqual({ ok: false, bad, notes: [] });
  });

  test('the ProductSecret used where the DeviceSecret belongs, named when --product-secret is given too', () => {
    const productSecret = 'pRoDuCtSeCrEt0123456789abcdefABCD';
    const password = h('sha256', productSecret, good);
    expect(check(login(password), { deviceSecret: secret, productSecret }).bad).toEqual([['password', 'aliyun.verify.productSecret']]);
    expect(check(login(password)).bad).toEqual([['password', 'verify.mismatch']]);
  });

  test('seconds in the clientId, ms signed', () => {
    const seconds = login(h('sha256', secret, signContent(core, dn, pk, '1700000000000')), { clientId: clientId.replace('1700000000000', '1700000000') });
    expect(check(seconds).bad).toEqual([['password', 'aliyun.verify.timestampUnits']]);
  });

  test('a timestamp signed but left out of the clientId: found for the C SDKs\' fixed one and for the --timestamp given', () => {
    const noTs = `${core}|securemode=2,signmethod=hmacsha256|`;
    const fixed = login(h('sha256', secret, signContent(core, dn, pk, '2524608000000')), { clientId: noTs });
    expect(check(fixed).bad).toEqual([['password', 'aliyun.verify.timestampMissing']]);
    const given = login(h('sha256', secret, good), { clientId: noTs });
    expect(check(given).bad).toEqual([['password', 'verify.mismatch']]);
    expect(check(given, { deviceSecret: secret, timestamp: '1700000000000' }).bad).toEqual([['password', 'aliyun.verify.timestampMissing']]);
  });

  test('clientId and username swapped: named, not "not an Aliyun login"', () => {
    const r = aliyun.verify!(login(h('sha256', secret, good), { clientId: `${dn}&${pk}`, username: clientId }), { deviceSecret: secret }, { now: NOW });
    expect(r.fields.map((f) => [f.name, f.causeCode])).toEqual([['clientId', 'aliyun.verify.fieldsSwapped']]);
  });

  test('the DeviceSecret used to sign a registration, named when --secret is given too', () => {
    const regId = `${dn}.${pk}|random=77,authType=register,securemode=2,signmethod=hmacsha256|`;
    const reg = login(h('sha256', secret, registrationContent(dn, pk, '77')), { clientId: regId });
    expect(check(reg, { productSecret: 'ps', deviceSecret: secret }).bad).toEqual([['password', 'aliyun.verify.deviceSecret']]);
    expect(check(reg, { productSecret: 'ps' }).bad).toEqual([['password', 'verify.mismatch']]);
  });

  test('the order and separators are named in the cause', () => {
    const order = aliyun.verify!(login(h('sha256', secret, `deviceName${dn}productKey${pk}clientId${core}timestamp1700000000000`)), { deviceSecret: secret }, {});
    expect(order.fields.find((f) => f.name === 'password')!.causeParams).toEqual({ order: 'deviceName, productKey, clientId, timestamp' });
    const seps = aliyun.verify!(login(h('sha256', secret, `clientId=${core}&deviceName=${dn}&productKey=${pk}&timestamp=1700000000000`)), { deviceSecret: secret }, {});
    expect(seps.fields.find((f) => f.name === 'password')!.cause).toContain('clientId=…&deviceName=…&…');
  });

  test('uppercase hex verifies, with a note that Aliyun takes either case', () => {
    expect(check(login(h('sha256', secret, good).toUpperCase()))).toEqual({ ok: true, bad: [], notes: ['aliyun.verify.upperHex'] });
    expect(check(login(h('sha256', secret, good)))).toEqual({ ok: true, bad: [], notes: [] });
  });

  test('the label and the HMAC named in the cause', () => {
    const r = aliyun.verify!(login(h('sha1', secret, good)), { deviceSecret: secret }, {});
    expect(r.fields.find((f) => f.name === 'password')!.causeParams).toEqual({ label: 'hmacsha256', actual: 'hmacsha1' });
  });

  test('pk&dn instead of dn&pk: named with --product/--device, and found from the signature without them', () => {
    const swapped = login(h('sha256', secret, good), { username: `${pk}&${dn}` });
    expect(check(swapped, { deviceSecret: secret, productKey: pk, deviceName: dn })).toEqual({ ok: false, bad: [['username', 'aliyun.verify.usernameOrder']], notes: [] });
    expect(check(swapped)).toEqual({ ok: false, bad: [['username', 'aliyun.verify.usernameOrder']], notes: [] });
  });

  test('another device\'s username: the password is still right for the device given', () => {
    expect(check(login(h('sha256', secret, good), { username: `other&${pk}` }), { deviceSecret: secret, productKey: pk, deviceName: dn }).bad)
      .toEqual([['username', 'aliyun.verify.username']]);
  });

  test('a clientId without its |…| block', () => {
    expect(check(login(h('sha256', secret, good), { clientId: core })).bad[0]).toEqual(['clientId', 'aliyun.verify.clientIdFormat']);
  });

  test('no |…| parameters and no deviceName&productKey username: not an Aliyun login, one field, nothing "expected"', () => {
    for (const over of [{ clientId: 'corpus-sub311', username: null, password: null }, { clientId: 'dev|x=1|', username: 'alice', password: 'pw' }]) {
      const r = aliyun.verify!(login('', over), { deviceSecret: secret }, { now: NOW });
      expect(r.ok).toBe(false);
      expect(r.fields).toEqual([expect.objectContaining({ name: 'clientId', ok: false, expected: null, causeCode: 'aliyun.verify.notAliyun' })]);
    }
  });

  test('an Aliyun clientId with no password: named as missing, not as a mistake that does not apply', () => {
    expect(check(login('', { password: null })).bad).toEqual([['password', 'aliyun.verify.noPassword']]);
  });

  test('an unknown signmethod label', () => {
    expect(check(login(h('sha256', secret, good), { clientId: `${core}|securemode=2,signmethod=sha256|` })).bad).toEqual([['password', 'aliyun.verify.signmethodLabel']]);
  });

  test('no signmethod: the doc default hmacmd5', () => {
    const md5Login = login(h('md5', secret, signContent(core, dn, pk, undefined)), { clientId: `${core}|securemode=3|` });
    expect(check(md5Login)).toEqual({ ok: true, bad: [], notes: [] });
  });

  test('register is checked with the ProductSecret, connwl by comparing the token', () => {
    const regId = `${dn}.${pk}|random=77,authType=register,securemode=2,signmethod=hmacsha256|`;
    const reg = login(h('sha256', 'ps', registrationContent(dn, pk, '77')), { clientId: regId });
    expect(check(reg, { productSecret: 'ps' }).ok).toBe(true);
    expect(check(reg, { productSecret: 'other' }).bad).toEqual([['password', 'verify.mismatch']]);
    const conn = login('tok', { clientId: `${core}|securemode=-2,authType=connwl|` });
    expect(check(conn, { deviceToken: 'tok' }).ok).toBe(true);
    expect(check(conn, { deviceToken: 'other' }).bad).toEqual([['password', 'aliyun.verify.token']]);
  });

  test('lint findings come along: keepalive out of range, securemode 3', () => {
    const r = aliyun.verify!(login(h('sha256', secret, good), { keepalive: 10, clientId: clientId.replace('securemode=2', 'securemode=3') }), { deviceSecret: secret }, { now: NOW });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['aliyun.securemode.plain', 'lint.keepalive.range']);
  });

  test('the secret the check needs is a UsageError when missing', () => {
    expect(catchError(() => aliyun.verify!(login('x'), {}, {})).params.option).toBe('--secret');
  });
});
