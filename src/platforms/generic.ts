/**
 * Plain-credential brokers: mosquitto, EMQX, ThingsBoard and any other (PLATFORMS.md §8). Nothing is signed; the
 * client sends username and password as given (ThingsBoard: the access token as username, no password).
 * `--passwd-line` also prints the mosquitto password_file line for the user ($7$ PBKDF2-SHA512).
 */
import { UsageError } from '../errors.js';
import { parsePasswdLine, passwdLine, passwdMatches, PASSWD_DEFAULT_ITERATIONS, PASSWD_MAX_ITERATIONS, type PasswdEntry } from './_passwd.js';
import { HOST_HELP, readEndpoint } from './_endpoint.js';
import { fieldCheck, loginConnect, readParams, topic, warning, type Cause, type ParamReader } from './_signer.js';
import { lintConnect } from './lint.js';
import { defineSigner, type CapturedLogin, type FieldCheck, type PlatformRules, type PlatformTopic, type SignContext, type SignParams, type SignResult, type VerifyResult, type Warning } from './types.js';
import { PLATFORM_TITLES } from './names.js';

const ID = 'generic';
/** An MQTT UTF-8 string: at most 65,535 bytes and no U+0000 [MQTT-1.5.3-2]. */
const MQTT_STRING = /^[^\u0000]*$/;

const params = [
  { name: 'host', flag: 'host', valueName: 'host', required: true, description: HOST_HELP },
  { name: 'clientId', flag: 'client-id', valueName: 'id', required: true, allowEmpty: true, description: 'clientId ("" lets the broker assign one: MQTT 3.1.1 with clean session, or 5.0)' },
  { name: 'port', flag: 'port', valueName: 'port', description: 'broker port (default 1883, 8883 with --tls)' },
  { name: 'username', flag: 'username', valueName: 'name', description: 'username (ThingsBoard: the device access token)' },
  { name: 'password', flag: 'password', valueName: 'password', secret: true, env: 'MQTT_SIGN_PASSWORD', description: 'password' },
  { name: 'tls', flag: 'tls', boolean: true, description: 'connect over TLS' },
  { name: 'passwdLine', flag: 'passwd-line', boolean: true, description: 'also print the mosquitto password_file line for --username/--password ($7$, PBKDF2-SHA512)' },
  { name: 'iterations', flag: 'iterations', valueName: 'n', default: String(PASSWD_DEFAULT_ITERATIONS), description: 'PBKDF2 iterations of the --passwd-line hash (mosquitto 2.0 uses 101)' },
  { name: 'passwordFileLine', flag: 'password-file-line', valueName: 'line', secret: true, env: 'MQTT_SIGN_PASSWORD_FILE_LINE', description: 'a mosquitto password_file line (user:$7$…) to check the username and password against' },
] as const;

const rules: PlatformRules = {
  keepalive: { min: 0, max: 65535, default: 60 },
  tlsRequired: false,
  qos: [0, 1, 2],
  retain: true,
  will: true,
  protocolVersions: [3, 4, 5],
  expiresAt: null,
};

export default defineSigner({
  id: ID,
  title: PLATFORM_TITLES.generic,
  docs: ['https://mosquitto.org/man/mosquitto_passwd-1.html', 'https://thingsboard.io/docs/reference/mqtt-api/', 'https://docs.emqx.com/en/emqx/latest/access-control/authn/authn.html'],
  params,
  example: 'generic --host 127.0.0.1 --client-id probe-device01 --username device01 --password S3cretpass --passwd-line',
  sign,
  verify,
});

function sign(values: SignParams, ctx: SignContext): SignResult {
  const p = readParams(ID, params, values);
  const clientId = values.clientId === '' ? emptyClientId(p, ctx) : mqttString(p, 'clientId')!;
  const username = mqttString(p, 'username') ?? null;
  // The password field is binary data, so any text goes.
  const password = p.get('password') ?? null;
  const endpoint = readEndpoint(p, { host: p.require('host'), port: (tls) => (tls ? 8883 : 1883) });
  const { tls, port } = endpoint;

  const warnings: Warning[] = clientId === '' ? [warning('generic.clientId.assigned', {}, 'info')] : [];
  // [MQTT-3.1.2-22]: before MQTT 5 a password needs a username.
  if (password !== null && username === null) warnings.push(warning('generic.password.noUsername'));
  if ((port === 1883 && tls) || (port === 8883 && !tls)) warnings.push(warning('generic.port.transport', { port, transport: tls ? 'TLS' : 'plain TCP' }));
  if (p.given('passwordFileLine')) warnings.push(...lineWarnings(parsePasswdLine(p.require('passwordFileLine')), username, password));

  let extras: Record<string, string> | undefined;
  if (p.flag('passwdLine')) {
    const line = passwdLine(username ?? '', password ?? '', ctx.salt ?? new Uint8Array(), p.integer('iterations', 1, PASSWD_MAX_ITERATIONS)!);
    extras = { passwdLine: line };
  } else if (p.given('iterations')) {
    throw new UsageError('generic.param.requires', { option: p.option('iterations'), other: p.option('passwdLine') });
  }
  const result: SignResult = {
    platform: ID,
    credentials: { clientId, username, password },
    broker: endpoint,
    rules,
    topics: thingsboardTopics(),
    warnings,
  };
  return extras === undefined ? result : { ...result, extras };
}

/**
 * A zero-length clientId: the server assigns one, which MQTT 3.1.1 allows only with clean session
 * ([MQTT-3.1.3-6], [MQTT-3.1.3-7]) and 5.0 always (§3.1.3.1); MQTT 3.1 requires 1-23 characters.
 */
function emptyClientId(p: ParamReader, ctx: SignContext): string {
  const version = ctx.connect?.protocolVersion;
  if (version === 3) throw new UsageError('generic.clientId.empty31', { option: p.option('clientId') });
  if (version !== 5 && ctx.connect?.clean === false) throw new UsageError('generic.clientId.emptyClean', { option: p.option('clientId') });
  return '';
}

function mqttString(p: ParamReader, name: 'clientId' | 'username'): string | undefined {
  const value = p.matching(name, MQTT_STRING, 'text without U+0000');
  if (value !== undefined && Buffer.byteLength(value, 'utf8') > 65535) {
    throw new UsageError('platform.param.chars', { option: p.option(name), value: `${value.slice(0, 16)}…`, allowed: 'at most 65,535 UTF-8 bytes' });
  }
  return value;
}

/** When signing with --password-file-line: say so if this login would not pass that line. */
function lineWarnings(entry: PasswdEntry, username: string | null, password: string | null): Warning[] {
  if (username !== entry.username) return [warning('generic.passwd.user', { user: entry.username })];
  return password !== null && passwdMatches(entry, password) ? [] : [warning('generic.passwd.mismatch', { user: entry.username })];
}

/** ThingsBoard's device API (https://thingsboard.io/docs/reference/mqtt-api/); other brokers have no fixed topics. */
function thingsboardTopics(): PlatformTopic[] {
  const me = 'v1/devices/me';
  return [
    topic('telemetry', `${me}/telemetry`, 'publish', 'ThingsBoard: time-series data; {"ts":<ms>,"values":{…}} to give the time', '{"temperature":26}'),
    topic('attributes', `${me}/attributes`, 'publish', 'ThingsBoard: client attributes', '{"firmwareVersion":"1.0.1"}'),
    topic('attributes-updates', `${me}/attributes`, 'subscribe', 'ThingsBoard: shared attribute updates'),
    topic('attributes-request', `${me}/attributes/request/1`, 'publish', 'ThingsBoard: request attributes (request id 1)', '{"clientKeys":"firmwareVersion","sharedKeys":"targetVersion"}'),
    topic('attributes-response', `${me}/attributes/response/+`, 'subscribe', 'ThingsBoard: answers to attributes-request'),
    topic('rpc-request', `${me}/rpc/request/+`, 'subscribe', 'ThingsBoard: server-side RPC; answer on v1/devices/me/rpc/response/{id}'),
  ];
}

// ---- verify -------------------------------------------------------------------------------------------

function verify(login: CapturedLogin, values: SignParams, ctx: { now?: number }): VerifyResult {
  const p = readParams(ID, params, values);
  const fields: FieldCheck[] = [];
  if (p.given('clientId')) fields.push(compare('clientId', p.require('clientId'), login.clientId));
  if (p.given('username')) fields.push(compare('username', p.require('username'), login.username));
  if (p.given('password')) fields.push(compare('password', p.require('password'), login.password));
  // Both given and each sent in the other's place: one cause for the pair, not "differs" twice.
  if (p.given('username') && p.given('password') && login.username !== login.password && login.username === p.require('password') && login.password === p.require('username')) {
    for (const [i, f] of fields.entries()) if (f.name !== 'clientId') fields[i] = fieldCheck(f.name, false, f.expected, f.actual, { code: 'generic.verify.swapped' });
  }
  if (p.given('passwordFileLine')) {
    const entry = parsePasswdLine(p.require('passwordFileLine'));
    const userOk = login.username === entry.username;
    fields.push(fieldCheck('username.passwordFile', userOk, entry.username, login.username, userOk ? null : { code: 'generic.verify.lineUser', params: { user: entry.username } }));
    const cause = lineCause(entry, login.password);
    fields.push(fieldCheck('password.passwordFile', cause === null, null, login.password, cause));
  }
  if (fields.every((f) => f.name === 'clientId')) {
    throw new UsageError('generic.verify.nothing', { options: [p.option('username'), p.option('password'), p.option('passwordFileLine')].join(', ') });
  }
  const warnings: Warning[] = lintConnect(rules, loginConnect(login), ctx.now ?? 0);
  if (login.password !== null && login.username === null && login.protocolVersion !== 5) warnings.push(warning('generic.password.noUsername'));
  return { ok: fields.every((f) => f.ok), fields, warnings };
}

/**
 * A plain value compared; on a difference, the usual copy-paste slips are named. The expected password is the
 * user's own secret, so it is never shown.
 */
function compare(name: 'clientId' | 'username' | 'password', expected: string, actual: string | null): FieldCheck {
  const shown = name === 'password' ? null : expected;
  if (actual === expected) return fieldCheck(name, true, shown, actual);
  return fieldCheck(name, false, shown, actual, slip(expected, actual) ?? (name === 'password' ? { code: 'generic.verify.passwordDiffers' } : null));
}

function slip(expected: string, actual: string | null): Cause | null {
  if (actual === null) return { code: 'generic.verify.flagUnset' };
  if (actual.trim() === expected.trim()) return { code: 'generic.verify.whitespace' };
  if (actual.toLowerCase() === expected.toLowerCase()) return { code: 'generic.verify.case' };
  return null;
}

function lineCause(entry: PasswdEntry, password: string | null): Cause | null {
  if (password === null) return { code: 'generic.verify.flagUnset' };
  if (passwdMatches(entry, password)) return null;
  if (password !== password.trim() && passwdMatches(entry, password.trim())) return { code: 'generic.verify.whitespace' };
  return { code: 'generic.verify.lineMismatch' };
}
