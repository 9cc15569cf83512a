/**
 * Huawei Cloud IoTDA (设备接入), secret authentication: the UTC hour is the HMAC key, the secret the message.
 * PLATFORMS.md §4; https://support.huaweicloud.com/api-iothub/iot_06_v5_3009.html
 */
import { UsageError } from '../errors.js';
import { hmac, type HashName } from './_crypto.js';
import { HOST_HELP, readEndpoint } from './_endpoint.js';
import { envelopeProperties, fieldCheck, loginConnect, readParams, topic, warning, type Cause } from './_signer.js';
import { lintConnect } from './lint.js';
import { defineSigner, type PayloadEnvelope, type CapturedLogin, type EnvelopeContext, type FieldCheck, type PlatformRules, type PlatformTopic, type SignContext, type SignParams, type SignResult, type VerifyResult, type Warning } from './types.js';
import { PLATFORM_TITLES } from './names.js';

const ID = 'huawei';
const HOUR = 3_600_000;
/** Basic edition / legacy host; standard and enterprise instances have their own, shown in the console (总览 → 接入信息). */
const DEFAULT_HOST = 'iot-mqtts.cn-north-4.myhuaweicloud.com';
/** deviceId_0_signType_YYYYMMDDHH, parsed from the right because deviceIds contain "_"; "_3_" is a bridge. */
const CLIENT_ID = /^(.+)_([03])_([012])_(\d{10})$/;

const params = [
  { name: 'deviceId', flag: 'device', valueName: 'deviceId', required: true, description: 'device ID (设备ID), e.g. <product_id>_<node_id>; A-Z a-z 0-9 _ -, at most 128' },
  { name: 'secret', flag: 'secret', valueName: 'secret', required: true, secret: true, env: 'MQTT_SIGN_SECRET', description: 'device secret (密钥)' },
  { name: 'timestamp', flag: 'timestamp', valueName: 'YYYYMMDDHH', description: 'UTC hour signed as the HMAC key (default: the current UTC hour)' },
  { name: 'signType', flag: 'sign-type', valueName: 'n', choices: ['0', '1', '2'], default: '0', description: '0: HMAC-SHA256, no time check (for devices without a clock); 1: HMAC-SHA256 with the check; 2: HMAC-SM3 with the check' },
  { name: 'host', flag: 'host', valueName: 'host', default: DEFAULT_HOST, description: `${HOST_HELP}, from the console (总览 → 接入信息)` },
  { name: 'port', flag: 'port', valueName: 'port', description: 'broker port (default 1883, 8883 with --tls)' },
  { name: 'tls', flag: 'tls', boolean: true, description: 'connect over TLS (MQTTS, port 8883)' },
  { name: 'serviceId', flag: 'service-id', valueName: 'id', description: 'service_id of the product model, for --publish property-post with plain properties' },
] as const;

const rules: PlatformRules = {
  // Outside 30-1200 s the broker answers CONNACK 2.
  keepalive: { min: 30, max: 1200, default: 120 },
  tlsRequired: false,
  qos: [0, 1],
  retain: false,
  will: false,
  protocolVersions: [3, 4, 5],
  maxPayload: 1024 * 1024,
  expiresAt: null,
  // Every topic of the platform has levels (PLATFORMS.md topics): a value without "/" is a mistyped name.
  topicShape: {},
};

// Huawei device messages (PLATFORMS.md §4): property reports and get responses carry "services".
const payloadEnvelopes: readonly PayloadEnvelope[] = [
  {
    topic: '\\$oc/devices/[^/]+/sys/(?:properties/report(?:\\?.*)?|properties/get/response/request_id=[^/]+)',
    envelope: 'Huawei services',
    required: ['services'],
    example: '{"services":[{"service_id":"Temperature","properties":{"value":57}}]}',
    // PLATFORMS.md §4: a list of services, each {service_id, properties[, event_time]}. event_time's format is only
    // shown by example there, so only its type is checked.
    inner: [
      { path: 'services', is: 'array', example: '[{"service_id":"Temperature","properties":{"value":57}}]' },
      { path: 'services[]', is: 'object', keys: ['service_id', 'properties'], example: '{"service_id":"Temperature","properties":{"value":57}}' },
      { path: 'services[].service_id', is: 'string', example: '"Temperature"' },
      { path: 'services[].properties', is: 'object', example: '{"value":57}' },
      { path: 'services[].event_time', is: 'string', example: '"20151212T121212Z"' },
    ],
  },
];

export default defineSigner({
  id: ID,
  title: PLATFORM_TITLES.huawei,
  docs: ['https://support.huaweicloud.com/api-iothub/iot_06_v5_3009.html', 'https://support.huaweicloud.com/devg-ocsmartcampus/ocsmartcampus_04_0030.html'],
  params,
  example: 'huawei --device 5f052ac562369102d42b0fb6_demo --secret 12345678 --timestamp 2025041401',
  sign,
  envelope,
  payloadEnvelopes,
  verify,
});

function sign(values: SignParams, ctx: SignContext): SignResult {
  const p = readParams(ID, params, values);
  const deviceId = p.matching('deviceId', /^[A-Za-z0-9_-]{1,128}$/, 'A-Z a-z 0-9 _ -, at most 128 characters')!;
  const signType = p.require('signType');
  const given = p.get('timestamp');
  const timestamp = given ?? utcHour(ctx.now);
  if (given !== undefined) {
    if (!/^\d{10}$/.test(given)) throw new UsageError('platform.time.hour', { option: p.option('timestamp'), value: given });
    if (hourStart(given) === null) throw new UsageError('huawei.timestamp.hour', { option: p.option('timestamp'), value: given });
  }
  const endpoint = readEndpoint(p, { host: DEFAULT_HOST, port: (tls) => (tls ? 8883 : 1883) });

  const warnings: Warning[] = [];
  if (!p.given('host')) warnings.push(warning('huawei.host.default', { host: DEFAULT_HOST }, 'info'));
  if (signType !== '0') {
    warnings.push(warning('huawei.signType.clock', { signType }));
    const skew = (hourStart(timestamp)! - Math.floor(ctx.now / HOUR) * HOUR) / HOUR;
    if (Math.abs(skew) > 1) warnings.push(warning('huawei.timestamp.skew', { timestamp, hours: skew, signType }));
  }
  if (signType === '2') warnings.push(warning('huawei.signType.sm3'));
  return {
    platform: ID,
    credentials: { clientId: `${deviceId}_0_${signType}_${timestamp}`, username: deviceId, password: password(signType, timestamp, p.require('secret')) },
    broker: endpoint,
    rules,
    topics: topics(deviceId),
    warnings,
  };
}

/** hex(HMAC(key = utf8(timestamp), msg = utf8(secret))): the timestamp is the key ("以时间戳为密钥，对secret进行加密"). */
function password(signType: string, timestamp: string, secret: string): string {
  return hmac(hashOf(signType), timestamp, secret).toString('hex');
}

function hashOf(signType: string): HashName {
  return signType === '2' ? 'sm3' : 'sha256';
}

/** The UTC hour of `now` as YYYYMMDDHH. */
function utcHour(now: number): string {
  return new Date(now).toISOString().slice(0, 13).replace(/\D/g, '');
}

/** ms of a YYYYMMDDHH UTC hour, or null when it is not a real hour (month 13, 30 February, hour 24). */
function hourStart(ts: string): number | null {
  const [y, mo, d, h] = [ts.slice(0, 4), ts.slice(4, 6), ts.slice(6, 8), ts.slice(8, 10)].map(Number) as [number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h);
  return utcHour(ms) === ts ? ms : null;
}

function topics(deviceId: string): PlatformTopic[] {
  const sys = `$oc/devices/${deviceId}/sys`;
  return [
    topic('property-post', `${sys}/properties/report`, 'publish', 'report properties per service', envelope('property-post', { Temperature: { value: 57 } }, { now: 0 })),
    topic('messages-up', `${sys}/messages/up`, 'publish', 'free-form messages up'),
    topic('messages-down', `${sys}/messages/down`, 'subscribe', 'free-form messages down'),
    topic('commands', `${sys}/commands/#`, 'subscribe', 'commands; answer on …/sys/commands/response/request_id={id} within 20 s'),
    topic('property-set', `${sys}/properties/set/#`, 'subscribe', 'the cloud sets properties; answer on …/set/response/request_id={id}'),
    topic('property-get', `${sys}/properties/get/#`, 'subscribe', 'the cloud reads properties; answer on …/get/response/request_id={id}'),
    topic('events-up', `${sys}/events/up`, 'publish', 'OTA, time sync and device info events up'),
    topic('events-down', `${sys}/events/down`, 'subscribe', 'events down'),
    topic('shadow-get-response', `${sys}/shadow/get/response/#`, 'subscribe', 'device shadow replies'),
  ];
}

/**
 * {"services":[{"service_id","properties"}]}: plain properties go into --service-id's service; an object of
 * objects is read as {serviceId: properties} (PLATFORMS.md §4 topics).
 */
function envelope(topicName: string, input: unknown, ctx: EnvelopeContext): string {
  const properties = envelopeProperties(ID, ['property-post'], topicName, input);
  const serviceId = ctx.params?.serviceId;
  if (serviceId) return JSON.stringify({ services: [{ service_id: serviceId, properties }] });
  const entries = Object.entries(properties);
  if (entries.length === 0 || !entries.every(([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v))) {
    throw new UsageError('huawei.envelope.service', { option: '--service-id' });
  }
  return JSON.stringify({ services: entries.map(([service_id, props]) => ({ service_id, properties: props })) });
}

// ---- verify -------------------------------------------------------------------------------------------

function verify(login: CapturedLogin, values: SignParams, ctx: { now?: number }): VerifyResult {
  const p = readParams(ID, params, values);
  const secret = p.require('secret');
  const match = CLIENT_ID.exec(login.clientId);
  const warnings: Warning[] = lintConnect(rules, loginConnect(login), ctx.now ?? 0);
  if (!match) {
    // deviceId_0_signType_YYYYMMDDHH sent as the username and the device ID as the clientId: the two fields swapped.
    const swapped = CLIENT_ID.exec(login.username ?? '')?.[1] === login.clientId;
    const cause: Cause = { code: swapped ? 'huawei.verify.fieldsSwapped' : 'huawei.verify.clientIdFormat' };
    const fields = [fieldCheck('clientId', false, null, login.clientId, cause), fieldCheck('password', false, null, login.password, cause)];
    return { ok: false, fields, warnings };
  }
  const [, idPart, , signType, timestamp] = match as unknown as [string, string, string, string, string];
  const deviceId = p.get('deviceId') ?? idPart;
  const fields: FieldCheck[] = [];
  const clientOk = idPart === deviceId;
  fields.push(fieldCheck('clientId', clientOk, null, login.clientId, clientOk ? null : { code: 'huawei.verify.clientIdDevice', params: { expected: deviceId } }));
  const userOk = login.username === idPart;
  fields.push(fieldCheck('username', userOk, idPart, login.username, userOk ? null : { code: 'huawei.verify.username' }));
  const retry = cSdkRetry(signType, timestamp, secret, ctx.now);
  fields.push(checkPassword(login.password, signType, timestamp, secret, retry));
  if (!retry) warnings.push(...timeFindings(signType, timestamp, ctx.now));
  return { ok: fields.every((f) => f.ok), fields, warnings };
}

function checkPassword(actual: string | null, signType: string, timestamp: string, secret: string, retry: boolean): FieldCheck {
  const expected = password(signType, timestamp, secret);
  if (actual === expected) return fieldCheck('password', true, expected, actual, retry ? { code: 'huawei.verify.cSdkRetry' } : null);
  // Whether the platform takes uppercase hex is an open question (PLATFORMS.md §9): note it, do not fail it.
  if (actual?.toLowerCase() === expected) return fieldCheck('password', true, expected, actual, { code: 'verify.uppercaseHex' });
  const lower = actual?.toLowerCase();
  const other = signType === '2' ? 'sha256' : 'sm3';
  const hash = hashOf(signType);
  // The right HMAC written in base64 instead of hex (base64 is case-sensitive: compared as sent).
  if (actual === hmac(hash, timestamp, secret).toString('base64')) return fieldCheck('password', false, expected, actual, { code: 'verify.base64Output' });
  const mistakes: [Cause, () => string | undefined][] = [
    [{ code: 'huawei.verify.swapped' }, () => hmac(hash, secret, timestamp).toString('hex')],
    [{ code: 'huawei.verify.signType', params: { signType, expected: hmacName(hashOf(signType)), actual: hmacName(other) } }, () => hmac(other, timestamp, secret).toString('hex')],
    // The secret pasted with a line end or a space (from echo, a file, a console copy).
    [{ code: 'verify.secretWhitespace' }, () => ['\n', '\r\n', ' '].flatMap((ws) => [secret + ws, ws + secret]).map((s) => hmac(hash, timestamp, s).toString('hex')).find((v) => v === lower)],
  ];
  const found = mistakes.find(([, attempt]) => attempt() === lower);
  return fieldCheck('password', false, expected, actual, found?.[0] ?? { code: 'verify.mismatch' });
}

function hmacName(hash: HashName): string {
  return hash === 'sm3' ? 'HMAC-SM3' : 'HMAC-SHA256';
}

/**
 * The C SDK (hmac_sha256.c EncryptWithHMac) measures the digest with strlen: when it holds a 0x00 byte the SDK
 * adds 1 to the timestamp as an integer and signs again, writing the new stamp into the clientId. That is this
 * login when the stamp before it was a real hour whose digest has a zero byte, and the stamp itself is no real
 * hour (…24) or one past the capture's UTC hour.
 */
function cSdkRetry(signType: string, timestamp: string, secret: string, now: number | undefined): boolean {
  const previous = String(Number(timestamp) - 1).padStart(10, '0');
  if (hourStart(previous) === null || !hmac(hashOf(signType), previous, secret).includes(0)) return false;
  return hourStart(timestamp) === null || (now !== undefined && previous === utcHour(now));
}

/** Time errors never break the signature (it always uses the clientId's own stamp); they are lint findings. */
function timeFindings(signType: string, timestamp: string, now: number | undefined): Warning[] {
  const start = hourStart(timestamp);
  if (start === null) return [warning('huawei.verify.hour', { timestamp })];
  if (signType === '0' || now === undefined) return [];
  const year = Number(timestamp.slice(0, 4));
  if (year <= 2000) return [warning('huawei.verify.noClock', { timestamp, year })];
  const hours = (start - Math.floor(now / HOUR) * HOUR) / HOUR;
  // Within an hour is a clock edge; a larger whole-hour offset up to a time zone's (UTC-12 … UTC+14) is local
  // time sent as UTC (China: +8).
  if (Math.abs(hours) <= 1) return [];
  if (Math.abs(hours) <= 14) return [warning('huawei.verify.localTime', { timestamp, hours, signType })];
  return [warning('huawei.timestamp.skew', { timestamp, hours, signType })];
}
