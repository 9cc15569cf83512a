/**
 * Baidu AI Cloud IoT Core (物联网核心套件), DeviceSecret authentication (PLATFORMS.md §7;
 * https://cloud.baidu.com/doc/IoTCore/s/Akck4811r):
 *   username = thingidp@iotCoreId|deviceKey|ts|ALG ; password = hex(H_ALG(deviceKey&ts&ALG deviceSecret))
 * A PLAIN digest, not an HMAC, and no "&" between ALG and the secret. ts is checked to ±10 min; 0 turns that off.
 */
import { UsageError } from '../errors.js';
import { digest, hmac } from './_crypto.js';
import { HOST_HELP, readEndpoint } from './_endpoint.js';
import { fieldCheck, loginConnect, readParams, topic, warning, type Cause } from './_signer.js';
import { lintConnect } from './lint.js';
import { defineSigner, type CapturedLogin, type FieldCheck, type PlatformRules, type PlatformTopic, type SignContext, type SignParams, type SignResult, type VerifyResult, type Warning } from './types.js';
import { PLATFORM_TITLES } from './names.js';

const ID = 'baidu';
const HASHES = { MD5: 'md5', SHA256: 'sha256' } as const;
type Algorithm = keyof typeof HASHES;
/** The server accepts ts within this many seconds of its clock. */
const WINDOW = 600;
const CLIENT_ID = /^[0-9a-zA-Z_-]{1,128}$/;

const params = [
  { name: 'iotCoreId', flag: 'iotcore', valueName: 'IoTCoreId', required: true, description: 'IoT Core id, the first label of the endpoint (e.g. abcd123)' },
  { name: 'deviceKey', flag: 'device', valueName: 'deviceKey', required: true, description: 'device name (deviceKey)' },
  { name: 'deviceSecret', flag: 'secret', valueName: 'deviceSecret', required: true, secret: true, env: 'MQTT_SIGN_SECRET', description: 'device secret' },
  { name: 'timestamp', flag: 'timestamp', valueName: 'unixSeconds', description: 'ts to sign, Unix seconds; 0 turns the ±10 min check off (default: now)' },
  { name: 'algorithm', flag: 'algorithm', valueName: 'ALG', choices: ['MD5', 'SHA256'], default: 'SHA256', description: 'digest of the password' },
  { name: 'clientId', flag: 'client-id', valueName: 'id', description: 'clientId, unique per connection (default: the deviceKey)' },
  { name: 'region', flag: 'region', valueName: 'region', choices: ['gz', 'bj'], default: 'gz', description: 'region of the endpoint: gz (Guangzhou) or bj (Beijing)' },
  { name: 'tls', flag: 'tls', boolean: true, description: 'connect over TLS (port 1884, not 8883)' },
  { name: 'host', flag: 'host', valueName: 'host', description: `${HOST_HELP} (default <IoTCoreId>.iot.<region>.baidubce.com)` },
  { name: 'port', flag: 'port', valueName: 'port', description: 'broker port (default 1883, 1884 with --tls; wss:// 443)' },
] as const;

// MQTT 3.1, 3.1.1 and 5.0; keepalive 30-1200 s, 300+ recommended; QoS 0/1; publish ≤ 32 KB; will yes; retain only on request.
const rules: PlatformRules = {
  keepalive: { min: 30, max: 1200, default: 300, recommendedMin: 300 },
  tlsRequired: false,
  qos: [0, 1],
  retain: false,
  will: true,
  protocolVersions: [3, 4, 5],
  clientIdMaxLength: 128,
  maxPayload: 32 * 1024,
  expiresAt: null,
  // Every topic of the platform has levels (PLATFORMS.md topics): a value without "/" is a mistyped name.
  topicShape: {},
};

export default defineSigner({
  id: ID,
  title: PLATFORM_TITLES.baidu,
  docs: ['https://cloud.baidu.com/doc/IoTCore/s/Akck4811r', 'https://cloud.baidu.com/doc/IoTCore/s/3k7o8yehh'],
  params,
  example: 'baidu --iotcore abcd123 --device mydevice --secret ImSeCrEt0I1M2jkl --timestamp 0',
  sign,
  verify,
});

function sign(values: SignParams, ctx: SignContext): SignResult {
  const p = readParams(ID, params, values);
  const iotCoreId = p.matching('iotCoreId', /^[A-Za-z0-9]{1,63}$/, 'letters and digits (a host name label)')!;
  // "|" and "&" would split the username and the hashed string.
  const deviceKey = p.matching('deviceKey', /^[A-Za-z0-9_-]{1,128}$/, '1-128 of A-Z a-z 0-9 _ -')!;
  const secret = p.require('deviceSecret');
  const algorithm = p.require('algorithm') as Algorithm;
  const clientId = p.matching('clientId', CLIENT_ID, '1-128 of 0-9 a-z A-Z _ -') ?? deviceKey;
  const now = Math.floor(ctx.now / 1000);
  const ts = p.given('timestamp') ? timestamp(p.require('timestamp'), p.option('timestamp')) : String(now);

  const username = `thingidp@${iotCoreId}|${deviceKey}|${ts}|${algorithm}`;
  const password = passwordFor(algorithm, deviceKey, ts, secret);
  const host = `${iotCoreId}.iot.${p.require('region')}.baidubce.com`;
  // Endpoints: TCP 1883, SSL 1884 (not 8883), WSS 443 (https://cloud.baidu.com/doc/IoTCore/s/Akck4811r).
  const endpoint = readEndpoint(p, { host, port: (tls) => (tls ? 1884 : 1883), websocket: `wss://${host}:443/mqtt` });
  const warnings: Warning[] = [];
  // A ts more than 10 min back is expired, which the lint says (once); one ahead is not valid yet.
  const skew = Number(ts) - now;
  if (ts !== '0' && skew > WINDOW) warnings.push(warning('baidu.timestamp.skew', { value: ts, minutes: Math.round(skew / 60) }));
  return {
    platform: ID,
    credentials: { clientId, username, password },
    broker: endpoint,
    rules: ts === '0' ? rules : { ...rules, expiresAt: Number(ts) + WINDOW, expiryFlags: ['--timestamp', '--timestamp 0'] },
    topics: topics(deviceKey),
    warnings,
  };
}

function timestamp(value: string, option: string): string {
  // 13 digits would be milliseconds; the digits signed are the digits sent, so nothing is normalised.
  if (!/^(0|[1-9]\d{0,11})$/.test(value)) throw new UsageError('platform.time.seconds-or-0', { option, value });
  return value;
}

/** hex(H_ALG(deviceKey "&" ts "&" ALG deviceSecret)): the Java SDK's SignatureGenerator. */
function passwordFor(algorithm: Algorithm, deviceKey: string, ts: string, secret: string): string {
  return digest(HASHES[algorithm], `${deviceKey}&${ts}&${algorithm}${secret}`).toString('hex');
}

function topics(device: string): PlatformTopic[] {
  const shadow = `$iot/${device}/shadow`;
  return [
    topic('shadow-get', `${shadow}/get`, 'publish', 'request the device shadow'),
    topic('shadow-get-reply', `${shadow}/get/reply`, 'subscribe', 'the shadow, in answer to shadow-get'),
    topic('shadow-reported', `${shadow}/update/reported`, 'publish', 'report the device state'),
    topic('shadow-reported-reply', `${shadow}/update/reported/reply`, 'subscribe', 'answer to shadow-reported'),
    topic('shadow-desired', `${shadow}/update/desired`, 'publish', 'set the desired state'),
    topic('shadow-desired-reply', `${shadow}/update/desired/reply`, 'subscribe', 'answer to shadow-desired'),
    topic('shadow-delta-desired', `${shadow}/delta/desired`, 'subscribe', 'desired state that differs from the reported one'),
    topic('shadow-delta-reported', `${shadow}/delta/reported`, 'subscribe', 'reported state that differs from the desired one'),
  ];
}

// ---- verify -------------------------------------------------------------------------------------------

interface ParsedUsername {
  readonly iotCoreId: string;
  readonly deviceKey: string;
  readonly ts: string;
  readonly alg: string;
}

/** thingidp@core|dk|ts|ALG, or the short thingidp@core|dk, which means ts 0 and MD5. */
function parseUsername(username: string | null): ParsedUsername | null {
  if (username === null || !username.startsWith('thingidp@')) return null;
  const parts = username.slice('thingidp@'.length).split('|');
  if (parts.length === 2) return { iotCoreId: parts[0]!, deviceKey: parts[1]!, ts: '0', alg: 'MD5' };
  if (parts.length !== 4) return null;
  return { iotCoreId: parts[0]!, deviceKey: parts[1]!, ts: parts[2]!, alg: parts[3]! };
}

function verify(login: CapturedLogin, values: SignParams, ctx: { now?: number }): VerifyResult {
  const p = readParams(ID, params, values);
  const secret = p.require('deviceSecret');
  const fields: FieldCheck[] = [];
  // thingidp@…|…|…|ALG sent as the clientId and the clientId as the username: the two fields swapped. Said once,
  // and the password then checked against the username the device meant.
  const swapped = parseUsername(login.username) === null && parseUsername(login.clientId) !== null;
  const expectedClientId = p.get('clientId') ?? p.get('deviceKey');
  if (swapped) fields.push(fieldCheck('username', false, login.clientId, login.username, { code: 'baidu.verify.fieldsSwapped' }));
  else if (expectedClientId !== undefined) fields.push(fieldCheck('clientId', login.clientId === expectedClientId, expectedClientId, login.clientId));
  else if (!CLIENT_ID.test(login.clientId)) fields.push(fieldCheck('clientId', false, null, login.clientId, { code: 'baidu.verify.clientIdChars' }));

  const u = parseUsername(swapped ? login.clientId : login.username);
  if (u === null) {
    fields.push(fieldCheck('username', false, 'thingidp@<IoTCoreId>|<deviceKey>|<ts>|<MD5|SHA256>', login.username, { code: 'baidu.verify.username' }));
    return { ok: false, fields, warnings: lintConnect(rules, loginConnect(login), ctx.now ?? 0) };
  }
  for (const [name, given] of [['iotCoreId', p.get('iotCoreId')], ['deviceKey', p.get('deviceKey')]] as const) {
    if (given !== undefined) fields.push(fieldCheck(`username.${name}`, u[name] === given, given, u[name]));
  }
  const algorithm = Object.hasOwn(HASHES, u.alg.toUpperCase()) ? (u.alg.toUpperCase() as Algorithm) : null;
  const algCause: Cause | null = algorithm === null ? { code: 'baidu.verify.alg', params: { value: u.alg } } : algorithm !== u.alg ? { code: 'baidu.verify.algCase', params: { value: u.alg } } : null;
  fields.push(fieldCheck('username.algorithm', algCause === null, algorithm ?? 'MD5|SHA256', u.alg, algCause));
  const tsCause = timestampCause(u.ts, ctx.now);
  fields.push(fieldCheck('username.timestamp', tsCause === null, null, u.ts, tsCause));

  if (algorithm !== null) {
    const expected = passwordFor(algorithm, u.deviceKey, u.ts, secret);
    const cause = login.password === expected ? null : passwordMistake(login.password, u, algorithm, secret);
    fields.push(fieldCheck('password', cause === null, expected, login.password, cause));
  }
  return { ok: fields.every((f) => f.ok), fields, warnings: lintConnect(rules, loginConnect(login), ctx.now ?? 0) };
}

function timestampCause(ts: string, nowMs: number | undefined): Cause | null {
  if (!/^\d{1,12}$/.test(ts)) return { code: 'platform.time.seconds-or-0', params: { option: 'ts', value: ts } };
  if (ts === '0' || nowMs === undefined) return null;
  const skew = Number(ts) - Math.floor(nowMs / 1000);
  return Math.abs(skew) > WINDOW ? { code: 'baidu.verify.skew', params: { value: ts, minutes: Math.round(skew / 60) } } : null;
}

/** The alternative computations of PLATFORMS.md §7, tried in turn; the first that reproduces the password names the cause. */
function passwordMistake(password: string | null, u: ParsedUsername, algorithm: Algorithm, secret: string): Cause {
  if (password === null) return { code: 'baidu.verify.noPassword' };
  const hash = HASHES[algorithm];
  const signed = `${u.deviceKey}&${u.ts}&${algorithm}`;
  const other: Algorithm = algorithm === 'MD5' ? 'SHA256' : 'MD5';
  const is = (bytes: Buffer): boolean => bytes.toString('hex') === password;
  const mistakes: [Cause, () => boolean][] = [
    [{ code: 'verify.uppercaseHex' }, () => password.toLowerCase() === passwordFor(algorithm, u.deviceKey, u.ts, secret)],
    [{ code: 'baidu.verify.hmac' }, () => is(hmac(hash, secret, signed)) || is(hmac(hash, secret, signed + secret))],
    [{ code: 'baidu.verify.separator' }, () => is(digest(hash, `${signed}&${secret}`))],
    [{ code: 'baidu.verify.algCase', params: { value: algorithm.toLowerCase() } }, () => is(digest(hash, `${u.deviceKey}&${u.ts}&${algorithm.toLowerCase()}${secret}`))],
    [{ code: 'baidu.verify.algMismatch', params: { label: algorithm, used: other } }, () => is(digest(HASHES[other], signed + secret)) || password === passwordFor(other, u.deviceKey, u.ts, secret)],
    [{ code: 'baidu.verify.secretFirst' }, () => is(digest(hash, secret + signed))],
    // The secret pasted with a line end or a space (from echo, a file, a console copy).
    [{ code: 'verify.secretWhitespace' }, () => ['\n', '\r\n', ' '].some((ws) => is(digest(hash, signed + secret + ws)) || is(digest(hash, signed + ws + secret)))],
    // The right digest written in base64 instead of hex.
    [{ code: 'verify.base64Output' }, () => digest(hash, signed + secret).toString('base64') === password],
  ];
  const found = mistakes.find(([, matches]) => matches())?.[0];
  if (found) return found;
  // The username's ts is not the one hashed: the clock read twice a moment apart, or 0 hashed and a time sent.
  const hashed = nearbyTimestamps(u.ts).find((ts) => password === passwordFor(algorithm, u.deviceKey, ts, secret));
  return hashed === undefined ? { code: 'verify.mismatch' } : { code: 'baidu.verify.tsMismatch', params: { value: u.ts, hashed } };
}

/** ts values a few seconds either side, and 0 (PLATFORMS.md §7: "username ts ≠ hashed ts"); a bounded window. */
function nearbyTimestamps(ts: string): string[] {
  if (!/^\d{1,12}$/.test(ts)) return [];
  const n = Number(ts);
  const out = ts === '0' ? [] : ['0'];
  for (let d = 1; d <= 5; d++) for (const t of [n - d, n + d]) if (t >= 0) out.push(String(t));
  return out;
}
