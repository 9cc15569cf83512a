/**
 * Tencent Cloud IoT Hub (物联网通信) / IoT Explorer (物联网开发平台), key (PSK) authentication on TCP 1883
 * (PLATFORMS.md §5; https://cloud.tencent.com/document/product/634/32546):
 *   clientId = productId deviceName ; username = clientId;sdkappid;connid;expiry
 *   password = hex(HMAC(b64d(psk), username)) ";hmacsha256" | ";hmacsha1"
 * The key is the base64-DECODED PSK: using the base64 text as the key is the number-one mistake.
 */
import { UsageError } from '../errors.js';
import { hmac } from './_crypto.js';
import { judgeExpiry, readExpiry } from './_expiry.js';
import { HOST_HELP, readEndpoint } from './_endpoint.js';
import { envelopeProperties, fieldCheck, loginConnect, readParams, topic, warning, type Cause, type ParamReader } from './_signer.js';
import { lintConnect } from './lint.js';
import { defineSigner, type PayloadEnvelope, type CapturedLogin, type EnvelopeContext, type FieldCheck, type PlatformRules, type PlatformTopic, type SignContext, type SignParams, type SignResult, type VerifyResult, type Warning } from './types.js';
import { PLATFORM_TITLES } from './names.js';

const ID = 'tencent';
/** The C SDK's "never" (LONG_MAX cut to 17 digits by its buffer): for devices without a clock. */
const TENCENT_NEVER_EXPIRES = '92233720368547758';
const HASHES = { hmacsha256: 'sha256', hmacsha1: 'sha1' } as const;
type SignMethod = keyof typeof HASHES;

/** Key-auth MQTT hosts by region: the doc's default, then the SDKs' regional domains. */
const HOSTS: Readonly<Record<string, (productId: string) => string>> = {
  'ap-guangzhou': (pid) => `${pid}.iotcloud.tencentdevices.com`,
  'us-east': (pid) => `${pid}.us-east.iotcloud.tencentdevices.com`,
  europe: (pid) => `${pid}.europe.iothub.tencentdevices.com`,
  'ap-bangkok': (pid) => `${pid}.ap-bangkok.iothub.tencentdevices.com`,
};

const params = [
  { name: 'productId', flag: 'product', valueName: 'productId', required: true, description: 'product ID (产品 ID), e.g. ABCDEF1234' },
  { name: 'deviceName', flag: 'device', valueName: 'deviceName', required: true, description: 'device name (设备名称)' },
  { name: 'psk', flag: 'psk', valueName: 'base64', required: true, secret: true, env: 'MQTT_SIGN_PSK', description: 'device key (设备密钥), base64 as the console shows it' },
  { name: 'signMethod', flag: 'sign-method', valueName: 'method', choices: ['hmacsha256', 'hmacsha1'], default: 'hmacsha256', description: 'HMAC of the password' },
  { name: 'expires', flag: 'expires', valueName: 'unixSeconds', description: 'when the signature expires, Unix seconds (default: now + --ttl)' },
  { name: 'ttl', flag: 'ttl', valueName: 'seconds', default: '3600', description: 'lifetime of the signature when --expires is not given' },
  { name: 'static', flag: 'static', boolean: true, description: `never expire: the C SDK's expiry ${TENCENT_NEVER_EXPIRES}, for devices without a clock` },
  { name: 'connId', flag: 'conn-id', valueName: 'connid', description: '5 letters or digits, only for tracing (default: generated)' },
  { name: 'sdkappid', flag: 'sdkappid', valueName: 'n', default: '12010126', description: 'sdkappid field of the username (the doc value; the SDKs send 21010406)' },
  { name: 'region', flag: 'region', valueName: 'region', choices: Object.keys(HOSTS), default: 'ap-guangzhou', description: 'region of the MQTT endpoint' },
  { name: 'host', flag: 'host', valueName: 'host', description: `${HOST_HELP} (default: the --region host)` },
  { name: 'port', flag: 'port', valueName: 'port', description: 'broker port (default 1883, 8883 with --tls)' },
  { name: 'tls', flag: 'tls', boolean: true, description: 'connect over TLS (8883 is the certificate mode, which ignores the password; key login is plain TCP 1883)' },
] as const;

// MQTT 3.1.1 only; keepalive 0-900 s (disconnect after 1.5 x keepalive of silence); no will, no retain, no QoS 2.
const rules: PlatformRules = {
  keepalive: { min: 0, max: 900, default: 60 },
  tlsRequired: false,
  qos: [0, 1],
  retain: false,
  will: false,
  protocolVersions: [4],
  expiresAt: null,
  // Every topic of the platform has levels (PLATFORMS.md topics): a value without "/" is a mistyped name.
  topicShape: {},
};

// Tencent data template and shadow (PLATFORMS.md §5): {"method","clientToken","params"}; shadow operations {"type"}.
const payloadEnvelopes: readonly PayloadEnvelope[] = [
  {
    // PLATFORMS.md §5: a report's params is an object of property values.
    topic: '\\$thing/up/property/[^/]+/[^/]+',
    envelope: 'data template',
    required: ['method', 'clientToken'],
    example: '{"method":"report","clientToken":"p-1","params":{"power_switch":1}}',
    inner: [{ path: 'params', is: 'object', example: '{"power_switch":1}' }],
  },
  { topic: '\\$thing/up/(?:event|action)/[^/]+/[^/]+', envelope: 'data template', required: ['method', 'clientToken'], example: '{"method":"report","clientToken":"p-1","params":{"power_switch":1}}' },
  {
    // PLATFORMS.md §5: the device publishes type update or get.
    topic: '\\$shadow/operation/[^/]+/[^/]+',
    envelope: 'shadow',
    required: ['type'],
    example: '{"type":"update","state":{"reported":{}},"clientToken":"p-1"}',
    inner: [{ path: 'type', is: 'string', oneOf: ['update', 'get'], example: '"update"' }],
  },
];

export default defineSigner({
  id: ID,
  title: PLATFORM_TITLES.tencent,
  docs: [
    'https://cloud.tencent.com/document/product/634/32546',
    'https://cloud.tencent.com/document/product/1081/34916',
    'https://cloud.tencent.com/document/product/634/46347',
  ],
  params,
  example: 'tencent --product ABCDEF1234 --device dev001 --psk MDEyMzQ1Njc4OWFiY2RlZg== --static',
  sign,
  envelope,
  payloadEnvelopes,
  verify,
});

function sign(values: SignParams, ctx: SignContext): SignResult {
  const p = readParams(ID, params, values);
  const productId = p.matching('productId', /^[A-Za-z0-9]{1,32}$/, 'letters and digits')!;
  // IoT Explorer's device-name rule (the wider of the two consoles); ";" would split the username.
  const deviceName = p.matching('deviceName', /^[A-Za-z0-9_.:@-]{1,48}$/, '1-48 of A-Z a-z 0-9 _ - . : @')!;
  const key = p.base64('psk');
  const method = p.require('signMethod') as SignMethod;
  const sdkappid = p.matching('sdkappid', /^\d{1,10}$/, 'digits')!;
  const never = p.flag('static');
  for (const other of ['expires', 'ttl']) {
    if (never && p.given(other)) throw new UsageError('platform.param.conflict', { option: p.option('static'), other: p.option(other) });
  }
  const expiry = never ? TENCENT_NEVER_EXPIRES : readExpiry(p, ctx.now);
  const connId = p.matching('connId', /^[A-Za-z0-9]{5}$/, '5 letters or digits') ?? connIdFrom(ctx.random, p);

  const clientId = productId + deviceName;
  const username = `${clientId};${sdkappid};${connId};${expiry}`;
  const password = `${hmac(HASHES[method], key, username).toString('hex')};${method}`;
  const region = p.require('region');
  // The doc gives a WebSocket endpoint (port 80 with a key) for Guangzhou only.
  const websocket = region === 'ap-guangzhou' ? `ws://${productId}.ap-guangzhou.iothub.tencentdevices.com:80/mqtt` : undefined;
  const endpoint = readEndpoint(p, { host: HOSTS[region]!(productId), port: (tls) => (tls ? 8883 : 1883), websocket });

  const warnings: Warning[] = [];
  if (key.length !== 16) warnings.push(warning('tencent.psk.length', { length: key.length }));
  if (never) warnings.push(warning('tencent.expiry.never', { value: TENCENT_NEVER_EXPIRES }, 'info'));
  // PLATFORMS.md §5: on 8883 the certificate mode ignores the password, and the SDK's TLS+key mode is TLS-PSK.
  if (endpoint.tls) warnings.push(warning('tencent.tls.password', { port: endpoint.port }));
  return {
    platform: ID,
    credentials: { clientId, username, password },
    broker: endpoint,
    rules: never ? rules : { ...rules, expiresAt: Number(expiry), expiryFlags: ['--expires', '--ttl', '--static'] },
    topics: topics(productId, deviceName),
    warnings,
  };
}

/** The first 5 letters or digits of the caller's randomness. */
function connIdFrom(random: string | undefined, p: ParamReader): string {
  const chars = (random ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, 5);
  if (chars.length < 5) throw new UsageError('platform.random.missing', { platform: ID, option: p.option('connId') });
  return chars;
}

function topics(pid: string, dn: string): PlatformTopic[] {
  const thing = (dir: 'up' | 'down', kind: string): string => `$thing/${dir}/${kind}/${pid}/${dn}`;
  const report = envelope('property-post', { power_switch: 1 }, { now: 0, messageId: '1', params: { productId: pid } });
  return [
    topic('property-post', thing('up', 'property'), 'publish', 'IoT Explorer: report properties (method report)', report),
    topic('property-down', thing('down', 'property'), 'subscribe', 'IoT Explorer: report_reply, control, get_status_reply'),
    topic('event-post', thing('up', 'event'), 'publish', 'IoT Explorer: post an event (method event_post)'),
    topic('event-down', thing('down', 'event'), 'subscribe', 'IoT Explorer: event_reply'),
    topic('action-up', thing('up', 'action'), 'publish', 'IoT Explorer: action_reply'),
    topic('action-down', thing('down', 'action'), 'subscribe', 'IoT Explorer: actions called on the device'),
    topic('raw-up', thing('up', 'raw'), 'publish', 'IoT Explorer: binary data up'),
    topic('raw-down', thing('down', 'raw'), 'subscribe', 'IoT Explorer: binary data down'),
    topic('event', `${pid}/${dn}/event`, 'publish', 'IoT Hub: device events'),
    topic('control', `${pid}/${dn}/control`, 'subscribe', 'IoT Hub: commands to the device'),
    topic('data', `${pid}/${dn}/data`, 'publish', 'IoT Hub: custom data (publish and subscribe)'),
    topic('shadow-update', `$shadow/operation/${pid}/${dn}`, 'publish', 'IoT Hub shadow: update or get', `{"type":"get","clientToken":"${pid}-1"}`),
    topic('shadow-result', `$shadow/operation/result/${pid}/${dn}`, 'subscribe', 'IoT Hub shadow: results'),
    topic('ota-report', `$ota/report/${pid}/${dn}`, 'publish', 'OTA: report version and progress'),
    topic('ota-update', `$ota/update/${pid}/${dn}`, 'subscribe', 'OTA: upgrade notices'),
  ];
}

/** Data template report: {"method":"report","clientToken","params"}; the reply (report_reply) echoes the token. */
function envelope(topicName: string, input: unknown, ctx: EnvelopeContext): string {
  const properties = envelopeProperties(ID, ['property-post'], topicName, input);
  // SDK clientTokens look like {productId}-{counter}.
  const id = ctx.messageId ?? String(Math.floor(ctx.now / 1000));
  const productId = ctx.params?.productId;
  return JSON.stringify({ method: 'report', clientToken: productId ? `${productId}-${id}` : id, params: properties });
}

// ---- verify -------------------------------------------------------------------------------------------

function verify(login: CapturedLogin, values: SignParams, ctx: { now?: number }): VerifyResult {
  const p = readParams(ID, params, values);
  const key = p.base64('psk');
  const fields: FieldCheck[] = [];
  const warnings: Warning[] = [];
  // clientId;sdkappid;connid;expiry sent as the clientId and productId+deviceName as the username: the fields swapped.
  // Said once, and the password then checked over the text the device meant as its username.
  const swapped = (login.username ?? '').split(';').length !== 4 && login.clientId.split(';').length === 4 && login.clientId.split(';')[0] === login.username;
  if (p.given('productId') && p.given('deviceName')) {
    const expected = p.require('productId') + p.require('deviceName');
    // Swapped, the clientId meant is in the username: when it is right, the swap alone is said.
    if (!swapped || login.username !== expected) fields.push(fieldCheck('clientId', login.clientId === expected, expected, login.clientId));
  }

  const username = swapped ? login.clientId : login.username ?? '';
  const parts = username.split(';');
  if (swapped) {
    fields.push(fieldCheck('username', false, login.clientId, login.username, { code: 'tencent.verify.fieldsSwapped' }));
  } else if (parts.length === 4) {
    const [cid = '', , connId = '', expiry = ''] = parts;
    const same = cid === login.clientId;
    fields.push(fieldCheck('username.clientId', same, login.clientId, cid, same ? null : { code: 'tencent.verify.clientId', params: { value: cid } }));
    if (!/^[A-Za-z0-9]{5}$/.test(connId)) warnings.push(warning('tencent.connid', { value: connId }));
    const judged = judgeExpiry(expiry, ctx.now);
    warnings.push(...judged.warnings);
    fields.push(fieldCheck('username.expiry', judged.cause === null, null, expiry, judged.cause));
  } else {
    fields.push(fieldCheck('username', false, '<clientId>;<sdkappid>;<connid>;<expiry>', login.username, { code: 'tencent.verify.fields', params: { count: login.username === null ? 0 : parts.length } }));
  }
  const password = checkPassword(login.password, username, key, p.require('psk'), swapped ? login.username ?? '' : login.clientId);
  fields.push(fieldCheck('password', password.cause === null, password.expected, login.password, password.cause));

  warnings.push(...lintConnect(rules, loginConnect(login), ctx.now ?? 0));
  return { ok: fields.every((f) => f.ok), fields, warnings };
}

/**
 * Recompute the password over the captured username with the algorithm its suffix names; on a mismatch try
 * the known mistakes of PLATFORMS.md §5 in turn and name the first that reproduces the captured value.
 */
function checkPassword(password: string | null, username: string, key: Buffer, pskText: string, clientId: string): { expected: string | null; cause: Cause | null } {
  if (password === null) return { expected: null, cause: { code: 'tencent.verify.noPassword' } };
  const cut = password.lastIndexOf(';');
  const hex = cut < 0 ? password : password.slice(0, cut);
  const label = cut < 0 ? null : password.slice(cut + 1);
  const labelled = label === 'hmacsha256' || label === 'hmacsha1' ? label : null;
  // Without a usable suffix, the hex length says which HMAC the device meant (40 = SHA-1, 64 = SHA-256).
  const method: SignMethod = labelled ?? (hex.length === 40 ? 'hmacsha1' : 'hmacsha256');
  const other: SignMethod = method === 'hmacsha1' ? 'hmacsha256' : 'hmacsha1';
  const compute = (m: SignMethod, k: Uint8Array | string): string => hmac(HASHES[m], k, username).toString('hex');
  const expected = `${compute(method, key)};${method}`;
  if (password === expected) return { expected, cause: null };

  if (labelled === null) return { expected, cause: label === null ? { code: 'tencent.verify.noSuffix' } : { code: 'tencent.verify.badSuffix', params: { value: label } } };
  const mistakes: [Cause, () => boolean][] = [
    [{ code: 'verify.uppercaseHex' }, () => hex.toLowerCase() === compute(method, key)],
    [{ code: 'tencent.verify.pskNotDecoded' }, () => hex === compute(method, pskText)],
    [{ code: 'tencent.verify.suffix', params: { label: method, used: other } }, () => hex === compute(other, key)],
    // The PSK text used as the key with the whitespace it was copied with (a line end, a space).
    [{ code: 'tencent.verify.pskWhitespace' }, () => ['\n', '\r\n', ' '].some((ws) => hex === compute(method, pskText + ws) || hex === compute(method, ws + pskText))],
    // The decoded PSK re-encoded as hex text (a firmware that stores keys as hex) and that text used as the key.
    [{ code: 'tencent.verify.pskHex' }, () => [key.toString('hex'), key.toString('hex').toUpperCase()].some((text) => hex === compute(method, text))],
    // The right HMAC written in base64 instead of hex (compared as sent: base64 is case-sensitive).
    [{ code: 'verify.base64Output' }, () => hex === hmac(HASHES[method], key, username).toString('base64')],
    [{ code: 'tencent.verify.swapped' }, () => hex === hmac(HASHES[method], username, key).toString('hex')],
    [{ code: 'tencent.verify.signedClientId' }, () => clientId !== username && hex === hmac(HASHES[method], key, clientId).toString('hex')],
  ];
  return { expected, cause: mistakes.find(([, matches]) => matches())?.[0] ?? { code: 'verify.mismatch' } };
}
