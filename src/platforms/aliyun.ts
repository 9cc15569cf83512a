/**
 * Aliyun IoT Platform (阿里云物联网平台): 一机一密 login, 一型一密 dynamic registration (register / regnwl)
 * and the 免预注册 connwl login. PLATFORMS.md §2; https://help.aliyun.com/document_detail/73742.html
 */
import { UsageError } from '../errors.js';
import { base64Strict, digest, hmac, type HashName } from './_crypto.js';
import { HOST_HELP, readEndpoint } from './_endpoint.js';
import { broker, envelopeProperties, fieldCheck, loginConnect, readParams, topic, warning, type Cause, type ParamReader } from './_signer.js';
import { lintConnect } from './lint.js';
import { defineSigner, type PayloadEnvelope, type CapturedLogin, type EnvelopeContext, type FieldCheck, type PlatformRules, type PlatformTopic, type SignContext, type SignParams, type SignResult, type VerifyResult, type Warning } from './types.js';
import { PLATFORM_TITLES } from './names.js';

const ID = 'aliyun';
const SIGN_METHODS: Readonly<Record<string, HashName>> = { hmacsha256: 'sha256', hmacsha1: 'sha1', hmacmd5: 'md5' };
/** The iotkit / LinkSDK C SDKs' fixed timestamp (2050-01-01), for output that does not change between runs. */
const STATIC_TIMESTAMP = '2524608000000';
/** Securemodes that mean a TLS transport: 2 TLS direct, -2 instance dynreg/connwl, 8 iTLS/ID2. */
const TLS_MODES = ['2', '-2', '8'];
type Mode = 'secret' | 'register' | 'regnwl' | 'connwl';

const params = [
  { name: 'productKey', flag: 'product', valueName: 'productKey', required: true, description: 'ProductKey (产品 Key), e.g. a1X2bEnP82z' },
  { name: 'deviceName', flag: 'device', valueName: 'deviceName', required: true, description: 'DeviceName (设备名称)' },
  { name: 'deviceSecret', flag: 'secret', valueName: 'deviceSecret', secret: true, env: 'MQTT_SIGN_SECRET', description: 'DeviceSecret for the 一机一密 login' },
  { name: 'clientId', flag: 'client-id', valueName: 'id', allowEmpty: true, description: 'clientId before the |…| block (default <productKey>.<deviceName>; register/regnwl: <deviceName>.<productKey>; connwl: the clientId from the regnwl reply)' },
  { name: 'timestamp', flag: 'timestamp', valueName: 'ms|none', description: 'timestamp to sign, or none to leave it out (default: now, in ms)' },
  { name: 'signMethod', flag: 'sign-method', valueName: 'method', choices: ['hmacsha256', 'hmacsha1', 'hmacmd5'], default: 'hmacsha256', description: 'HMAC of the password' },
  { name: 'secureMode', flag: 'secure-mode', valueName: 'n', choices: ['2', '3', '-2', '8'], description: 'securemode (default 2 with --tls, else 3; register/regnwl 2 as the SDKs send; connwl -2)' },
  { name: 'tls', flag: 'tls', boolean: true, description: 'connect over TLS (securemode 2)' },
  { name: 'region', flag: 'region', valueName: 'id', default: 'cn-shanghai', description: 'region of the legacy public instance host' },
  { name: 'instance', flag: 'instance', valueName: 'instanceId', description: 'instance id: host <instanceId>.mqtt.iothub.aliyuncs.com (new public and Enterprise instances)' },
  { name: 'host', flag: 'host', valueName: 'host', description: `${HOST_HELP} (overrides --region and --instance)` },
  { name: 'port', flag: 'port', valueName: 'port', default: '1883', description: 'broker port' },
  { name: 'authType', flag: 'auth-type', valueName: 'type', choices: ['register', 'regnwl', 'connwl'], description: '一型一密: register / regnwl dynamic registration, or the connwl login after regnwl' },
  { name: 'productSecret', flag: 'product-secret', valueName: 'productSecret', secret: true, env: 'MQTT_SIGN_PRODUCT_SECRET', description: 'ProductSecret for register / regnwl' },
  { name: 'random', flag: 'random', valueName: 'r', description: 'registration nonce, letters and digits (default: generated)' },
  { name: 'deviceToken', flag: 'device-token', valueName: 'token', secret: true, env: 'MQTT_SIGN_DEVICE_TOKEN', description: 'deviceToken from the regnwl reply, for connwl' },
  { name: 'hexCase', flag: 'hex-case', valueName: 'case', choices: ['lower', 'upper'], default: 'lower', description: 'hex case of the password (upper reproduces LinkSDK / iotkit bytes)' },
  { name: 'ext', flag: 'ext', valueName: 'k=v,...', description: 'extra |…| entries passed through verbatim, e.g. _v=sdk-c-3.0.1,lan=C; a bare securemode, signmethod or timestamp places that entry' },
  { name: 'static', flag: 'static', boolean: true, description: `sign the C SDKs' fixed timestamp ${STATIC_TIMESTAMP} so the output never changes` },
] as const;

/** Params each login mode uses; giving one to another mode is a mistake worth an error. */
const MODE_PARAMS: Readonly<Record<string, readonly Mode[]>> = {
  deviceSecret: ['secret'],
  timestamp: ['secret'],
  static: ['secret'],
  productSecret: ['register', 'regnwl'],
  random: ['register', 'regnwl'],
  deviceToken: ['connwl'],
  signMethod: ['secret', 'register', 'regnwl'],
};

// Aliyun's protocol page, https://help.aliyun.com/document_detail/30540.html (与标准MQTT的区别): "不支持will、retain
// msg。不支持QOS2"; later "支持QoS 0、QoS 1，不支持QoS 2", "不支持SUB QoS，消息QoS以发送方(PUB)指定为准" and
// "兼容5.0、3.1.1和3.1" on the current platform (instances), while the legacy {pk}.iot-as-mqtt hosts are documented for
// 3.1/3.1.1 only. Keepalive 30-1200 s, 300+ recommended: https://help.aliyun.com/document_detail/73742.html
const rules: PlatformRules = {
  keepalive: { min: 30, max: 1200, default: 300, recommendedMin: 300 },
  tlsRequired: false,
  qos: [0, 1],
  subscribeQosIgnored: true,
  retain: false,
  will: false,
  protocolVersions: [3, 4],
  expiresAt: null,
  // Every Aliyun topic starts with "/" (/sys/…, /ext/…, /ota/…, /shadow/…, custom /{pk}/{dn}/user/…), PLATFORMS.md §2.4.
  topicShape: { prefix: '/' },
};
/** New public and Enterprise instances accept MQTT 5.0 too (same page, "兼容5.0、3.1.1和3.1"). */
const instanceRules: PlatformRules = { ...rules, protocolVersions: [3, 4, 5] };
// Registration requires TLS and does not check the keepalive (mqtt-based-dynamic-registration doc).
const registrationRules: PlatformRules = { ...rules, keepalive: { min: 0, max: 65535, default: 60 }, tlsRequired: true };
const instanceRegistrationRules: PlatformRules = { ...registrationRules, protocolVersions: instanceRules.protocolVersions };

// Alink (PLATFORMS.md §2.4): requests {"id","version","params","method"}, replies {"id","code","data"}. LinkSDK leaves
// out "method" (the topic names it), so only id and params are required of a request. Replies first: they match both.
const payloadEnvelopes: readonly PayloadEnvelope[] = [
  { topic: '/sys/[^/]+/[^/]+/thing/.+_reply', envelope: 'Alink', required: ['id', 'code'], example: '{"id":"123","code":200,"data":{}}' },
  {
    // PLATFORMS.md §2.4: params is an object; LinkSDK's "sys" block is {"ack":0|1}.
    topic: '/sys/[^/]+/[^/]+/thing/event/property/post',
    envelope: 'Alink',
    required: ['id', 'params'],
    example: '{"id":"123","version":"1.0","params":{"temperature":25.5},"method":"thing.event.property.post"}',
    inner: [
      { path: 'params', is: 'object', example: '{"temperature":25.5}' },
      { path: 'sys', is: 'object', example: '{"ack":0}' },
      { path: 'sys.ack', is: 'number', oneOf: [0, 1], example: '0' },
    ],
  },
  {
    topic: '/sys/[^/]+/[^/]+/thing/(?:event/property/batch/post|event/[^/]+/post|service/[^/]+|deviceinfo/(?:update|delete)|config/(?:get|push))',
    envelope: 'Alink',
    required: ['id', 'params'],
    example: '{"id":"123","version":"1.0","params":{"temperature":25.5},"method":"thing.event.property.post"}',
  },
];

export default defineSigner({
  id: ID,
  title: PLATFORM_TITLES.aliyun,
  docs: [
    'https://help.aliyun.com/document_detail/73742.html',
    'https://www.alibabacloud.com/help/ja/iot/user-guide/mqtt-based-dynamic-registration',
    'https://help.aliyun.com/en/iot/user-guide/manage-the-endpoint-of-an-instance',
  ],
  params,
  example: 'aliyun --product a1X2bEnP82z --device example1 --secret ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe --tls',
  sign,
  envelope,
  payloadEnvelopes,
  verify,
});

function sign(values: SignParams, ctx: SignContext): SignResult {
  const p = readParams(ID, params, values);
  const mode: Mode = (p.get('authType') as Mode | undefined) ?? 'secret';
  for (const [name, modes] of Object.entries(MODE_PARAMS)) {
    if (p.given(name) && !modes.includes(mode)) {
      throw new UsageError('aliyun.param.mode', { option: p.option(name), mode: modeName(mode), modes: modes.map(modeName).join(', ') });
    }
  }
  const pk = productKey(p);
  const dn = deviceName(p);
  const instance = p.matching('instance', /^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -');
  const defaultHost = instance ? `${instance}.mqtt.iothub.aliyuncs.com` : `${pk}.iot-as-mqtt.${p.matching('region', /^[a-z0-9-]{1,32}$/, 'a region id such as cn-shanghai')!}.aliyuncs.com`;
  const given = readEndpoint(p, { host: defaultHost, port: () => 1883 });
  // Registration and connwl always run over TLS (mqtt-based-dynamic-registration doc): a plain URL cannot mean them.
  if (mode !== 'secret' && p.given('host') && /^(mqtt|tcp|ws):\/\//i.test(p.require('host'))) {
    throw new UsageError('aliyun.tls.registration', { option: p.option('host'), value: p.require('host'), mode: modeName(mode) });
  }
  const endpoint = mode === 'secret' || given.tls ? given : broker(given.host, given.port, true, given.websocket);
  const tls = endpoint.tls;
  const host = endpoint.host;
  const secureMode = p.get('secureMode') ?? (mode === 'connwl' ? '-2' : mode !== 'secret' || tls ? '2' : '3');
  // Instance hosts (given by --instance or typed as --host) speak 5.0 as well; the legacy hosts do not.
  const onInstance = instance !== undefined || /\.mqtt\.iothub\.aliyuncs\.com$/.test(host);
  const loginRules = onInstance ? instanceRules : rules;
  const warnings: Warning[] = [...shapeWarnings(pk, dn), ...secureModeWarnings(secureMode, tls)];
  const username = `${dn}&${pk}`;

  if (mode === 'connwl') {
    const core = clientCore(p, undefined);
    const clientId = `${core}|${extBlock([['securemode', secureMode], ['authType', 'connwl']], p)}|`;
    return result(endpoint, { clientId, username, password: p.require('deviceToken') }, loginRules, topics(pk, dn), warnings);
  }

  const method = p.require('signMethod');
  const hash = SIGN_METHODS[method]!;
  if (mode === 'register' || mode === 'regnwl') {
    const random = nonce(p, ctx);
    const standard: [string, string][] = [['random', random], ['authType', mode], ['securemode', secureMode], ['signmethod', method]];
    if (instance) standard.push(['instanceId', instance]);
    const clientId = `${clientCore(p, `${dn}.${pk}`)}|${extBlock(standard, p)}|`;
    const password = hex(hmac(hash, p.require('productSecret'), registrationContent(dn, pk, random)), p);
    const reply = `/ext/${mode}`;
    const replyTopic = topic(`${mode}-reply`, reply, 'subscribe', 'the broker publishes the registration reply here, then disconnects');
    warnings.push(warning('aliyun.dynreg.reply', { topic: reply, fields: mode === 'register' ? 'deviceSecret' : 'clientId, deviceToken' }, 'info'));
    if (instance && secureMode === '2') warnings.push(warning('aliyun.dynreg.securemode', {}, 'info'));
    return { ...result(endpoint, { clientId, username, password }, onInstance ? instanceRegistrationRules : registrationRules, [replyTopic], warnings), extras: { replyTopic: reply } };
  }

  const secret = p.require('deviceSecret');
  if (secret.length !== 32) warnings.push(warning('aliyun.secret.shape', { length: secret.length }));
  const timestamp = signedTimestamp(p, ctx);
  const core = clientCore(p, `${pk}.${dn}`, warnings);
  const standard: [string, string][] = [['securemode', secureMode], ['signmethod', method]];
  if (timestamp !== undefined) standard.push(['timestamp', timestamp]);
  const clientId = `${core}|${extBlock(standard, p)}|`;
  const password = hex(hmac(hash, secret, signContent(core, dn, pk, timestamp)), p);
  return result(endpoint, { clientId, username, password }, loginRules, topics(pk, dn), warnings);
}

/**
 * What the 一机一密 password signs: the parameter names in sorted order, each followed by its value, no
 * separators. Only the clientId core is signed, never the |…| block, securemode, signmethod or SDK extras.
 */
export function signContent(core: string, deviceName: string, productKey: string, timestamp: string | undefined): string {
  return `clientId${core}deviceName${deviceName}productKey${productKey}${timestamp === undefined ? '' : `timestamp${timestamp}`}`;
}

/** What register / regnwl sign with the ProductSecret (the clientId is not signed). */
export function registrationContent(deviceName: string, productKey: string, random: string): string {
  return `deviceName${deviceName}productKey${productKey}random${random}`;
}

function result(endpoint: SignResult['broker'], credentials: SignResult['credentials'], r: PlatformRules, t: readonly PlatformTopic[], warnings: Warning[]): SignResult {
  return { platform: ID, credentials, broker: endpoint, rules: r, topics: t, warnings };
}

function modeName(mode: Mode): string {
  return mode === 'secret' ? 'device-secret' : mode;
}

function productKey(p: ParamReader): string {
  // The ProductKey goes into the host name and every topic: only host-safe characters.
  return p.matching('productKey', /^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -')!;
}

function deviceName(p: ParamReader): string {
  // Characters that would split the username (&), the clientId (|) or a topic (/ + #) can never be valid.
  return p.matching('deviceName', /^[^&|/+#\s\u0000-\u001f]{1,128}$/, 'A-Z a-z 0-9 - _ @ . : (4-32 characters)')!;
}

/** [unverified] limits (PLATFORMS.md §2.1): warnings, never errors. */
function shapeWarnings(pk: string, dn: string): Warning[] {
  const out: Warning[] = [];
  if (!/^[A-Za-z0-9]{11}$/.test(pk)) out.push(warning('aliyun.productKey.shape', { value: pk }));
  if (!/^[A-Za-z0-9_@.:-]{4,32}$/.test(dn)) out.push(warning('aliyun.deviceName.shape', { value: dn }));
  return out;
}

function secureModeWarnings(secureMode: string, tls: boolean): Warning[] {
  const out: Warning[] = [];
  if (TLS_MODES.includes(secureMode) !== tls) {
    out.push(warning('aliyun.securemode.transport', { mode: secureMode, transport: tls ? 'TLS' : 'TCP' }));
  }
  if (secureMode === '3') out.push(warning('aliyun.securemode.plain'));
  return out;
}

/**
 * The clientId before the |…| block. It may be "" (PLATFORMS.md §2.1: the signed content then starts "clientId"
 * "deviceName"), except for connwl, which must send the regnwl reply's clientId; over 64 characters is a warning.
 */
function clientCore(p: ParamReader, fallback: string | undefined, warnings?: Warning[]): string {
  const core = fallback === undefined ? p.require('clientId') : p.get('clientId') ?? fallback;
  if (fallback === undefined && core === '') throw new UsageError('cli.option.empty', { option: p.option('clientId') });
  if (core.includes('|')) throw new UsageError('platform.param.chars', { option: p.option('clientId'), value: core, allowed: 'any text without |' });
  // Characters, not UTF-16 units: an emoji is one.
  const length = [...core].length;
  if (length > CORE_MAX) warnings?.push(warning('aliyun.clientId.long', { length, max: CORE_MAX }));
  return core;
}

/** Aliyun's limit on the clientId core (PLATFORMS.md §2.1, §2.3's linter). */
const CORE_MAX = 64;

function signedTimestamp(p: ParamReader, ctx: SignContext): string | undefined {
  if (p.flag('static')) {
    if (p.given('timestamp')) throw new UsageError('platform.param.conflict', { option: p.option('static'), other: p.option('timestamp') });
    return STATIC_TIMESTAMP;
  }
  const value = p.get('timestamp');
  if (value === undefined) return String(Math.floor(ctx.now));
  if (value === 'none') return undefined;
  if (!/^\d{1,20}$/.test(value)) throw new UsageError('platform.time.milliseconds', { option: p.option('timestamp'), value });
  return value;
}

function nonce(p: ParamReader, ctx: SignContext): string {
  const allowed = 'letters and digits, at most 64';
  const given = p.matching('random', /^[A-Za-z0-9]{1,64}$/, allowed);
  if (given !== undefined) return given;
  if (ctx.random === undefined) throw new UsageError('platform.random.missing', { platform: ID, option: p.option('random') });
  if (!/^[A-Za-z0-9]{1,64}$/.test(ctx.random)) throw new UsageError('platform.param.chars', { option: p.option('random'), value: ctx.random, allowed });
  return ctx.random;
}

/** Keys mqtt-sign computes; --ext may place them but not set them. */
const RESERVED_KEYS = ['securemode', 'signmethod', 'timestamp', 'random', 'authType', 'instanceId'];

/**
 * The |…| block: the standard entries in doc order, then --ext's extras verbatim. A bare standard key in --ext
 * puts that entry at its position (SDKs use their own order, e.g. iotkit starts with timestamp); a trailing
 * comma is kept (LinkSDK sends one).
 */
function extBlock(standard: readonly [string, string][], p: ParamReader): string {
  const ext = p.get('ext');
  if (ext === undefined) return standard.map(([k, v]) => `${k}=${v}`).join(',');
  const items = ext.split(',');
  const trailing = items.length > 1 && items[items.length - 1] === '' ? items.pop() : undefined;
  const placed = new Set<string>();
  const seen = new Set<string>();
  const bad = (): UsageError => new UsageError('aliyun.ext.format', { option: p.option('ext'), value: ext, keys: standard.map(([k]) => k).join(', ') });
  const rendered = items.map((item) => {
    const match = /^([A-Za-z0-9_]+)(?:=([^|]*))?$/.exec(item);
    if (!match) throw bad();
    const key = match[1]!;
    if (seen.has(key)) throw bad();
    seen.add(key);
    const entry = standard.find(([k]) => k === key);
    if (match[2] === undefined) {
      if (!entry) throw bad();
      placed.add(key);
      return `${key}=${entry[1]}`;
    }
    if (entry || RESERVED_KEYS.includes(key)) throw bad();
    return item;
  });
  const rest = standard.filter(([k]) => !placed.has(k)).map(([k, v]) => `${k}=${v}`);
  return [...rest, ...rendered].join(',') + (trailing === undefined ? '' : ',');
}

function hex(digest: Buffer, p: ParamReader): string {
  const text = digest.toString('hex');
  return p.get('hexCase') === 'upper' ? text.toUpperCase() : text;
}

function topics(pk: string, dn: string): PlatformTopic[] {
  const sys = `/sys/${pk}/${dn}`;
  const thing = `${sys}/thing`;
  const example = (name: string): string => envelope(name, { temperature: 25.5 }, { now: 0, messageId: '123' });
  return [
    topic('property-post', `${thing}/event/property/post`, 'publish', 'report properties (Alink)', example('property-post')),
    topic('property-post-reply', `${thing}/event/property/post_reply`, 'subscribe', 'the platform\'s answer to property-post'),
    topic('property-batch-post', `${thing}/event/property/batch/post`, 'publish', 'report properties and events in one message'),
    topic('property-set', `${thing}/service/property/set`, 'subscribe', 'the cloud sets properties'),
    topic('property-set-reply', `${thing}/service/property/set_reply`, 'publish', 'answer a property-set', example('property-set-reply')),
    topic('service', `${thing}/service/+`, 'subscribe', 'service calls; answer on …/service/{serviceId}_reply'),
    topic('up-raw', `${thing}/model/up_raw`, 'publish', 'raw (transparent) data up'),
    topic('up-raw-reply', `${thing}/model/up_raw_reply`, 'subscribe', 'the answer to up-raw'),
    topic('down-raw', `${thing}/model/down_raw`, 'subscribe', 'raw (transparent) data down'),
    topic('deviceinfo-update', `${thing}/deviceinfo/update`, 'publish', 'set device tags'),
    topic('config-get', `${thing}/config/get`, 'publish', 'request the remote configuration'),
    topic('config-push', `${thing}/config/push`, 'subscribe', 'the cloud pushes a configuration'),
    topic('rrpc-request', `${sys}/rrpc/request/+`, 'subscribe', 'synchronous calls; answer on …/rrpc/response/{messageId}'),
    topic('shadow-update', `/shadow/update/${pk}/${dn}`, 'publish', 'update or read the device shadow'),
    topic('shadow-get', `/shadow/get/${pk}/${dn}`, 'subscribe', 'device shadow replies and changes'),
    topic('ota-inform', `/ota/device/inform/${pk}/${dn}`, 'publish', 'report the firmware version'),
    topic('ota-upgrade', `/ota/device/upgrade/${pk}/${dn}`, 'subscribe', 'firmware upgrade notices'),
    topic('user-update', `/${pk}/${dn}/user/update`, 'publish', 'the default custom topic for sending'),
    topic('user-get', `/${pk}/${dn}/user/get`, 'subscribe', 'the default custom topic for receiving'),
  ];
}

const ENVELOPES = ['property-post', 'property-batch-post', 'property-set-reply'];

/** Alink: requests are {"id","version","params","method"}, replies {"id","code":200,"data"} (PLATFORMS.md §2.4). */
function envelope(topicName: string, input: unknown, ctx: EnvelopeContext): string {
  const properties = envelopeProperties(ID, ENVELOPES, topicName, input);
  // Alink ids are decimal strings in 0..4294967295; seconds since 1970 fit and differ from run to run.
  const id = ctx.messageId ?? String(Math.floor(ctx.now / 1000) % 4_294_967_296);
  if (topicName === 'property-set-reply') return JSON.stringify({ id, code: 200, data: properties });
  const method = topicName === 'property-post' ? 'thing.event.property.post' : 'thing.event.property.batch.post';
  return JSON.stringify({ id, version: '1.0', params: properties, method });
}

// ---- verify -------------------------------------------------------------------------------------------

interface ParsedLogin {
  readonly core: string;
  readonly entries: ReadonlyMap<string, string>;
}

/** core|k=v,k=v|; null when there is no |…| block. A trailing comma (LinkSDK) is accepted. */
function parseClientId(clientId: string): ParsedLogin | null {
  const first = clientId.indexOf('|');
  if (first < 0 || first === clientId.length - 1 || !clientId.endsWith('|')) return null;
  const entries = new Map<string, string>();
  for (const item of clientId.slice(first + 1, -1).split(',')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) return null;
    entries.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return { core: clientId.slice(0, first), entries };
}

/** What a pasted secret may carry along: a line end (echo, a file), a space (a console copy). */
const WHITESPACE = ['\n', '\r\n', ' '];

const HEX_LENGTHS: Readonly<Record<number, string>> = { 32: 'hmacmd5', 40: 'hmacsha1', 64: 'hmacsha256' };

function verify(login: CapturedLogin, values: SignParams, ctx: { now?: number }): VerifyResult {
  const p = readParams(ID, params, values);
  const parsed = parseClientId(login.clientId);
  const entries = parsed?.entries ?? new Map<string, string>();
  // Without securemode or signmethod, and no deviceName&productKey username, the device did not sign for Aliyun at
  // all: nothing to recompute, and a username or password "expected" from empty parts would only mislead. (With
  // such a username it is an Aliyun device that lost its |…| block: the checks below say so.)
  if (!entries.has('securemode') && !entries.has('signmethod') && !(login.username ?? '').includes('&')) {
    // The signed clientId sent as the username and deviceName&productKey as the clientId: the two fields swapped.
    const swapped = login.clientId.includes('&') && parseClientId(login.username ?? '')?.entries.has('securemode') === true;
    return { ok: false, fields: [fieldCheck('clientId', false, null, login.clientId, { code: swapped ? 'aliyun.verify.fieldsSwapped' : 'aliyun.verify.notAliyun' })], warnings: [] };
  }
  const authType = entries.get('authType');
  const registration = authType === 'register' || authType === 'regnwl';

  // The username is dn&pk; check against the flags when given, else against the username's own parts.
  const parts = (login.username ?? '').split('&');
  let dn = p.get('deviceName') ?? parts[0] ?? '';
  let pk = p.get('productKey') ?? parts[1] ?? '';
  let password: FieldCheck;
  if (authType === 'connwl') {
    // The deviceToken is sent verbatim: nothing to recompute, only to compare.
    const ok = login.password === p.require('deviceToken');
    password = fieldCheck('password', ok, null, login.password, ok ? null : { code: 'aliyun.verify.token' });
  } else {
    const key = registration ? p.require('productSecret') : p.require('deviceSecret');
    // The other secret, when given too, is tried in its place (a common copy-paste mix-up), and so is the
    // --timestamp given (or the C SDKs' fixed one) for a signed timestamp the clientId left out.
    const other = registration ? p.get('deviceSecret') : p.get('productSecret');
    const timestamps = [p.get('timestamp'), STATIC_TIMESTAMP].filter((t): t is string => t !== undefined && /^\d+$/.test(t));
    let check = checkPassword(login, parsed, key, dn, pk, other, timestamps);
    // Without --product/--device the parts come from the username; if swapped there, the signature tells.
    if (!check.ok && !p.given('deviceName') && !p.given('productKey')) {
      const swapped = checkPassword(login, parsed, key, pk, dn, other, timestamps);
      if (swapped.ok) [check, dn, pk] = [swapped, pk, dn];
    }
    password = fieldCheck('password', check.ok, check.expected, login.password, check.cause);
  }
  const expectedUser = `${dn}&${pk}`;
  const userOk = login.username === expectedUser;
  const userCause: Cause = { code: login.username === `${pk}&${dn}` ? 'aliyun.verify.usernameOrder' : 'aliyun.verify.username' };
  const fields = [
    fieldCheck('clientId', parsed !== null, null, login.clientId, parsed ? null : { code: 'aliyun.verify.clientIdFormat' }),
    fieldCheck('username', userOk, expectedUser, login.username, userOk ? null : userCause),
    password,
  ];
  // With a known transport the securemode must match it, as when signing; without, only securemode=3 is notable.
  const secureMode = entries.get('securemode');
  const warnings: Warning[] = secureMode === undefined ? []
    : login.tls === undefined ? (secureMode === '3' ? [warning('aliyun.securemode.plain')] : [])
    : secureModeWarnings(secureMode, login.tls);
  // Aliyun credentials do not expire, so `now` only matters to rules that have none here.
  warnings.push(...lintConnect(registration ? registrationRules : rules, loginConnect(login), ctx.now ?? 0));
  return { ok: fields.every((f) => f.ok), fields, warnings };
}

/**
 * Recompute the password for one (dn, pk) reading of the login; on a mismatch try the known mistakes of
 * PLATFORMS.md §2.5 in order and name the first that reproduces the captured value. Hex case is irrelevant.
 */
function checkPassword(
  login: CapturedLogin,
  parsed: ParsedLogin | null,
  key: string,
  dn: string,
  pk: string,
  otherSecret: string | undefined,
  timestamps: readonly string[],
): { ok: boolean; expected: string | null; cause: Cause | null } {
  const entries = parsed?.entries ?? new Map<string, string>();
  const authType = entries.get('authType');
  const label = entries.get('signmethod') ?? 'hmacmd5'; // the doc's default when absent
  if (!SIGN_METHODS[label]) return { ok: false, expected: null, cause: { code: 'aliyun.verify.signmethodLabel', params: { label } } };
  const timestamp = entries.get('timestamp');
  const core = parsed?.core ?? login.clientId;
  const content = authType === 'register' || authType === 'regnwl'
    ? registrationContent(dn, pk, entries.get('random') ?? '')
    : signContent(core, dn, pk, timestamp);
  const compute = (method: string, k: Uint8Array | string, text: string): string => hmac(SIGN_METHODS[method]!, k, text).toString('hex');
  const actual = login.password?.toLowerCase() ?? null;
  const expected = compute(label, key, content);
  // The mistakes below answer null when they do not apply: a missing password would match the first of them.
  if (actual === null) return { ok: false, expected, cause: { code: 'aliyun.verify.noPassword' } };
  // Any hex case is accepted (PLATFORMS.md §2.1); uppercase is LinkSDK / iotkit style, worth a note only.
  if (expected === actual) return { ok: true, expected, cause: login.password !== actual ? { code: 'aliyun.verify.upperHex' } : null };
  // The right HMAC written in base64 instead of hex (base64 is case-sensitive: compared as sent).
  if (login.password === hmac(SIGN_METHODS[label]!, key, content).toString('base64')) return { ok: false, expected, cause: { code: 'verify.base64Output' } };

  const byLength = HEX_LENGTHS[actual?.length ?? 0];
  const decoded = base64Strict(key);
  const registration = authType === 'register' || authType === 'regnwl';
  const mistakes: [Cause, () => string | null][] = [
    [{ code: 'aliyun.verify.wholeClientId' }, () => (registration ? null : compute(label, key, signContent(login.clientId, dn, pk, timestamp)))],
    [{ code: 'aliyun.verify.timestamp', params: { timestamp: timestamp ?? '' } }, () => (registration || timestamp === undefined ? null : compute(label, key, signContent(core, dn, pk, undefined)))],
    [{ code: 'aliyun.verify.signmethod', params: { label, actual: byLength ?? '' } }, () => (byLength && byLength !== label ? compute(byLength, key, content) : null)],
    [{ code: 'aliyun.verify.base64Key' }, () => (decoded ? compute(label, decoded, content) : null)],
    [{ code: registration ? 'aliyun.verify.deviceSecret' : 'aliyun.verify.productSecret' }, () => (otherSecret === undefined || otherSecret === key ? null : compute(label, otherSecret, content))],
    [{ code: 'aliyun.verify.swapped' }, () => compute(label, content, key)],
    // The secret pasted with a line end or a space (from echo, a file, a console copy).
    [{ code: 'verify.secretWhitespace' }, () => WHITESPACE.map((ws) => compute(label, key + ws, content)).find((v) => v === actual) ?? null],
    [{ code: 'verify.secretWhitespace' }, () => WHITESPACE.map((ws) => compute(label, ws + key, content)).find((v) => v === actual) ?? null],
  ];
  // A timestamp signed that the clientId does not carry: only the --timestamp given and the C SDKs' fixed one can be tried.
  if (!registration && timestamp === undefined) {
    for (const t of timestamps) mistakes.push([{ code: 'aliyun.verify.timestampMissing', params: { timestamp: t } }, () => compute(label, key, signContent(core, dn, pk, t))]);
  }
  // The clientId's timestamp in ms and seconds signed, or the reverse.
  if (!registration && timestamp !== undefined && /^\d+$/.test(timestamp)) {
    const other = timestamp.length === 13 ? timestamp.slice(0, 10) : timestamp.length === 10 ? `${timestamp}000` : undefined;
    if (other !== undefined) mistakes.push([{ code: 'aliyun.verify.timestampUnits', params: { timestamp, signed: other } }, () => compute(label, key, signContent(core, dn, pk, other))]);
  }
  if (!registration && actual !== null) mistakes.push(...contentMistakes(login.clientId, parsed, core, dn, pk, timestamp, label, byLength, key));
  const found = mistakes.find(([, attempt]) => attempt() === actual);
  return { ok: false, expected, cause: found?.[0] ?? { code: 'verify.mismatch' } };
}

/**
 * The 一机一密 string signed another way than the doc's (names sorted, each followed by its value, nothing between):
 * another field order, separators, values without names, the |…| parameters signed too, or a plain hash with the
 * secret glued on instead of an HMAC. All with the labelled method; the plain hash also with the one the length betrays.
 */
function contentMistakes(
  clientId: string,
  parsed: ParsedLogin | null,
  core: string,
  dn: string,
  pk: string,
  timestamp: string | undefined,
  label: string,
  byLength: string | undefined,
  key: string,
): [Cause, () => string | null][] {
  const hashOf = (method: string): HashName => SIGN_METHODS[method]!;
  const mac = (text: string): string => hmac(hashOf(label), key, text).toString('hex');
  const pairs: [string, string][] = [['clientId', core], ['deviceName', dn], ['productKey', pk]];
  if (timestamp !== undefined) pairs.push(['timestamp', timestamp]);
  const join = (list: readonly [string, string][], kv: string, sep: string): string => list.map(([k, v]) => `${k}${kv}${v}`).join(sep);
  const out: [Cause, () => string | null][] = [];
  for (const order of permutations(pairs).slice(1)) {
    out.push([{ code: 'aliyun.verify.order', params: { order: order.map(([k]) => k).join(', ') } }, () => mac(join(order, '', ''))]);
  }
  for (const [kv, sep] of [['=', '&'], ['', '&'], ['=', ','], ['', ','], ['=', '']] as const) {
    const form = join(pairs.slice(0, 2).map(([k]) => [k, '…'] as [string, string]), kv, sep);
    out.push([{ code: 'aliyun.verify.separators', params: { form: `${form}${sep}…` } }, () => mac(join(pairs, kv, sep))]);
  }
  out.push([{ code: 'aliyun.verify.valuesOnly' }, () => mac(pairs.map(([, v]) => v).join(''))]);
  // Every parameter of the |…| block signed too, sorted with the others; or the block text appended as it is.
  const extra = [...(parsed?.entries ?? new Map<string, string>())].filter(([k]) => k !== 'timestamp');
  if (extra.length > 0) {
    const all = [...pairs, ...extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.push([{ code: 'aliyun.verify.blockSigned' }, () => mac(join(all, '', ''))]);
    out.push([{ code: 'aliyun.verify.blockSigned' }, () => mac(join(pairs, '', '') + clientId.slice(core.length))]);
  }
  const content = join(pairs, '', '');
  for (const method of new Set([label, byLength ?? label])) {
    const hash = hashOf(method);
    const params = { hash: hash.toUpperCase() };
    for (const text of [content, content + key, key + content]) {
      out.push([{ code: 'aliyun.verify.plainHash', params }, () => digest(hash, text).toString('hex')]);
    }
  }
  return out;
}

/** Every order of a short list (at most 4 fields here, so 24), the given order first. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((head, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [head, ...rest]));
}
