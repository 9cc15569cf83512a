/**
 * China Mobile OneNET, the legacy "MQTT 多协议接入": plain credentials, no signing; data points on `$dp`.
 * PLATFORMS.md §3.2; SDK github.com/cm-heclouds/MQTT (mqtt_sdk/src/mqtt.c).
 */
import { UsageError } from '../errors.js';
import { HOST_HELP, readEndpoint } from './_endpoint.js';
import { envelopeProperties, fieldCheck, loginConnect, readParams } from './_signer.js';
import { lintConnect } from './lint.js';
import { defineSigner, type CapturedLogin, type EnvelopeContext, type PlatformRules, type SignContext, type SignParams, type SignResult, type VerifyResult } from './types.js';
import { PLATFORM_TITLES } from './names.js';

const ID = 'onenet-legacy';

const params = [
  { name: 'productId', flag: 'product', valueName: 'productId', required: true, description: 'product ID (产品ID), numeric' },
  { name: 'deviceId', flag: 'device-id', valueName: 'deviceId', required: true, description: 'device ID (设备ID), numeric' },
  { name: 'authInfo', flag: 'auth-info', valueName: 'text', required: true, secret: true, env: 'MQTT_SIGN_AUTH_INFO', description: 'auth_info (鉴权信息) set when the device was created, or the APIKey' },
  { name: 'host', flag: 'host', valueName: 'host', default: '183.230.40.39', description: HOST_HELP },
  { name: 'port', flag: 'port', valueName: 'port', default: '6002', description: 'broker port' },
  { name: 'tls', flag: 'tls', boolean: true, description: 'TLS: not offered by the legacy access, which is plain TCP on port 6002' },
] as const;

// Our sources give no keepalive range, QoS, retain or will limits for the legacy access; the SDK speaks 3.1.1.
const rules: PlatformRules = {
  keepalive: { min: 0, max: 65535, default: 120 },
  tlsRequired: false,
  qos: [0, 1, 2],
  retain: true,
  will: true,
  protocolVersions: [4],
  expiresAt: null,
};

export default defineSigner({
  id: ID,
  title: PLATFORM_TITLES['onenet-legacy'],
  docs: ['https://open.iot.10086.cn/doc/multiprotocol/book/manual/auth/token.html', 'https://github.com/cm-heclouds/MQTT'],
  params,
  example: 'onenet-legacy --product 339 --device-id 9277 --auth-info device-9277-auth',
  sign,
  envelope,
  verify,
});

function sign(values: SignParams, _ctx: SignContext): SignResult {
  const p = readParams(ID, params, values);
  const productId = p.matching('productId', /^\d{1,20}$/, 'digits')!;
  const deviceId = p.matching('deviceId', /^\d{1,20}$/, 'digits')!;
  const endpoint = readEndpoint(p, { host: p.require('host'), port: () => 6002 });
  // PLATFORMS.md §3.2 (the SDK's sample and every write-up): 183.230.40.39:6002, plain TCP; no TLS endpoint is documented.
  if (endpoint.tls) throw new UsageError('onenet-legacy.tls', { option: p.given('tls') ? p.option('tls') : p.option('host') });
  return {
    platform: ID,
    credentials: { clientId: deviceId, username: productId, password: p.require('authInfo') },
    broker: endpoint,
    rules,
    topics: [{ name: 'dp-post', topic: '$dp', direction: 'publish', description: 'upload data points (type 3: {"stream":value,…})', payload: '{"temperature":22.5}' }],
    warnings: [],
  };
}

/** `$dp` type 3: a type byte 3, the JSON's byte length as u16 big-endian, then the JSON (mqtt.c Mqtt_PackDataPointByString). */
function envelope(topicName: string, input: unknown, _ctx: EnvelopeContext): Uint8Array {
  const properties = envelopeProperties(ID, ['dp-post'], topicName, input);
  const json = Buffer.from(JSON.stringify(properties), 'utf8');
  if (json.length > 0xffff) throw new UsageError('onenet-legacy.dp.length', { length: json.length });
  const out = new Uint8Array(3 + json.length);
  out[0] = 3;
  new DataView(out.buffer).setUint16(1, json.length);
  out.set(json, 3);
  return out;
}

/** Nothing is signed: the fields are compared as strings. */
function verify(login: CapturedLogin, values: SignParams, ctx: { now?: number }): VerifyResult {
  const p = readParams(ID, params, values);
  const authInfo = p.require('authInfo');
  const productId = p.get('productId');
  const deviceId = p.get('deviceId');
  const swapped = productId !== undefined && deviceId !== undefined && login.clientId === productId && login.username === deviceId;
  const idCheck = (name: string, expected: string | undefined, actual: string | null) => {
    if (expected === undefined) {
      const numeric = actual !== null && /^\d+$/.test(actual);
      return fieldCheck(name, numeric, null, actual, numeric ? null : { code: 'onenet-legacy.verify.numeric' });
    }
    const ok = actual === expected;
    return fieldCheck(name, ok, expected, actual, ok ? null : { code: swapped ? 'onenet-legacy.verify.swapped' : 'onenet-legacy.verify.id' });
  };
  const passwordOk = login.password === authInfo;
  const fields = [
    idCheck('clientId', deviceId, login.clientId),
    idCheck('username', productId, login.username),
    fieldCheck('password', passwordOk, null, login.password, passwordOk ? null : { code: login.password?.trim() === authInfo.trim() ? 'generic.verify.whitespace' : 'onenet-legacy.verify.authInfo' }),
  ];
  return { ok: fields.every((f) => f.ok), fields, warnings: lintConnect(rules, loginConnect(login), ctx.now ?? 0) };
}
