/**
 * Azure IoT Hub, SAS token over MQTT (PLATFORMS.md §6; https://learn.microsoft.com/azure/iot-hub/iot-hub-mqtt-support):
 *   clientId = deviceId[/moduleId] ; username = host/clientId/?api-version=…
 *   sr = pct(host/devices/deviceId[/modules/moduleId]) ; sig = b64(HMAC-SHA256(b64d(key), sr "\n" se))
 *   password = SharedAccessSignature sr=…&sig=pct(sig)&se=…
 * The string to sign uses sr exactly as the token carries it (encoded), with azure-sdk-for-c's encoder.
 */
import { UsageError } from '../errors.js';
import { hmac } from './_crypto.js';
import { judgeExpiry, readExpiry } from './_expiry.js';
import { HOST_HELP, readEndpoint } from './_endpoint.js';
import { fieldCheck, loginConnect, missingParam, readParams, topic, warning, type Cause, type ParamReader } from './_signer.js';
import { lintConnect } from './lint.js';
import { defineSigner, type CapturedLogin, type FieldCheck, type PlatformRules, type PlatformTopic, type SignContext, type SignParams, type SignResult, type VerifyResult, type Warning } from './types.js';
import { PLATFORM_TITLES } from './names.js';

const ID = 'azure';
const SAS_PREFIX = 'SharedAccessSignature ';
/** Public, China, US Government and (retired) Germany clouds. */
const HUB_DOMAINS = /\.azure-devices\.(net|cn|us|de)$/;
/** Device and module ids: up to 128 ASCII letters and digits plus - . % _ * ? ! ( ) , : = @ $ ' (IoT Hub identity registry). */
const IDENTITY = /^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/;
const IDENTITY_ALLOWED = "1-128 of A-Z a-z 0-9 - . % _ * ? ! ( ) , : = @ $ '";

const params = [
  { name: 'hub', flag: 'hub', valueName: 'hostname or hub name', description: 'IoT hub host name (myhub.azure-devices.net), or just its name (myhub)' },
  { name: 'deviceId', flag: 'device', valueName: 'deviceId', description: 'device id' },
  { name: 'key', flag: 'key', valueName: 'base64', secret: true, env: 'MQTT_SIGN_KEY', description: 'device (or module) symmetric key, base64' },
  { name: 'moduleId', flag: 'module', valueName: 'id', description: 'module id: log in as the module identity deviceId/moduleId' },
  { name: 'expires', flag: 'expires', valueName: 'unixSeconds', description: 'token expiry se, Unix seconds (default: now + --ttl)' },
  { name: 'ttl', flag: 'ttl', valueName: 'seconds', default: '3600', description: 'token lifetime when --expires is not given; the hub disconnects when it expires' },
  { name: 'connectionString', flag: 'connection-string', valueName: 'HostName=…;DeviceId=…;SharedAccessKey=…', secret: true, env: 'MQTT_SIGN_CONNECTION_STRING', description: 'the device (or module) connection string, as the portal and az iot hub show it; instead of --hub, --device, --key (and --module)' },
  { name: 'apiVersion', flag: 'api-version', valueName: 'version', default: '2021-04-12', description: 'api-version in the username' },
  { name: 'host', flag: 'host', valueName: 'host', description: `${HOST_HELP}: where to connect, e.g. an IoT Edge gateway (default: the --hub host)` },
  { name: 'port', flag: 'port', valueName: 'port', description: 'broker port (default 8883; 443 with wss://)' },
  { name: 'tls', flag: 'tls', boolean: true, description: 'TLS, always on: the hub accepts no plain connection' },
] as const;

// https://learn.microsoft.com/azure/iot-hub/iot-hub-mqtt-support: MQTT 3.1.1 over TLS only; QoS 0/1, and a QoS 2
// PUBLISH makes the hub close the connection; retain is not stored; messages up to 256 KB; the largest client
// keep-alive is 1177 s (the hub's 1767 s idle limit / 1.5).
const rules: PlatformRules = {
  keepalive: { min: 0, max: 1177, default: 240 },
  tlsRequired: true,
  qos: [0, 1],
  qosDisconnects: true,
  retain: false,
  will: true,
  protocolVersions: [4],
  maxPayload: 256 * 1024,
  expiresAt: null,
  // Every topic of the platform has levels (PLATFORMS.md topics): a value without "/" is a mistyped name.
  topicShape: {},
};

export default defineSigner({
  id: ID,
  title: PLATFORM_TITLES.azure,
  docs: ['https://learn.microsoft.com/azure/iot-hub/iot-hub-mqtt-support', 'https://learn.microsoft.com/azure/iot-hub/authenticate-authorize-sas'],
  params,
  example: 'azure --hub myiothub --device my_device --key AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= --ttl 86400',
  sign,
  verify,
});

function sign(given: SignParams, ctx: SignContext): SignResult {
  const values = withConnectionString(given);
  const p = readParams(ID, params, values);
  for (const name of ['hub', 'deviceId', 'key'] as const) if (!p.given(name)) throw missingParam(ID, params.find((q) => q.name === name)!);
  const host = hubHost(p);
  const deviceId = p.matching('deviceId', IDENTITY, IDENTITY_ALLOWED)!;
  const moduleId = p.matching('moduleId', IDENTITY, IDENTITY_ALLOWED);
  const key = p.base64('key');
  if (key.length < 16 || key.length > 64) throw new UsageError('azure.key.length', { option: p.option('key'), length: key.length });
  const apiVersion = p.matching('apiVersion', /^\d{4}-\d{2}-\d{2}(-preview)?$/, 'a date such as 2021-04-12')!;
  const se = readExpiry(p, ctx.now);

  const clientId = moduleId === undefined ? deviceId : `${deviceId}/${moduleId}`;
  const sr = pct(resourceOf(host, deviceId, moduleId));
  const password = `${SAS_PREFIX}sr=${sr}&sig=${pct(signature(key, sr, se))}&se=${se}`;
  const warnings: Warning[] = HUB_DOMAINS.test(host) ? [] : [warning('azure.host.domain', { host })];
  const endpoint = readEndpoint(p, { host, port: () => 8883, tls: true, websocket: `wss://${host}:443/$iothub/websocket` });
  // learn.microsoft.com/azure/iot-hub/iot-hub-mqtt-support: MQTT on 8883 or over WebSocket on 443, TLS only; no 1883.
  if (!endpoint.tls) throw new UsageError('azure.tls.only', { option: p.option('host'), value: p.require('host') });
  return {
    platform: ID,
    credentials: { clientId, username: `${host}/${clientId}/?api-version=${apiVersion}`, password },
    broker: endpoint,
    rules: { ...rules, expiresAt: Number(se), expiryFlags: ['--expires', '--ttl'] },
    topics: topics(deviceId, moduleId),
    warnings,
  };
}

/** Connection-string keys → params; az iot hub and the portal write them in this spelling. */
const CONNECTION_KEYS: Readonly<Record<string, 'hub' | 'deviceId' | 'key' | 'moduleId'>> = {
  HostName: 'hub',
  DeviceId: 'deviceId',
  SharedAccessKey: 'key',
  ModuleId: 'moduleId',
};

/**
 * `HostName=…;DeviceId=…;SharedAccessKey=…[;ModuleId=…]` (what `az iot hub device-identity connection-string show`
 * prints, and what az iot hub generate-sas-token --login takes) spread into --hub, --device, --key, --module. Each part
 * given twice (in the string, or also as its own flag) is a conflict; an unknown or missing part is named. The key is never echoed.
 */
function withConnectionString(values: SignParams): SignParams {
  // A connection string pasted into another flag (its HostName= reads like --host's) would be quoted whole, key included,
  // by that flag's error: say which flag takes it instead.
  for (const name of ['hub', 'deviceId', 'moduleId', 'host'] as const) {
    if (/HostName=|SharedAccessKey=/i.test(values[name] ?? '')) throw new UsageError('azure.hub.connectionString', { option: `--${params.find((q) => q.name === name)!.flag}` });
  }
  const text = values.connectionString;
  if (text === undefined || text === '') return values;
  const option = '--connection-string';
  const out: Record<string, string | undefined> = { ...values, connectionString: undefined };
  const seen = new Set<string>();
  for (const [index, part] of text.split(';').entries()) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = part.slice(0, Math.max(eq, 0));
    // A part that is not Name=… may be a key mistyped around its value (SharedAccessKey:AAEC…=): it is not shown.
    if (!/^[A-Za-z]{1,40}$/.test(key)) throw new UsageError('azure.connectionString.malformed', { option, index: index + 1 });
    // A key given twice would make the last one win unnoticed (which device, which key?).
    if (seen.has(key)) throw new UsageError('azure.connectionString.repeated', { option, part: key });
    seen.add(key);
    const name = Object.hasOwn(CONNECTION_KEYS, key) ? CONNECTION_KEYS[key] : undefined;
    // Letters then only "=": a key's own base64 padding (the portal's primary key pasted for the connection string), not a name.
    if (name === undefined && /^=*$/.test(part.slice(eq + 1))) throw new UsageError('azure.connectionString.malformed', { option, index: index + 1 });
    if (name === undefined) throw new UsageError('azure.connectionString.part', { option, part: key, allowed: Object.keys(CONNECTION_KEYS).join(', ') });
    const flag = `--${params.find((q) => q.name === name)!.flag}`;
    if (values[name] !== undefined && values[name] !== '') throw new UsageError('platform.param.conflict', { option, other: flag });
    out[name] = part.slice(eq + 1);
  }
  for (const key of ['HostName', 'DeviceId', 'SharedAccessKey']) {
    if (out[CONNECTION_KEYS[key]!] === undefined) throw new UsageError('azure.connectionString.missing', { option, part: key });
  }
  return out;
}

/** `--hub myhub` means myhub.azure-devices.net; a name with a dot is taken as the host itself. */
function hubHost(p: ParamReader): string {
  const hub = p.require('hub');
  const allowed = 'an IoT hub name (3-50 letters, digits, -) or its host name, e.g. myhub or myhub.azure-devices.net';
  if (hub.includes('.')) return p.matching('hub', /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, allowed)!;
  return `${p.matching('hub', /^[A-Za-z0-9-]{3,50}$/, allowed)!}.azure-devices.net`;
}

function resourceOf(host: string, deviceId: string, moduleId: string | undefined): string {
  return `${host}/devices/${deviceId}${moduleId === undefined ? '' : `/modules/${moduleId}`}`;
}

/** base64 HMAC-SHA256 of `sr "\n" se` under the decoded key (az_iot_hub_client_sas_get_signature). */
function signature(key: Uint8Array | string, signed: string, se: string): string {
  return hmac('sha256', key, `${signed}\n${se}`).toString('base64');
}

/** azure-sdk-for-c's URL encoding: every byte outside A-Z a-z 0-9 - . _ ~ becomes %XX, uppercase. */
function pct(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** %XX → byte, everything else kept; UTF-8 read back. Never throws on a stray "%". */
function unpct(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const escape = /^%[0-9A-Fa-f]{2}/.exec(text.slice(i, i + 3));
    if (escape) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function topics(deviceId: string, moduleId: string | undefined): PlatformTopic[] {
  const identity = moduleId === undefined ? `devices/${deviceId}` : `devices/${deviceId}/modules/${moduleId}`;
  return [
    topic('telemetry', `${identity}/messages/events/`, 'publish', 'device-to-cloud messages; append a URL-encoded property bag such as $.ct=application%2Fjson&$.ce=utf-8'),
    ...(moduleId === undefined ? [topic('c2d', `devices/${deviceId}/messages/devicebound/#`, 'subscribe', 'cloud-to-device messages')] : []),
    topic('methods', '$iothub/methods/POST/#', 'subscribe', 'direct method calls; answer on $iothub/methods/res/{status}/?$rid={rid}'),
    topic('twin-response', '$iothub/twin/res/#', 'subscribe', 'answers to twin-get and twin-reported ($rid echoes the request)'),
    topic('twin-get', '$iothub/twin/GET/?$rid=1', 'publish', 'request the device twin (empty payload)'),
    topic('twin-reported', '$iothub/twin/PATCH/properties/reported/?$rid=1', 'publish', 'update reported properties (JSON payload)'),
    topic('twin-desired', '$iothub/twin/PATCH/properties/desired/#', 'subscribe', 'desired property updates'),
  ];
}

// ---- verify -------------------------------------------------------------------------------------------

function verify(login: CapturedLogin, given: SignParams, ctx: { now?: number }): VerifyResult {
  const p = readParams(ID, params, withConnectionString(given));
  const key = p.base64('key');
  const fields: FieldCheck[] = [];
  const warnings: Warning[] = [];
  // host/deviceId/?api-version=… sent as the clientId and the device ID as the username: the two fields swapped.
  // Said once, and the token then checked against the fields the device meant.
  const swapped = !(login.username ?? '').includes('/?api-version=') && login.clientId.includes('/?api-version=');
  const username = swapped ? login.clientId : login.username ?? '';
  const clientId = swapped ? login.username ?? '' : login.clientId;
  const host = p.given('hub') ? hubHost(p) : username.split('/')[0] ?? '';
  const [deviceId = '', moduleId] = clientId.split('/');
  if (p.given('deviceId')) {
    const expected = p.given('moduleId') ? `${p.require('deviceId')}/${p.require('moduleId')}` : p.require('deviceId');
    // Swapped, the clientId meant is in the username: when it is right, the swap alone is said.
    if (!swapped || clientId !== expected) fields.push(fieldCheck('clientId', login.clientId === expected, expected, login.clientId));
  }
  if (swapped) fields.push(fieldCheck('username', false, login.clientId, login.username, { code: 'azure.verify.fieldsSwapped' }));
  else fields.push(checkUsername(username, host, clientId, p.require('apiVersion')));

  const token = parseToken(login.password);
  if (!token.ok) {
    fields.push(fieldCheck('password', false, `${SAS_PREFIX}sr=…&sig=…&se=…`, login.password, token.cause));
  } else {
    const { sr, sig, se, skn } = token;
    const resource = resourceOf(host, deviceId, moduleId);
    const srCause = checkSr(sr, resource, host, skn);
    fields.push(fieldCheck('password.sr', srCause === null, pct(resource), sr, srCause));
    const expectedSig = signature(key, sr, se);
    const sigCause = unpct(sig) === expectedSig ? null : sigMistake(unpct(sig), key, p.require('key'), sr, se);
    fields.push(fieldCheck('password.sig', sigCause === null, pct(expectedSig), sig, sigCause));
    if (/[+/=]/.test(sig)) warnings.push(warning('azure.verify.sigRaw'));
    const judged = judgeExpiry(se, ctx.now);
    warnings.push(...judged.warnings);
    fields.push(fieldCheck('password.se', judged.cause === null, null, se, judged.cause));
  }
  warnings.push(...lintConnect(rules, loginConnect(login), ctx.now ?? 0));
  return { ok: fields.every((f) => f.ok), fields, warnings };
}

/** host/clientId/?api-version=…, where SDKs may append &DeviceClientType=… and &model-id=…. */
function checkUsername(username: string, host: string, clientId: string, apiVersion: string): FieldCheck {
  const prefix = `${host}/${clientId}/?api-version=`;
  const expected = `${prefix}${apiVersion}`;
  if (username.startsWith(prefix) && username.length > prefix.length) return fieldCheck('username', true, expected, username);
  let cause: Cause;
  if (!username.includes('/?api-version=')) cause = { code: 'azure.verify.apiVersion' };
  else if (!username.startsWith(`${host}/`)) cause = { code: 'azure.verify.usernameHost', params: { host } };
  else cause = { code: 'azure.verify.usernameDevice', params: { clientId } };
  return fieldCheck('username', false, expected, username, cause);
}

type Token = { ok: true; sr: string; sig: string; se: string; skn: string | undefined } | { ok: false; cause: Cause };

/** SharedAccessSignature k=v&k=v…, in any order (the C SDK writes sr, sig, se; Node sr, sig, skn, se). */
function parseToken(password: string | null): Token {
  if (password === null || !password.startsWith(SAS_PREFIX)) return { ok: false, cause: { code: 'azure.verify.notSas' } };
  const entries = new Map<string, string>();
  for (const part of password.slice(SAS_PREFIX.length).split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) entries.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const [sr, sig, se] = [entries.get('sr'), entries.get('sig'), entries.get('se')];
  if (!sr) return { ok: false, cause: { code: 'azure.verify.tokenField', params: { field: 'sr' } } };
  if (!sig) return { ok: false, cause: { code: 'azure.verify.tokenField', params: { field: 'sig' } } };
  if (!se) return { ok: false, cause: { code: 'azure.verify.tokenField', params: { field: 'se' } } };
  return { ok: true, sr, sig, se, skn: entries.get('skn') };
}

function checkSr(sr: string, resource: string, host: string, skn: string | undefined): Cause | null {
  const decoded = unpct(sr);
  // The hub compares sr as a URL-encoded value; a raw "/" means the resource was never encoded.
  if (decoded === resource) return sr.includes('/') ? { code: 'azure.verify.srRaw' } : null;
  // A "%" in a device id legitimately encodes to %25, so double encoding shows only by decoding twice.
  if (unpct(decoded) === resource) return { code: 'azure.verify.srDouble' };
  if (skn !== undefined && decoded === host) return { code: 'azure.verify.policy', params: { policy: skn } };
  return { code: 'azure.verify.srResource', params: { value: decoded, expected: resource } };
}

/** The alternative computations of PLATFORMS.md §6, tried in turn; the first that reproduces the sig names the cause. */
function sigMistake(sig: string, key: Buffer, keyText: string, sr: string, se: string): Cause {
  const escapes = /%[0-9A-Fa-f]{2}/g;
  // Other encoders of the same resource: all-uppercase (C SDK), all-lowercase (Microsoft's doc examples),
  // and the Node SDK's, which lowercases only the escapes of ! ' ( ) *.
  const encodings = [
    sr.replace(escapes, (e) => e.toUpperCase()),
    sr.replace(escapes, (e) => e.toLowerCase()),
    sr.replace(escapes, (e) => (/^%2[1789A]$/i.test(e) ? e.toLowerCase() : e.toUpperCase())),
  ].filter((other) => other !== sr);
  const mistakes: [Cause, () => boolean][] = [
    [{ code: 'azure.verify.keyNotDecoded' }, () => signature(keyText, sr, se) === sig],
    [{ code: 'azure.verify.unencodedUri' }, () => signature(key, unpct(sr), se) === sig],
    [{ code: 'azure.verify.hexCase' }, () => encodings.some((other) => signature(key, other, se) === sig)],
    // The right HMAC written as hex (any case) instead of base64.
    [{ code: 'verify.hexOutput' }, () => sig.toLowerCase() === Buffer.from(signature(key, sr, se), 'base64').toString('hex')],
    [{ code: 'azure.verify.order' }, () => hmac('sha256', key, `${se}\n${sr}`).toString('base64') === sig],
    [{ code: 'azure.verify.newline' }, () => hmac('sha256', key, `${sr}${se}`).toString('base64') === sig],
  ];
  return mistakes.find(([, matches]) => matches())?.[0] ?? { code: 'verify.mismatch' };
}
