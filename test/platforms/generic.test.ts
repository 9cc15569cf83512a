// Plain brokers: the mosquitto and ThingsBoard vectors, --passwd-line against a real mosquitto, bad input, verify.
// test/fixtures/vectors/{mosquitto,thingsboard}.json are verbatim copies of shared/vectors/ (sources in each row).
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectFrom, encode, getSigner, sign, type ConnectOptions } from '../../src/index.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { needsTools } from '../helpers/tools.js';
import mosquittoVectors from '../fixtures/vectors/mosquitto.json' with { type: 'json' };
import thingsboardVectors from '../fixtures/vectors/thingsboard.json' with { type: 'json' };
import { signJson } from './_cli.js';

const generic = getSigner('generic');
const NOW = Date.UTC(2025, 0, 1);
const salt = Buffer.from('2ImpVluWEbsi5sXw', 'base64');
const base = { host: '127.0.0.1', clientId: 'probe-device01', username: 'device01', password: 'S3cret!pass' };

/** CONNECT bytes (MQTT 3.1.1, clean session) for credentials, as the CLI makes them. */
function connectBytes(c: { clientId: string; username: string | null; password: string | null }, keepalive = 60): Buffer {
  return Buffer.from(encode(connectFrom(c, { keepalive })));
}

describe('mosquitto.json vectors', () => {
  test.each(mosquittoVectors)('$name: credentials, password_file line and CONNECT bytes', (v) => {
    const i = v.inputs;
    const r = sign('generic', { host: v.expected.host, clientId: i.clientId, username: i.username, password: i.password, passwdLine: 'true', iterations: String(v.hash.iterations) }, { now: NOW, salt: Buffer.from(v.hash.saltBase64, 'base64') });
    expect(r.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([r.broker.host, r.broker.port]).toEqual([v.expected.host, v.expected.port]);
    expect(r.extras).toEqual({ passwdLine: i.passwordFileLine });
    expect(connectBytes(r.credentials, v.connect.keepAlive).toString('hex')).toBe(v.connect.packetHex);
  });
});

describe('mosquitto.json and thingsboard.json vectors through the CLI', () => {
  const rows = [
    ...mosquittoVectors.map((v) => ({ name: v.name, v, argv: ['--host', v.expected.host, '--client-id', v.inputs.clientId, '--username', v.inputs.username, '--password', v.inputs.password] })),
    ...thingsboardVectors.map((v) => {
      const i = v.inputs as { clientId: string; host: string; port: number; accessToken?: string; username?: string; password?: string };
      const argv = ['--host', i.host, '--client-id', i.clientId, '--username', (i.accessToken ?? i.username)!, ...(i.password ? ['--password', i.password] : []), ...(i.port === 8883 ? ['--tls'] : [])];
      return { name: v.name, v, argv };
    }),
  ];
  test.each(rows)('$name: mqtt-sign generic … --format json', async ({ v, argv }) => {
    const doc = await signJson(['generic', ...argv, '--keepalive', String(v.connect.keepAlive)], NOW);
    expect(doc.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([doc.broker.host, doc.broker.port]).toEqual([v.expected.host, v.expected.port]);
    expect(doc.packets.map((p) => p.hex)).toEqual([v.connect.packetHex]);
  });
});

describe('thingsboard.json vectors', () => {
  test.each(thingsboardVectors)('$name: credentials, endpoint and CONNECT bytes', (v) => {
    const i = v.inputs as { clientId: string; host: string; port: number; accessToken?: string; username?: string; password?: string };
    const params = { host: i.host, clientId: i.clientId, username: i.accessToken ?? i.username, password: i.password, tls: i.port === 8883 ? 'true' : undefined };
    const r = sign('generic', params, { now: NOW });
    expect(r.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([r.broker.host, r.broker.port]).toEqual([v.expected.host, v.expected.port]);
    expect(connectBytes(r.credentials, v.connect.keepAlive).toString('hex')).toBe(v.connect.packetHex);
    expect(r.warnings).toEqual([]);
  });

  test('telemetry is v1/devices/me/telemetry', () => {
    const topics = sign('generic', base, { now: NOW }).topics;
    expect(topics.find((t) => t.name === 'telemetry')).toMatchObject({ topic: 'v1/devices/me/telemetry', direction: 'publish' });
    expect(new Set(topics.map((t) => `${t.name}`)).size).toBe(topics.length);
  });
});

describe('sign', () => {
  test('defaults: port 1883, 8883 with --tls, --port wins; any QoS, retain and will; no expiry', () => {
    const r = sign('generic', base, { now: NOW });
    expect(r.broker).toEqual({ host: '127.0.0.1', port: 1883, tls: false, url: 'mqtt://127.0.0.1:1883' });
    expect(r.rules).toMatchObject({ qos: [0, 1, 2], retain: true, will: true, protocolVersions: [3, 4, 5], expiresAt: null, tlsRequired: false });
    expect(sign('generic', { ...base, tls: 'true' }, { now: NOW }).broker.url).toBe('mqtts://127.0.0.1:8883');
    expect(sign('generic', { ...base, tls: 'true', port: '8884' }, { now: NOW }).broker).toMatchObject({ port: 8884, tls: true });
    expect(sign('generic', { ...base, host: '::1' }, { now: NOW }).broker.url).toBe('mqtt://[::1]:1883');
    expect(r.extras).toBeUndefined();
  });

  test('no username and no password: both flags unset', () => {
    expect(sign('generic', { host: 'h', clientId: 'c' }, { now: NOW }).credentials).toEqual({ clientId: 'c', username: null, password: null });
  });

  // Each row: what is odd, params, the warning.
  test.each([
    ['a password without a username', { host: 'h', clientId: 'c', password: 'p' }, 'generic.password.noUsername'],
    ['TLS on 1883', { ...base, tls: 'true', port: '1883' }, 'generic.port.transport'],
    ['plain TCP on 8883', { ...base, port: '8883' }, 'generic.port.transport'],
  ])('%s is signed, with a warning', (_what, params, code) => {
    expect(sign('generic', params, { now: NOW }).warnings.map((w) => w.code)).toEqual([code]);
  });

  test('--password-file-line warns when this login would not pass it', () => {
    const line = mosquittoVectors[0]!.inputs.passwordFileLine;
    expect(sign('generic', { ...base, passwordFileLine: line }, { now: NOW }).warnings).toEqual([]);
    expect(sign('generic', { ...base, password: 'S3cret!pas', passwordFileLine: line }, { now: NOW }).warnings.map((w) => w.code)).toEqual(['generic.passwd.mismatch']);
    expect(sign('generic', { ...base, username: 'device02', passwordFileLine: line }, { now: NOW }).warnings.map((w) => w.code)).toEqual(['generic.passwd.user']);
  });

  test('--iterations is written into the line', () => {
    expect(sign('generic', { ...base, passwdLine: 'true', iterations: '1000' }, { now: NOW, salt }).extras?.passwdLine).toMatch(/^device01:\$7\$1000\$2ImpVluWEbsi5sXw\$/);
  });
});

describe('bad input', () => {
  // Each row: what is wrong, params, context, the error code, the option named.
  const rows: [string, Record<string, string>, { salt?: Uint8Array; connect?: ConnectOptions }, string, string][] = [
    ['no host', { ...base, host: '' }, {}, 'platform.param.missing', '--host'],
    ['host as a URL with a path', { ...base, host: 'mqtt://broker:1883/x' }, {}, 'host.path', '--host'],
    ['an empty clientId on MQTT 3.1', { ...base, clientId: '' }, { connect: { protocolVersion: 3 } }, 'generic.clientId.empty31', '--client-id'],
    ['an empty clientId without clean session', { ...base, clientId: '' }, { connect: { protocolVersion: 4, clean: false } }, 'generic.clientId.emptyClean', '--client-id'],
    ['U+0000 in the clientId', { ...base, clientId: 'a\u0000b' }, {}, 'platform.param.chars', '--client-id'],
    ['U+0000 in the username', { ...base, username: 'a\u0000b' }, {}, 'platform.param.chars', '--username'],
    ['a username over 65,535 bytes', { ...base, username: 'é'.repeat(32768) }, {}, 'platform.param.chars', '--username'],
    ['port 0', { ...base, port: '0' }, {}, 'platform.param.integer', '--port'],
    ['port 65536', { ...base, port: '65536' }, {}, 'platform.param.integer', '--port'],
    ['--iterations without --passwd-line', { ...base, iterations: '1000' }, {}, 'generic.param.requires', '--iterations'],
    ['--iterations 0', { ...base, passwdLine: 'true', iterations: '0' }, { salt }, 'platform.param.integer', '--iterations'],
    ['--passwd-line without a username', { host: 'h', clientId: 'c', password: 'p', passwdLine: 'true' }, { salt }, 'passwd.username', '--username'],
    ['--passwd-line with ":" in the username', { ...base, username: 'a:b', passwdLine: 'true' }, { salt }, 'passwd.username', '--username'],
    ['--passwd-line without a password', { ...base, password: '', passwdLine: 'true' }, { salt }, 'passwd.passwordEmpty', '--password'],
    ['--passwd-line without a salt', { ...base, passwdLine: 'true' }, {}, 'passwd.salt', 'ctx.salt'],
    ['a malformed --password-file-line', { ...base, passwordFileLine: 'device01:S3cret!pass' }, {}, 'passwd.linePlain', '--password-file-line'],
  ];
  test.each(rows)('%s', (_what, params, ctx, code, option) => {
    expect(() => sign('generic', params, { now: NOW, ...ctx })).toThrow(expect.objectContaining({ code, exitCode: 2, params: expect.objectContaining({ option }) }));
  });
});

describe('verify', () => {
  const line = mosquittoVectors[0]!.inputs.passwordFileLine;
  const good = { clientId: base.clientId, username: base.username, password: base.password };
  const check = (login: { clientId?: string; username?: string | null; password?: string | null; protocolVersion?: number }, params: Record<string, string>) =>
    generic.verify!({ ...good, ...login }, params, { now: NOW });
  const failing = (r: ReturnType<typeof check>) => r.fields.filter((f) => !f.ok).map((f) => [f.name, f.causeCode]);

  test('the right password, and the password_file line, verify; the expected password is never shown', () => {
    const r = check({}, { ...base, passwordFileLine: line });
    expect(r.ok).toBe(true);
    expect(r.fields.map((f) => f.name)).toEqual(['clientId', 'username', 'password', 'username.passwordFile', 'password.passwordFile']);
    expect(r.fields.filter((f) => f.name.startsWith('password')).map((f) => f.expected)).toEqual([null, null]);
  });

  // Each row: the mistake, the captured password, the params, the failing fields with their causes.
  test.each([
    ['a trailing newline', 'S3cret!pass\n', { password: base.password }, [['password', 'generic.verify.whitespace']]],
    ['another case', 's3cret!pass', { password: base.password }, [['password', 'generic.verify.case']]],
    ['another password', 'hunter2', { password: base.password }, [['password', 'generic.verify.passwordDiffers']]],
    ['no password flag', null, { password: base.password }, [['password', 'generic.verify.flagUnset']]],
    ['a password that fails the line', 'hunter2', { passwordFileLine: line }, [['password.passwordFile', 'generic.verify.lineMismatch']]],
    ['a trailing space against the line', 'S3cret!pass ', { passwordFileLine: line }, [['password.passwordFile', 'generic.verify.whitespace']]],
    ['no password against the line', null, { passwordFileLine: line }, [['password.passwordFile', 'generic.verify.flagUnset']]],
  ])('%s', (_what, password, params, expected) => {
    expect(failing(check({ password }, params))).toEqual(expected);
  });

  test('username and password swapped: named as such, not "the password differs"', () => {
    const r = check({ username: base.password, password: base.username }, { username: base.username, password: base.password });
    expect(failing(r)).toEqual([['username', 'generic.verify.swapped'], ['password', 'generic.verify.swapped']]);
  });

  test('a login for another user than the line', () => {
    expect(failing(check({ username: 'device02' }, { passwordFileLine: line }))).toEqual([['username.passwordFile', 'generic.verify.lineUser']]);
  });

  test('a ThingsBoard token login: username only', () => {
    const r = check({ username: 'A1_TEST_TOKEN', password: null }, { username: 'A1_TEST_TOKEN' });
    expect(r.ok).toBe(true);
    expect(failing(check({ username: 'A1_TEST_TOKEN ', password: null }, { username: 'A1_TEST_TOKEN' }))).toEqual([['username', 'generic.verify.whitespace']]);
  });

  test('a password without a username is warned about before MQTT 5', () => {
    const r = check({ username: null, protocolVersion: 4 }, { password: base.password });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toContain('generic.password.noUsername');
    expect(check({ username: null, protocolVersion: 5 }, { password: base.password }).warnings).toEqual([]);
  });

  test('nothing to check against is a usage error', () => {
    expect(() => check({}, { clientId: 'x' })).toThrow(expect.objectContaining({ code: 'generic.verify.nothing', exitCode: 2 }));
  });
});

/** Send one CONNECT to the broker and return its first 4 bytes (the 3.1.1 CONNACK). */
function connack(port: number, bytes: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    let got = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy(new Error(`no CONNACK within 5 s (got ${got.toString('hex')})`)));
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4) {
        socket.destroy();
        resolve(got.subarray(0, 4).toString('hex'));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after ${got.toString('hex')}`)));
  });
}

needsTools(['mosquitto']).describe('a real mosquitto accepts the --passwd-line lines', () => {
  const vector = mosquittoVectors[0]!;
  const lines = {
    fresh: sign('generic', { ...base, username: 'fresh', passwdLine: 'true' }, { now: NOW, salt: randomBytes(12) }).extras!.passwdLine!,
    slow: sign('generic', { ...base, username: 'slow', passwdLine: 'true', iterations: '1000' }, { now: NOW, salt: randomBytes(12) }).extras!.passwdLine!,
  };
  let broker: Broker;

  beforeAll(async () => {
    broker = await startMosquitto({
      files: { passwd: `${lines.fresh}\n${lines.slow}\n${vector.inputs.passwordFileLine}\n` },
      config: (dir) => `allow_anonymous false\npassword_file ${dir}/passwd`,
    });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  // Each row: the user, the password sent, the CONNACK return code expected.
  test.each([
    ['fresh', base.password, '00'],
    ['fresh', 'S3cret!pasS', '05'],
    ['slow', base.password, '00'],
    ['slow', '', '05'],
    ['nobody', base.password, '05'],
  ])('user %s with password %j gets CONNACK %s', async (username, password, rc) => {
    const { credentials } = sign('generic', { ...base, username, password, port: String(broker.port) }, { now: NOW });
    expect(await connack(broker.port, connectBytes(credentials))).toBe(`200200${rc}`);
  });

  test("the vector's own CONNECT bytes get the vector's CONNACK; a wrong password gets its code", async () => {
    expect(await connack(broker.port, Buffer.from(vector.connect.packetHex, 'hex'))).toBe(vector.connect.connackHex);
    const wrong = connectBytes({ clientId: vector.inputs.clientId, username: vector.inputs.username, password: 'S3cret!pasx' });
    expect(await connack(broker.port, wrong)).toBe(`200200${vector.expected.connackReturnCodeWrongPassword.toString(16).padStart(2, '0')}`);
  });
});
