/**
 * China Mobile OneNET (new platform, OneNET Studio / 物联网开放平台): the version=2018-10-31 token.
 * PLATFORMS.md §3.1; https://open.iot.10086.cn/doc/multiprotocol/book/manual/auth/token.html
 */
import { UsageError } from '../errors.js';
import { base64Strict, hmac, type HashName } from './_crypto.js';
import { HOST_HELP, readEndpoint } from './_endpoint.js';
import { envelopeProperties, fieldCheck, loginConnect, readParams, topic, warning, type Cause } from './_signer.js';
import { lintConnect } from './lint.js';
import { defineSigner, type PayloadEnvelope, type CapturedLogin, type EnvelopeContext, type FieldCheck, type PlatformRules, type PlatformTopic, type SignContext, type SignParams, type SignResult, type VerifyResult, type Warning } from './types.js';
import { PLATFORM_TITLES } from './names.js';

const ID = 'onenet';
const VERSION = '2018-10-31';
const METHODS: readonly HashName[] = ['sha256', 'sha1', 'md5'];
/** The official SDK keeps et in a uint32 printed with %u (dev_token.c). */
const ET_MAX = 4_294_967_295;
/** Default et: 2100-01-01T00:00:00Z, far ahead yet inside the uint32. */
const ET_DEFAULT = 4_102_444_800;
/** Device names go raw into res and the topics: no characters that split either. */
const DEVICE_NAME = /^[^/&?#+%=\s\u0000-\u001f]{1,64}$/;

const params = [
  { name: 'productId', flag: 'product', valueName: 'productId', required: true, description: 'product ID (产品ID), letters and digits, e.g. Ck2AF9QD2K' },
  { name: 'deviceName', flag: 'device', valueName: 'deviceName', required: true, description: 'device name (设备名称)' },
  { name: 'key', flag: 'key', valueName: 'base64Key', required: true, secret: true, env: 'MQTT_SIGN_KEY', description: 'access key (设备密钥 or 产品 AccessKey) in base64, as the console shows it' },
  { name: 'keyLevel', flag: 'key-level', valueName: 'level', choices: ['device', 'product'], default: 'device', description: 'device key (res products/<id>/devices/<name>) or product key (res products/<id>)' },
  { name: 'method', flag: 'method', valueName: 'method', choices: ['sha256', 'sha1', 'md5'], default: 'sha256', description: 'HMAC of the sign' },
  { name: 'expires', flag: 'expires', valueName: 'unixSeconds', description: `token expiry et, at most ${ET_MAX} (default ${ET_DEFAULT}, 2100-01-01)` },
  { name: 'tls', flag: 'tls', boolean: true, description: 'connect over TLS on port 8883 (needs the OneNET CA)' },
  { name: 'host', flag: 'host', valueName: 'host', default: 'mqtts.heclouds.com', description: HOST_HELP },
  { name: 'port', flag: 'port', valueName: 'port', description: 'broker port (default 1883, 8883 with --tls)' },
] as const;

// QoS, retain and will are not covered by our sources (PLATFORMS.md §9), so none are enforced; the docs name MQTT 3.1.1.
function rules(expiresAt: number | null): PlatformRules {
  return {
    keepalive: { min: 10, max: 1800, default: 120 },
    tlsRequired: false,
    qos: [0, 1, 2],
    retain: true,
    will: true,
    protocolVersions: [4],
    expiresAt,
    expiryFlags: ['--expires'],
    // Every topic has levels ($sys/{pid}/{dn}/…, PLATFORMS.md §3.1): a value without "/" is a mistyped name.
    topicShape: {},
  };
}

// OneJSON (PLATFORMS.md §3.1): requests {"id","version","params"}, replies {"id","code"}; data points {"id","dp"}.
const payloadEnvelopes: readonly PayloadEnvelope[] = [
  { topic: '\\$sys/[^/]+/[^/]+/thing/(?:.+/reply|.+_reply)', envelope: 'OneJSON', required: ['id', 'code'], example: '{"id":"123","code":200}' },
  {
    // PLATFORMS.md §3.1: each property is {"value":…[,"time":ms]}; a bare value is dropped.
    topic: '\\$sys/[^/]+/[^/]+/thing/property/post',
    envelope: 'OneJSON',
    required: ['id', 'params'],
    example: '{"id":"123","version":"1.0","params":{"temp":{"value":23.6}}}',
    inner: [
      { path: 'params', is: 'object', example: '{"temp":{"value":23.6}}' },
      { path: 'params.*', is: 'object', keys: ['value'], example: '{"value":23.6,"time":1700000000000}' },
      { path: 'params.*.time', is: 'number', unit: 'ms', example: '1700000000000' },
    ],
  },
  {
    topic: '\\$sys/[^/]+/[^/]+/thing/(?:event/post|property/set|property/get|service/[^/]+/invoke|pack/post|history/post|property/desired/(?:get|delete))',
    envelope: 'OneJSON',
    required: ['id', 'params'],
    example: '{"id":"123","version":"1.0","params":{"temp":{"value":23.6}}}',
  },
  {
    // PLATFORMS.md §3.1: id a number > 0; each stream a list of {"v":…[,"t":seconds]}.
    topic: '\\$sys/[^/]+/[^/]+/dp/post/json',
    envelope: 'OneNET data point',
    required: ['id', 'dp'],
    example: '{"id":123,"dp":{"temp":[{"v":30}]}}',
    inner: [
      { path: 'id', is: 'id', example: '123' },
      { path: 'dp', is: 'object', example: '{"temp":[{"v":30}]}' },
      { path: 'dp.*', is: 'array', example: '[{"v":30,"t":1552289676}]' },
      { path: 'dp.*[]', is: 'object', keys: ['v'], example: '{"v":30,"t":1552289676}' },
      { path: 'dp.*[].t', is: 'number', unit: 's', example: '1552289676' },
    ],
  },
];

export default defineSigner({
  id: ID,
  title: PLATFORM_TITLES.onenet,
  docs: [
    'https://open.iot.10086.cn/doc/multiprotocol/book/manual/auth/token.html',
    'https://onenet.hk.chinamobile.com/suben/doc/mqtt/book/device-develop/manual.html',
  ],
  params,
  example: 'onenet --product Ck2AF9QD2K --device test --key KuF3NT/jUBJ62LNBB/A8XZA9CqS3Cu79B/ABmfA1UCw=',
  sign,
  envelope,
  payloadEnvelopes,
  verify,
});

function sign(values: SignParams, ctx: SignContext): SignResult {
  const p = readParams(ID, params, values);
  const pid = p.matching('productId', /^[A-Za-z0-9]{1,64}$/, 'letters and digits')!;
  const dn = p.matching('deviceName', DEVICE_NAME, 'up to 64 characters without / & ? # + % = or spaces')!;
  const key = p.base64('key');
  const method = p.require('method') as HashName;
  const warnings: Warning[] = [];
  if (key.length < 16 || key.length > 64) warnings.push(warning('onenet.key.length', { length: key.length }));
  if (/^\d+$/.test(pid)) warnings.push(warning('onenet.pid.numeric', { value: pid }));

  let et = ET_DEFAULT;
  const expires = p.get('expires');
  if (expires === undefined) {
    warnings.push(warning('onenet.et.default', { et, date: new Date(et * 1000).toISOString() }, 'info'));
  } else {
    // No leading zeros: et is signed as the number's digits, so 0001790855684 would quietly become 1790855684.
    if (!/^(0|[1-9]\d{0,19})$/.test(expires)) throw new UsageError('platform.time.seconds', { option: p.option('expires'), value: expires });
    if (/^[1-9]\d{12}$/.test(expires)) throw new UsageError('platform.time.ms-given', { option: p.option('expires'), value: expires, seconds: expires.slice(0, -3) });
    et = Number(expires);
    const date = new Date(Math.min(et, 8.64e12) * 1000).toISOString();
    if (et > ET_MAX) throw new UsageError('platform.expiry.limit', { option: p.option('expires'), value: expires, max: ET_MAX, date });
  }

  const res = p.get('keyLevel') === 'product' ? `products/${pid}` : `products/${pid}/devices/${dn}`;
  const password = token(res, et, method, key);
  const endpoint = readEndpoint(p, { host: p.require('host'), port: (tls) => (tls ? 8883 : 1883) });
  return { platform: ID, credentials: { clientId: dn, username: pid, password }, broker: endpoint, rules: rules(et), topics: topics(pid, dn), warnings };
}

/** The signed string: et, method, res, version, one per line; res raw, not percent-encoded. */
export function stringToSign(et: number | string, method: string, res: string, version: string = VERSION): string {
  return `${et}\n${method}\n${res}\n${version}`;
}

/** version=…&res=…&et=…&method=…&sign=…, encoded as the official SDK does (dev_token.c). */
function token(res: string, et: number, method: HashName, key: Uint8Array): string {
  const sign = hmac(method, key, stringToSign(et, method, res)).toString('base64');
  return `version=${VERSION}&res=${encodeRes(res)}&et=${et}&method=${method}&sign=${encodeSign(sign)}`;
}

/** Only res's template slashes are escaped; the product id and device name are copied raw. */
function encodeRes(res: string): string {
  return res.replaceAll('/', '%2F');
}

/** base64's + / = are escaped (the SDK's table also maps % # & ? space, which base64 never contains). */
function encodeSign(sign: string): string {
  return sign.replaceAll('+', '%2B').replaceAll('/', '%2F').replaceAll('=', '%3D');
}

function topics(pid: string, dn: string): PlatformTopic[] {
  const base = `$sys/${pid}/${dn}`;
  const thing = `${base}/thing`;
  const example = (name: string): string => envelope(name, { temperature: 25.5 }, { now: 0, messageId: '123' });
  return [
    topic('property-post', `${thing}/property/post`, 'publish', 'report properties (OneJSON)', example('property-post')),
    topic('property-post-reply', `${thing}/property/post/reply`, 'subscribe', 'the platform\'s answer to property-post'),
    topic('property-set', `${thing}/property/set`, 'subscribe', 'the cloud sets properties'),
    topic('property-set-reply', `${thing}/property/set_reply`, 'publish', 'answer a property-set', example('property-set-reply')),
    topic('property-get', `${thing}/property/get`, 'subscribe', 'the cloud reads properties'),
    topic('property-get-reply', `${thing}/property/get_reply`, 'publish', 'answer a property-get with the values', example('property-get-reply')),
    topic('event-post', `${thing}/event/post`, 'publish', 'report events'),
    topic('event-post-reply', `${thing}/event/post/reply`, 'subscribe', 'the platform\'s answer to event-post'),
    topic('service-invoke', `${thing}/service/+/invoke`, 'subscribe', 'service calls; answer on …/service/{id}/invoke_reply'),
    topic('desired-get', `${thing}/property/desired/get`, 'publish', 'read desired property values'),
    topic('desired-get-reply', `${thing}/property/desired/get/reply`, 'subscribe', 'the answer to desired-get'),
    topic('desired-delete', `${thing}/property/desired/delete`, 'publish', 'delete desired property values'),
    topic('pack-post', `${thing}/pack/post`, 'publish', 'properties and events in one message'),
    topic('history-post', `${thing}/history/post`, 'publish', 'report past values'),
    topic('thing-all', `${thing}/#`, 'subscribe', 'everything the platform sends to the thing model, as the SDK subscribes'),
    topic('dp-post', `${base}/dp/post/json`, 'publish', 'data-point products: upload data points', example('dp-post')),
    topic('dp-accepted', `${base}/dp/post/json/accepted`, 'subscribe', 'data points accepted'),
    topic('dp-rejected', `${base}/dp/post/json/rejected`, 'subscribe', 'data points rejected'),
    topic('cmd-request', `${base}/cmd/request/+`, 'subscribe', 'commands; answer on …/cmd/response/{cmdId}'),
  ];
}

const ENVELOPES = ['property-post', 'property-set-reply', 'property-get-reply', 'dp-post'];

/**
 * OneJSON requests {"id","version":"1.0","params":{"k":{"value":v}}} and replies {"id","code":200[,"data"]};
 * data points {"id":n,"dp":{"k":[{"v":v}]}} (PLATFORMS.md §3.1).
 */
function envelope(topicName: string, input: unknown, ctx: EnvelopeContext): string {
  const properties = envelopeProperties(ID, ENVELOPES, topicName, input);
  const seconds = Math.floor(ctx.now / 1000);
  const id = ctx.messageId ?? String(seconds);
  const entries = Object.entries(properties);
  switch (topicName) {
    case 'property-set-reply':
      return JSON.stringify({ id, code: 200 });
    case 'property-get-reply':
      return JSON.stringify({ id, code: 200, data: properties });
    case 'dp-post': {
      // The dp id is a number > 0.
      const n = Number(ctx.messageId ?? seconds);
      return JSON.stringify({ id: Number.isInteger(n) && n > 0 ? n : 1, dp: Object.fromEntries(entries.map(([k, v]) => [k, [{ v }]])) });
    }
    default: {
      // A value already shaped {"value":…[,"time":…]} is kept, so the caller can add a time.
      const wrapped = entries.map(([k, v]) => [k, isValueObject(v) ? v : { value: v }]);
      return JSON.stringify({ id, version: '1.0', params: Object.fromEntries(wrapped) });
    }
  }
}

function isValueObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v;
}

// ---- verify -------------------------------------------------------------------------------------------

interface Token {
  readonly version: string;
  readonly res: string;
  readonly rawRes: string;
  readonly et: string;
  readonly method: string;
  readonly sign: string;
  readonly rawSign: string;
}

function parseToken(password: string | null): Token | null {
  if (password === null) return null;
  const map = new Map<string, string>();
  for (const pair of password.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) map.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const [version, rawRes, et, method, rawSign] = ['version', 'res', 'et', 'method', 'sign'].map((k) => map.get(k));
  if (version === undefined || rawRes === undefined || et === undefined || method === undefined || rawSign === undefined) return null;
  return { version, res: percentDecode(rawRes), rawRes, et, method, sign: percentDecode(rawSign), rawSign };
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function verify(login: CapturedLogin, values: SignParams, ctx: { now?: number }): VerifyResult {
  const p = readParams(ID, params, values);
  const keyText = p.require('key');
  const key = p.base64('key');
  const t = parseToken(login.password);
  const connect = loginConnect(login);
  if (!t) {
    const fields = [fieldCheck('password', false, null, login.password, { code: 'onenet.verify.token' })];
    return { ok: false, fields, warnings: lintConnect(rules(null), connect, ctx.now ?? 0) };
  }
  const match = /^products\/([^/]+)(?:\/devices\/(.+))?$/.exec(t.res);
  const pid = p.get('productId') ?? match?.[1] ?? '';
  const dn = p.get('deviceName') ?? match?.[2] ?? null;
  const swapped = login.clientId === pid && dn !== null && login.username === dn;
  const swapCause: Cause = { code: 'onenet.verify.swapped' };
  const fields: FieldCheck[] = [];
  const warnings: Warning[] = [];
  if (dn !== null) fields.push(fieldCheck('clientId', login.clientId === dn, dn, login.clientId, login.clientId === dn ? null : swapped ? swapCause : { code: 'onenet.verify.clientId' }));
  fields.push(fieldCheck('username', login.username === pid, pid, login.username, login.username === pid ? null : swapped ? swapCause : { code: 'onenet.verify.username' }));
  fields.push(checkSign(t, key, keyText, pid, dn ?? login.clientId, p.given('keyLevel') ? p.get('keyLevel') : undefined));
  fields.push(checkEt(t.et, ctx.now));
  // et is judged above as its own field; the lint here covers the connection only.
  warnings.push(...lintConnect(rules(null), connect, ctx.now ?? 0));
  return { ok: fields.every((f) => f.ok), fields, warnings };
}

/** The sign recomputed over the token's own et, method, res and version; on a mismatch, the known mistakes. */
function checkSign(t: Token, key: Buffer, keyText: string, pid: string, dn: string, keyLevel: string | undefined): FieldCheck {
  const method = t.method.replace(/^hmac/i, '').toLowerCase() as HashName;
  const known = METHODS.includes(method);
  const compute = (k: Uint8Array | string, res: string, m: HashName = method): string | null =>
    known ? hmac(m, k, stringToSign(t.et, t.method, res, t.version)).toString('base64') : null;
  const expected = compute(key, t.res);
  const fail = (cause: Cause): FieldCheck => fieldCheck('password.sign', false, expected, t.sign, cause);
  if (!known) return fail({ code: 'onenet.verify.method', params: { value: t.method } });

  const productRes = `products/${pid}`;
  const deviceRes = `products/${pid}/devices/${dn}`;
  const level = t.res === productRes ? 'product' : 'device';
  if (expected === t.sign) {
    if (t.method !== method) return fail({ code: 'onenet.verify.method', params: { value: t.method } });
    if (t.version !== VERSION) return fail({ code: 'onenet.verify.version', params: { value: t.version } });
    if (/[+/=]/.test(t.rawSign)) return fail({ code: 'onenet.verify.signRaw' });
    if (keyLevel !== undefined && keyLevel !== level) return fail({ code: 'onenet.verify.keyLevel', params: { res: t.res, level: keyLevel } });
    return fieldCheck('password.sign', true, expected, t.sign);
  }
  const mac = (text: string, m: HashName = method): Buffer => hmac(m, key, text);
  // The right HMAC written as hex (any case) instead of base64.
  if (t.sign.toLowerCase() === mac(stringToSign(t.et, t.method, t.res, t.version)).toString('hex')) return fail({ code: 'verify.hexOutput' });
  // The sign's length betrays the hash used (16 bytes MD5, 20 SHA-1, 32 SHA-256) when it is not the labelled one.
  const used = SIGN_LENGTHS[base64Strict(t.sign)?.length ?? 0];
  const lines: [string, string][] = [['et', t.et], ['method', t.method], ['res', t.res], ['version', t.version]];
  const mistakes: [Cause, () => string | null][] = [
    [{ code: 'onenet.verify.methodHash', params: { label: t.method, used: used ?? '' } },
      () => (used === undefined || used === method ? null : [t.method, used].map((m) => mac(stringToSign(t.et, m, t.res, t.version), used).toString('base64')).find((v) => v === t.sign) ?? null)],
    [{ code: 'onenet.verify.keyNotDecoded' }, () => compute(keyText, t.res)],
    [{ code: 'onenet.verify.resEncoded' }, () => compute(key, t.rawRes)],
    [{ code: 'onenet.verify.resEncoded' }, () => compute(key, encodeURIComponent(t.res))],
    [{ code: 'onenet.verify.keyLevel', params: { res: level === 'product' ? deviceRes : productRes, level: level === 'product' ? 'device' : 'product' } },
      () => compute(key, level === 'product' ? deviceRes : productRes)],
    [{ code: 'onenet.verify.stsNewline' }, () => mac(`${stringToSign(t.et, t.method, t.res, t.version)}\n`).toString('base64')],
    // The four lines in another order, e.g. the token's (version, res, et, method).
    ...orders(lines).map((order): [Cause, () => string] => [
      { code: 'onenet.verify.order', params: { order: order.map(([name]) => name).join(', ') } },
      () => mac(order.map(([, value]) => value).join('\n')).toString('base64'),
    ]),
  ];
  const found = mistakes.find(([, attempt]) => attempt() === t.sign);
  return fail(found?.[0] ?? { code: 'verify.mismatch' });
}

/** Bytes of each HMAC's output, to name the one a sign was computed with. */
const SIGN_LENGTHS: Readonly<Record<number, HashName>> = { 16: 'md5', 20: 'sha1', 32: 'sha256' };

/** Every other order of the string-to-sign lines (at most 4, so 23 orders), the given order left out. */
function orders<T>(items: readonly T[]): T[][] {
  const all = (list: readonly T[]): T[][] => (list.length <= 1 ? [[...list]] : list.flatMap((head, i) => all([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [head, ...rest])));
  return all(items).slice(1);
}

function checkEt(et: string, now: number | undefined): FieldCheck {
  const value = Number(et);
  const fail = (cause: Cause): FieldCheck => fieldCheck('password.et', false, null, et, cause);
  if (!/^\d{1,20}$/.test(et)) return fail({ code: 'onenet.verify.et', params: { value: et } });
  if (et.length === 13) return fail({ code: 'onenet.verify.milliseconds', params: { value: et } });
  if (value > ET_MAX) return fail({ code: 'onenet.verify.etLimit', params: { value: et, max: ET_MAX } });
  if (now !== undefined && value <= Math.floor(now / 1000)) {
    return fail({ code: 'onenet.verify.expired', params: { value: et, date: new Date(value * 1000).toISOString() } });
  }
  return fieldCheck('password.et', true, null, et);
}
