// Azure IoT Hub SAS signer: the shared vector step by step, hub names, modules, bad input, and verify's named mistakes.
// test/fixtures/vectors/azure.json is a verbatim copy of shared/vectors/azure.json (azure-sdk-for-c unit-test constants).
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { connectFrom, encode, getSigner, sign } from '../../src/index.js';
import vectors from '../fixtures/vectors/azure.json' with { type: 'json' };
import { signJson } from './_cli.js';

const azure = getSigner('azure');
type Vector = (typeof vectors)[number];

function fromVector(v: Vector) {
  const i = v.inputs;
  return { params: { hub: i.host, deviceId: i.deviceId, key: i.deviceKey, expires: String(i.expiry), apiVersion: i.apiVersion }, now: (i.expiry - 3600) * 1000 };
}

const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const base = { hub: 'myiothub', deviceId: 'my_device', key: KEY };
const NOW = 1578938092_000; // one hour before the vector's se
const SE = '1578941692';

/** An encoder written independently of the signer: encodeURIComponent plus the five characters it leaves alone. */
const pctEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sasSig = (key: Uint8Array | string, signed: string, se = SE) => createHmac('sha256', key).update(`${signed}\n${se}`).digest('base64');
const token = (sr: string, sig: string, se = SE, extra = '') => `SharedAccessSignature sr=${sr}&sig=${pctEncode(sig)}&se=${se}${extra}`;

describe('azure.json vectors', () => {
  test.each(vectors)('$name: credentials and endpoint', (v) => {
    const { params, now } = fromVector(v);
    const r = sign('azure', params, { now });
    expect(r.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([r.broker.host, r.broker.port, r.broker.tls]).toEqual([v.expected.host, v.expected.port, true]);
    expect(r.topics.find((t) => t.name === 'telemetry')?.topic).toBe(v.telemetryTopic);
  });

  test.each(vectors)('$name: the string to sign and the signature, step by step', (v) => {
    expect(sasSig(Buffer.from(v.inputs.deviceKey, 'base64'), v.stringToSign.split('\n')[0]!, String(v.inputs.expiry))).toBe(v.signatureBase64);
    const password = sign('azure', fromVector(v).params, { now: fromVector(v).now }).credentials.password!;
    expect(password).toContain(`sr=${v.stringToSign.split('\n')[0]}&`);
    expect(password).toContain(`&sig=${pctEncode(v.signatureBase64)}&`);
  });

  // The path the CLI takes: the signer's credentials → connectFrom → encode.
  test.each(vectors)('$name: CONNECT bytes', (v) => {
    const { params, now } = fromVector(v);
    const c = v.connect;
    const packet = connectFrom(sign('azure', params, { now }).credentials, { protocolVersion: c.protocolLevel as 4, clean: c.cleanSession, keepalive: c.keepAlive });
    expect(Buffer.from(encode(packet)).toString('hex')).toBe(c.packetHex);
  });

  test.each(vectors)('$name: verify accepts the vector login and the SDK username variants', (v) => {
    const { params, now } = fromVector(v);
    const usernames = [v.expected.username, ...Object.values(v.sdk_usernames)];
    for (const username of usernames) {
      const r = azure.verify!({ clientId: v.expected.clientId, username, password: v.expected.password }, params, { now });
      expect(r.fields.filter((f) => !f.ok), username).toEqual([]);
    }
  });
});

describe('azure.json vectors through the CLI', () => {
  test.each(vectors)('$name: mqtt-sign azure … --format json', async (v) => {
    const i = v.inputs;
    const argv = ['azure', '--hub', i.host, '--device', i.deviceId, '--key', i.deviceKey, '--expires', String(i.expiry), '--api-version', i.apiVersion, '--keepalive', String(v.connect.keepAlive)];
    const doc = await signJson(argv, fromVector(v).now);
    expect(doc.credentials).toEqual({ clientId: v.expected.clientId, username: v.expected.username, password: v.expected.password });
    expect([doc.broker.host, doc.broker.port, doc.broker.tls]).toEqual([v.expected.host, v.expected.port, true]);
    expect(doc.packets.map((p) => p.hex)).toEqual([v.connect.packetHex]);
  });
});

describe('sign', () => {
  test('a hub name becomes <name>.azure-devices.net; se = now + 3600; TLS 8883 and WebSocket 443', () => {
    const r = sign('azure', base, { now: NOW });
    expect(r.credentials.password).toBe(vectors[0]!.expected.password);
    expect(r.rules).toMatchObject({ tlsRequired: true, qos: [0, 1], protocolVersions: [4], expiresAt: Number(SE), keepalive: { max: 1177, default: 240 }, qosDisconnects: true });
    expect(r.broker).toEqual({
      host: 'myiothub.azure-devices.net',
      port: 8883,
      tls: true,
      url: 'mqtts://myiothub.azure-devices.net:8883',
      websocket: 'wss://myiothub.azure-devices.net:443/$iothub/websocket',
      websocketUnverified: false,
    });
    expect(r.warnings.map((w) => w.code)).toEqual(['lint.expiry.soon']);
  });

  test('a China hub host is kept; another domain is signed with a warning', () => {
    expect(sign('azure', { ...base, hub: 'h1.azure-devices.cn' }, { now: NOW }).warnings.map((w) => w.code)).not.toContain('azure.host.domain');
    const r = sign('azure', { ...base, hub: 'iot.example.com' }, { now: NOW });
    expect(r.credentials.username).toBe('iot.example.com/my_device/?api-version=2021-04-12');
    expect(r.warnings.map((w) => w.code)).toContain('azure.host.domain');
  });

  test('a module identity signs devices/<d>/modules/<m> and logs in as d/m', () => {
    const r = sign('azure', { ...base, moduleId: 'filter-1' }, { now: NOW });
    const sr = pctEncode('myiothub.azure-devices.net/devices/my_device/modules/filter-1');
    expect(r.credentials).toEqual({
      clientId: 'my_device/filter-1',
      username: 'myiothub.azure-devices.net/my_device/filter-1/?api-version=2021-04-12',
      password: token(sr, sasSig(Buffer.from(KEY, 'base64'), sr)),
    });
    expect(r.topics.find((t) => t.name === 'telemetry')?.topic).toBe('devices/my_device/modules/filter-1/messages/events/');
    expect(r.topics.map((t) => t.name)).not.toContain('c2d');
  });

  test("every id character IoT Hub allows is percent-encoded as azure-sdk-for-c does (%2A, not Node's %2a)", () => {
    const deviceId = "d-.%_*?!(),:=@$'";
    const r = sign('azure', { ...base, deviceId }, { now: NOW });
    const sr = pctEncode(`myiothub.azure-devices.net/devices/${deviceId}`);
    expect(sr).toContain('%2A');
    expect(r.credentials.password).toBe(token(sr, sasSig(Buffer.from(KEY, 'base64'), sr)));
    expect(r.credentials.clientId).toBe(deviceId); // the hub does not decode the clientId or username
    // "%" encodes to %25 once; that is not double encoding.
    expect(azure.verify!(r.credentials, { key: KEY }, { now: NOW }).fields.filter((f) => !f.ok)).toEqual([]);
  });

  test('--api-version and --ttl', () => {
    const r = sign('azure', { ...base, apiVersion: '2020-09-30', ttl: String(365 * 86400) }, { now: NOW });
    expect(r.credentials.username).toBe('myiothub.azure-devices.net/my_device/?api-version=2020-09-30');
    expect(r.rules.expiresAt).toBe(1578938092 + 365 * 86400);
    expect(r.warnings).toEqual([]);
  });

  test('topic names are unique and telemetry is the events topic', () => {
    const names = sign('azure', base, { now: NOW }).topics.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['telemetry', 'c2d', 'methods', 'twin-response', 'twin-get', 'twin-reported', 'twin-desired']);
  });
});

describe('bad input', () => {
  // Each row: what is wrong, params on top of the base, the error code, the option named.
  const rows: [string, Record<string, string>, string, string][] = [
    ['key not base64', { key: 'not-base64' }, 'platform.param.base64', '--key'],
    ['key of 8 bytes', { key: Buffer.alloc(8).toString('base64') }, 'azure.key.length', '--key'],
    ['key of 65 bytes', { key: Buffer.alloc(65).toString('base64') }, 'azure.key.length', '--key'],
    ['key missing', { key: '' }, 'platform.secret.missing', '--key'],
    ['hub as a URL', { hub: 'mqtts://myiothub.azure-devices.net' }, 'platform.param.chars', '--hub'],
    ['hub with a port', { hub: 'myiothub.azure-devices.net:8883' }, 'platform.param.chars', '--hub'],
    ['hub name of 2 characters', { hub: 'ab' }, 'platform.param.chars', '--hub'],
    ['hub name with "_"', { hub: 'my_hub' }, 'platform.param.chars', '--hub'],
    ['a connection string', { hub: `HostName=myiothub.azure-devices.net;DeviceId=my_device;SharedAccessKey=${KEY}` }, 'azure.hub.connectionString', '--hub'],
    ['device with "#"', { deviceId: 'dev#1' }, 'platform.param.chars', '--device'],
    ['device with a space', { deviceId: 'dev 1' }, 'platform.param.chars', '--device'],
    ['device of 129 characters', { deviceId: 'd'.repeat(129) }, 'platform.param.chars', '--device'],
    ['module with "/"', { moduleId: 'a/b' }, 'platform.param.chars', '--module'],
    ['expiry in milliseconds', { expires: '1578941692000' }, 'platform.time.ms-given', '--expires'],
    ['expiry and ttl', { expires: SE, ttl: '60' }, 'platform.param.conflict', '--expires'],
    ['api-version not a date', { apiVersion: 'latest' }, 'platform.param.chars', '--api-version'],
  ];
  test.each(rows)('%s', (_what, extra, code, option) => {
    expect(() => sign('azure', { ...base, ...extra }, { now: NOW })).toThrow(expect.objectContaining({ code, exitCode: 2, params: expect.objectContaining({ option }) }));
  });

  test('the connection-string error never echoes the key', () => {
    expect(() => sign('azure', { ...base, hub: `HostName=h.azure-devices.net;SharedAccessKey=${KEY}` }, { now: NOW })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(KEY) }));
  });
});

describe('verify names the known mistakes', () => {
  const key = Buffer.from(KEY, 'base64');
  const host = 'myiothub.azure-devices.net';
  const resource = `${host}/devices/my_device`;
  const sr = pctEncode(resource);
  const good = { clientId: 'my_device', username: `${host}/my_device/?api-version=2021-04-12`, password: token(sr, sasSig(key, sr)) };
  const check = (login: { clientId?: string; username?: string; password?: string | null }, now = NOW, extra: Record<string, string> = {}) =>
    azure.verify!({ ...good, ...login }, { key: KEY, ...extra }, { now });
  const failing = (r: ReturnType<typeof check>) => r.fields.filter((f) => !f.ok).map((f) => [f.name, f.causeCode]);

  test('the right login verifies, field by field', () => {
    const r = check({});
    expect(r.ok).toBe(true);
    expect(r.fields.map((f) => f.name)).toEqual(['username', 'password.sr', 'password.sig', 'password.se']);
  });

  // Each row: the mistake, the captured password, the failing fields with their causes.
  test.each([
    ['key text used as the HMAC key', token(sr, sasSig(KEY, sr)), [['password.sig', 'azure.verify.keyNotDecoded']]],
    ['signed the un-encoded resource', token(sr, sasSig(key, resource)), [['password.sig', 'azure.verify.unencodedUri']]],
    ['signed %2f, sent %2F', token(sr, sasSig(key, sr.replace(/%2F/g, '%2f'))), [['password.sig', 'azure.verify.hexCase']]],
    ['another key', token(sr, sasSig(Buffer.alloc(32, 7), sr)), [['password.sig', 'verify.mismatch']]],
    ['sr not encoded (and signed so)', token(resource, sasSig(key, resource)), [['password.sr', 'azure.verify.srRaw']]],
    ['sr encoded twice', token(pctEncode(sr), sasSig(key, pctEncode(sr))), [['password.sr', 'azure.verify.srDouble']]],
    ['a hub policy token', token(pctEncode(host), sasSig(key, pctEncode(host)), SE, '&skn=iothubowner'), [['password.sr', 'azure.verify.policy']]],
    ['sr for another device', token(pctEncode(`${host}/devices/other`), sasSig(key, pctEncode(`${host}/devices/other`))), [['password.sr', 'azure.verify.srResource']]],
    ['not a SAS token', 'secret', [['password', 'azure.verify.notSas']]],
    ['no se', `SharedAccessSignature sr=${sr}&sig=${pctEncode(sasSig(key, sr))}`, [['password', 'azure.verify.tokenField']]],
    ['the HMAC written as hex, not base64', token(sr, Buffer.from(sasSig(key, sr), 'base64').toString('hex')), [['password.sig', 'verify.hexOutput']]],
    ['se and sr signed in the wrong order', token(sr, createHmac('sha256', key).update(`${SE}\n${sr}`).digest('base64')), [['password.sig', 'azure.verify.order']]],
    ['sr and se signed with no line feed between', token(sr, createHmac('sha256', key).update(`${sr}${SE}`).digest('base64')), [['password.sig', 'azure.verify.newline']]],
  ])('%s', (_what, password, expected) => {
    const r = check({ password });
    expect(r.ok).toBe(false);
    expect(failing(r)).toEqual(expected);
  });

  test('clientId and username swapped: named once, the token still checked for the device meant', () => {
    const r = check({ clientId: good.username, username: good.clientId });
    expect(failing(r)).toEqual([['username', 'azure.verify.fieldsSwapped']]);
    // With --device-id too: the clientId meant (in the username) is right, so not 'differs' as well.
    const given = check({ clientId: good.username, username: good.clientId }, NOW, { deviceId: 'my_device' });
    expect(failing(given)).toEqual([['username', 'azure.verify.fieldsSwapped']]);
    const other = check({ clientId: good.username, username: good.clientId }, NOW, { deviceId: 'other' });
    expect(failing(other)[0]).toEqual(['clientId', undefined]);
  });

  test('the expected sig is shown encoded, the captured one as sent', () => {
    const sig = check({ password: token(sr, sasSig(KEY, sr)) }).fields.find((f) => f.name === 'password.sig')!;
    expect(sig.expected).toBe(pctEncode(sasSig(key, sr)));
    expect(sig.actual).toBe(pctEncode(sasSig(KEY, sr)));
  });

  test("the Node SDK's lowercase %2a is signed over sr as sent, so it verifies", () => {
    const nodeSr = pctEncode(`${host}/devices/a*b`).replace('%2A', '%2a');
    const r = check({ clientId: 'a*b', username: `${host}/a*b/?api-version=2021-04-12`, password: token(nodeSr, sasSig(key, nodeSr)) });
    expect(failing(r)).toEqual([]);
  });

  test('expired at the capture time', () => {
    expect(failing(check({}, 1578941692_000))).toEqual([['password.se', 'verify.expiry.past']]);
  });

  test('an se from an unset clock', () => {
    expect(failing(check({ password: token(sr, sasSig(key, sr, '3600'), '3600') }))).toEqual([['password.se', 'verify.expiry.clock']]);
  });

  test('an se in milliseconds verifies, with a warning', () => {
    const r = check({ password: token(sr, sasSig(key, sr, '1578941692000'), '1578941692000') });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toContain('verify.expiry.ms');
  });

  test('an old username without "?" (api-version=2016-11-14)', () => {
    expect(failing(check({ username: `${host}/my_device/api-version=2016-11-14` }))).toEqual([['username', 'azure.verify.apiVersion']]);
  });

  test('a username naming another device or host', () => {
    expect(failing(check({ username: `${host}/other/?api-version=2021-04-12` }))).toEqual([['username', 'azure.verify.usernameDevice']]);
    expect(failing(check({}, NOW, { hub: 'otherhub' }))).toEqual([
      ['username', 'azure.verify.usernameHost'],
      ['password.sr', 'azure.verify.srResource'],
    ]);
  });

  test('--device is compared with the clientId', () => {
    expect(failing(check({}, NOW, { deviceId: 'my_device', moduleId: 'm1' }))).toEqual([['clientId', undefined]]);
  });

  test('a sig sent without URL-encoding verifies, with a warning', () => {
    // Find an expiry whose signature contains "+", then send it raw.
    let se = Number(SE);
    while (!sasSig(key, sr, String(se)).includes('+')) se++;
    const raw = `SharedAccessSignature sr=${sr}&sig=${sasSig(key, sr, String(se))}&se=${se}`;
    const r = check({ password: raw });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toContain('azure.verify.sigRaw');
  });
});
