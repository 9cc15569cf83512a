// `mqtt-sign verify` through the CLI: CONNECTs built from every platform's shared vectors (test/fixtures/vectors,
// copied from /work/shared/vectors) verify with the right secret and fail with a wrong one; captures; secrets.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { message } from '../src/messages.js';
import { encode } from '../src/mqtt/encode.js';
import aliyunSigner from '../src/platforms/aliyun.js';
import { fakeIo } from './helpers/fake-io.js';
import { Conversation, frames, LINK, pcapFile } from './helpers/pcap-builder.js';

interface Vector {
  name: string;
  inputs: Record<string, string | number>;
  expected: { clientId: string; username: string | null; password: string | null };
}

/** Vector file → the platform command and which input is the secret, and under which flag. */
const SECRETS: Record<string, [platform: string, input: string, flag: string][]> = {
  aliyun: [['aliyun', 'deviceSecret', '--secret'], ['aliyun', 'product_secret', '--product-secret']],
  azure: [['azure', 'deviceKey', '--key']],
  baidu: [['baidu', 'deviceSecret', '--secret']],
  huawei: [['huawei', 'secret', '--secret']],
  onenet: [['onenet', 'key', '--key'], ['onenet-legacy', 'authInfo', '--auth-info']],
  tencent: [['tencent', 'psk', '--psk']],
  // ThingsBoard's access token is the username; mosquitto and basic credentials check the password.
  thingsboard: [['generic', 'password', '--password'], ['generic', 'accessToken', '--username']],
  mosquitto: [['generic', 'password', '--password']],
};

const rows = Object.entries(SECRETS).flatMap(([file, maps]) =>
  (JSON.parse(readFileSync(new URL(`./fixtures/vectors/${file}.json`, import.meta.url), 'utf8')) as Vector[]).map((v) => {
    const [platform, input, flag] = maps.find(([, key]) => v.inputs[key] !== undefined)!;
    return { name: v.name, platform, flag, secret: String(v.inputs[input]), vector: v };
  }),
);

/** The moment the vector was made for: expiry and time-window checks judge the login then. */
function nowFor(v: Vector): number {
  const { timestamp, expiry, et } = v.inputs;
  if (typeof timestamp === 'number' && timestamp > 1e9 && timestamp < 1e10) return timestamp * 1000;
  const end = Number(expiry ?? et ?? 0);
  return end > 0 ? (end - 3600) * 1000 : 1_700_000_000_000;
}

function connectHex(v: Vector): string {
  const e = v.expected;
  return Buffer.from(encode({ cmd: 'connect', clientId: e.clientId, username: e.username ?? undefined, password: e.password ?? undefined, keepalive: 300 })).toString('hex');
}

/** A different secret of the same shape (base64 stays base64, so the signer accepts it and the check runs). */
function wrong(secret: string): string {
  const i = secret.search(/[A-Za-z0-9]/);
  const c = secret[i]!;
  return secret.slice(0, i) + (c === 'A' ? 'B' : c === '0' ? '1' : /[a-z]/.test(c) ? (c === 'z' ? 'y' : 'z') : 'A') + secret.slice(i + 1);
}

async function verify(args: string[], options: Parameters<typeof fakeIo>[0] = {}) {
  const f = fakeIo(options);
  const code = await main(['verify', ...args], f.io);
  return { code, out: f.stdout(), err: f.stderr() };
}

describe.each(rows)('$name ($platform)', ({ platform, flag, secret, vector }) => {
  const now = nowFor(vector);
  test('the right secret verifies: exit 0', async () => {
    const r = await verify([platform, connectHex(vector), flag, secret, '--format', 'json'], { now });
    expect(r.err).toBe('');
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ ok: true, connects: [{ index: 0, ok: true }] });
    // No cause on a right login: the only note allowed is Aliyun's on the uppercase hex LinkSDK / iotkit send.
    const causes = (json.connects[0].fields as { name: string; cause: string | null }[]).filter((f) => f.cause !== null).map((f) => f.name);
    expect(causes).toEqual(vector.expected.password !== null && /[A-F]/.test(vector.expected.password) && platform === 'aliyun' ? ['password'] : []);
    expect(r.code).toBe(0);
  });

  test('a wrong secret does not: exit 1, the wrong field named, the secret never printed', async () => {
    const bad = wrong(secret);
    const r = await verify([platform, connectHex(vector), flag, bad], { now });
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗');
    // generic's --username is not a secret (a ThingsBoard token is the username), so only it may be shown.
    if (flag !== '--username') expect(r.out + r.err).not.toContain(bad);
  });
});

describe('verify', () => {
  const aliyun = rows.find((r) => r.name === 'aliyun/doc-example-hmacsha1')!;

  test('text output: each field right or wrong, the expected value and the cause', async () => {
    const r = await verify(['aliyun', connectHex(aliyun.vector), '--secret', 'not-the-secret']);
    expect(r.out).toContain('✓ clientId');
    expect(r.out).toContain('✗ password');
    expect(r.out).toMatch(/expected [0-9a-f]{40}/);
    expect(r.out).toContain('0 of 1 CONNECTs verify');
  });

  test('a known mistake made on purpose is named: Aliyun signed with the whole clientId', async () => {
    const { clientId, username } = aliyun.vector.expected;
    const content = `clientId${clientId}deviceNamedeviceproductKeypktimestamp789`;
    const password = createHmac('sha1', 'secret').update(content).digest('hex');
    const hex = Buffer.from(encode({ cmd: 'connect', clientId, username: username!, password, keepalive: 300 })).toString('hex');
    const r = await verify(['aliyun', hex, '--secret', 'secret', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).connects[0].fields.find((f: { name: string }) => f.name === 'password').cause).toContain('whole clientId');
  });

  test('a clientId with no Aliyun parameters is named as not Aliyun-signed, nothing "expected" from empty parts', async () => {
    const files = { 'qos.pcapng': readFileSync(new URL('./fixtures/captures/mqtt311-qos-retain.pcapng', import.meta.url)) };
    for (const lang of ['en', 'zh']) {
      const f = fakeIo({ files });
      const r = { code: await main(['--lang', lang, 'verify', 'aliyun', 'qos.pcapng', '--secret', 'abc'], f.io), out: f.stdout(), err: f.stderr() };
      expect(r.code).toBe(1);
      expect(r.err).toBe('');
      expect(r.out).toContain('corpus-sub311');
      expect(r.out).toContain(lang === 'en' ? 'not an Aliyun-signed one: it has no securemode or signmethod parameter' : '不是按阿里云签名的');
      expect(r.out).not.toMatch(/timestamp=,|expected &|✗ username|✗ password/);
    }
    const json = JSON.parse((await verify(['aliyun', 'qos.pcapng', '--secret', 'abc', '--format', 'json'], { files })).out);
    expect(json.connects[0]).toMatchObject({ ok: false, fields: [{ name: 'clientId', ok: false }] });
    expect(json.connects[0].fields).toHaveLength(1);
  });

  test('an Aliyun clientId with no password: the missing password is the cause, not a mistake it happens to match', async () => {
    const { clientId, username } = aliyun.vector.expected;
    const hex = Buffer.from(encode({ cmd: 'connect', clientId, username: username!, keepalive: 300 })).toString('hex');
    const r = await verify(['aliyun', hex, '--secret', 'secret', '--format', 'json']);
    expect(r.code).toBe(1);
    const password = JSON.parse(r.out).connects[0].fields.find((f: { name: string }) => f.name === 'password');
    expect(password.cause).toContain('has no password');
  });

  test('the secret from its environment variable, and from stdin with -', async () => {
    const hex = connectHex(aliyun.vector);
    expect((await verify(['aliyun', hex], { env: { MQTT_SIGN_SECRET: 'secret' } })).code).toBe(0);
    expect((await verify(['aliyun', hex, '--secret', '-'], { stdin: 'secret\n' })).code).toBe(0);
  });

  test('a capture: every CONNECT in it, with its stream and time', async () => {
    const file = readFileSync(new URL('./fixtures/captures/mqtt-bad-password.pcapng', import.meta.url));
    const r = await verify(['generic', 'bad.pcapng', '--username', 'alice', '--password', 'wrong', '--format', 'json'], {
      files: { 'bad.pcapng': file },
    });
    const json = JSON.parse(r.out);
    // Three logins as alice/wrong (3.1.1, 5.0, 3.1) and one as mallory.
    expect(json.connects.map((c: { index: number; ok: boolean }) => [c.index, c.ok])).toEqual([
      [0, true],
      [2, true],
      [4, true],
      [6, false],
    ]);
    expect(r.code).toBe(1);
  });

  test('a capture in text: each CONNECT says where it was', async () => {
    const file = readFileSync(new URL('./fixtures/captures/mqtt-bad-password.pcapng', import.meta.url));
    const r = await verify(['generic', 'bad.pcapng', '--username', 'alice', '--password', 'wrong'], { files: { 'bad.pcapng': file } });
    expect(r.out).toMatch(/^CONNECT #0 {2}stream 0 {2}t=\d+\.\d{6}s \(frame \d+\) {2}verifies$/m);
    expect(r.out).toMatch(/^CONNECT #6 {2}stream 3 {2}t=\d+\.\d{6}s \(frame \d+\) {2}does not verify$/m);
  });

  test('a CONNECT too malformed to read: not verified, the decoder\'s problem as its warning, exit 1', async () => {
    const r = await verify(['aliyun', '10 0b 00 04 4d 51 54 54 04 02 00 3c 00 00', '--secret', 's', '--format', 'json']);
    expect(r.code).toBe(1);
    const [connect] = JSON.parse(r.out).connects;
    expect(connect).toMatchObject({ index: 0, ok: false, fields: [], warnings: [{ code: 'capture.problem.remaining-length' }] });
  });

  test('expiry is judged when the CONNECT was captured, pasted bytes at the current time', async () => {
    const row = rows.find((r) => r.name === 'sdk_test_constants_device')!;
    const then = nowFor(row.vector);
    const later = then + 10 * 365 * 86_400_000;
    const args = [row.flag, row.secret, '--format', 'json'];
    const captured = await verify(['azure', 'login.pcap', ...args], { now: later, files: { 'login.pcap': capture(row.vector, then) } });
    expect([captured.code, JSON.parse(captured.out).connects[0].ok]).toEqual([0, true]);
    const pasted = await verify(['azure', connectHex(row.vector), ...args], { now: later });
    const failing = JSON.parse(pasted.out).connects[0].fields.filter((f: { ok: boolean }) => !f.ok).map((f: { name: string }) => f.name);
    expect([pasted.code, failing]).toEqual([1, ['password.se']]);
  });

  test.each([
    ['no CONNECT in the input', 1, ['aliyun', 'c0 00', '--secret', 's'], 'no CONNECT'],
    ['an unknown platform', 2, ['nosuch', 'c0 00'], 'nosuch'],
    ['a file that does not exist', 2, ['aliyun', 'missing.pcap', '--secret', 'secret'], 'missing.pcap'],
    ['no input on a terminal', 2, ['aliyun', '--secret', 'secret'], 'no input', { stdinTTY: true }],
    ['an empty string', 2, ['aliyun', '', '--secret', 'secret'], 'the input is empty'],
    ['empty stdin', 2, ['aliyun', '--secret', 'secret'], 'the input is empty', { stdin: '' }],
    ['an empty secret', 2, ['aliyun', 'c0 00', '--secret', ''], '--secret is empty'],
    ['an empty --product', 2, ['aliyun', 'c0 00', '--secret', 's', '--product', ''], '--product is empty'],
  ] as [string, number, string[], string, Parameters<typeof fakeIo>[0]?][])('%s: exit %i', async (_name, code, args, text, options) => {
    const r = await verify(args, options);
    expect(r.code).toBe(code);
    expect(r.err).toContain(text);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

/** The CONNECT of a vector as the client's first segment of a plain-TCP conversation to port 1883, captured at `now`. */
function capture(v: Vector, now: number): Uint8Array {
  const talk = new Conversation({ host: '192.0.2.10', port: 50000 }, { host: '192.0.2.1', port: 1883 });
  const segments = [...talk.handshake(), ...talk.send(true, Buffer.from(connectHex(v), 'hex'))];
  return pcapFile(LINK.ETHERNET, frames(LINK.ETHERNET, segments, now / 1000));
}

describe('a CONNECT read from a capture went over plain TCP; pasted bytes say nothing about the transport', () => {
  const TRANSPORT = ['lint.tls.required', 'aliyun.securemode.transport', 'aliyun.securemode.plain'];
  const pick = (name: string) => rows.find((r) => r.name === name)!;
  // securemode=2 promises TLS: signed here with --tls so the login is otherwise right.
  const secret = 'ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe';
  const tlsLogin = aliyunSigner.sign({ productKey: 'a1X2bEnP82z', deviceName: 'example1', deviceSecret: secret, tls: 'true' }, { now: 1_700_000_000_000 }).credentials;
  const aliyunTls = { platform: 'aliyun', flag: '--secret', secret, vector: { name: 'aliyun --tls', inputs: { timestamp: 1_700_000_000 }, expected: tlsLogin } };
  test.each([
    ['Azure requires TLS', pick('sdk_test_constants_device'), ['lint.tls.required'], []],
    ['Aliyun securemode=2 sent over TCP', aliyunTls, ['aliyun.securemode.transport'], []],
    ['Aliyun registration (securemode=2, TLS only) sent over TCP', pick('aliyun/python-linkkit-1.2.13/dynreg-register-legacy'), ['lint.tls.required', 'aliyun.securemode.transport'], []],
    ['Aliyun securemode=3 over TCP: plain, but consistent', pick('aliyun/doc-example-hmacsha1'), ['aliyun.securemode.plain'], ['aliyun.securemode.plain']],
  ])('%s', async (_name, row, inCapture, inPaste) => {
    const now = nowFor(row.vector);
    const codes = (out: string) => (JSON.parse(out) as { connects: { ok: boolean; warnings: { code: string }[] }[] }).connects
      .map((c) => ({ ok: c.ok, codes: c.warnings.map((w) => w.code).filter((code) => TRANSPORT.includes(code)).sort() }));
    const args = [row.platform, row.flag, row.secret, '--format', 'json'];
    const pcap = await verify([args[0]!, 'login.pcap', ...args.slice(1)], { now, files: { 'login.pcap': capture(row.vector, now) } });
    expect(pcap.err).toBe('');
    expect(codes(pcap.out)).toEqual([{ ok: true, codes: [...inCapture].sort() }]);
    const pasted = await verify([args[0]!, connectHex(row.vector), ...args.slice(1)], { now });
    expect(codes(pasted.out)).toEqual([{ ok: true, codes: inPaste }]);
  });

  test('the text report shows the TLS warning under the CONNECT from the capture', async () => {
    const row = pick('sdk_test_constants_device');
    const now = nowFor(row.vector);
    const r = await verify(['azure', 'login.pcap', row.flag, row.secret], { now, files: { 'login.pcap': capture(row.vector, now) } });
    expect(r.out).toContain('! this platform needs TLS, but the connection is plain TCP');
    expect(r.code).toBe(0);
  });
});

// Each mistake a firmware makes, built into the CONNECT it would send: verify fails (exit 1) and names it, in English
// and in Chinese, as the platform's verify() names it (the platform tests pin the code; this pins what the CLI prints).
describe('a mistaken login is named in both languages', () => {
  const h = (hash: string, key: string | Buffer, text: string, out: 'hex' | 'base64' = 'hex') => createHmac(hash, key).update(text).digest(out);
  const pk = 'a1X2bEnP82z';
  const dn = 'example1';
  const aliyunSecret = 'ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe';
  const aliyunContent = `clientId${pk}.${dn}deviceName${dn}productKey${pk}timestamp2524608000000`;
  const aliyunId = `${pk}.${dn}|securemode=3,signmethod=hmacsha256,timestamp=2524608000000|`;
  const onenetKey = Buffer.from('KuF3NT/jUBJ62LNBB/A8XZA9CqS3Cu79B/ABmfA1UCw=', 'base64');
  const onenetRes = 'products/Ck2AF9QD2K/devices/test';
  const onenetToken = (sign: string) => `version=2018-10-31&res=products%2FCk2AF9QD2K%2Fdevices%2Ftest&et=1790855684&method=sha256&sign=${encodeURIComponent(sign)}`;
  const hwId = '5f052ac562369102d42b0fb6_demo';
  const psk = 'MDEyMzQ1Njc4OWFiY2RlZg==';
  const tcUser = 'ABCDEF1234dev001;12010126;AB12C;1718456400';
  const azKey = Buffer.from('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', 'base64');
  const azSr = 'myiothub.azure-devices.net%2Fdevices%2Fmy_device';
  const azUser = 'myiothub.azure-devices.net/my_device/?api-version=2021-04-12';
  const azToken = (sig: string) => `SharedAccessSignature sr=${azSr}&sig=${encodeURIComponent(sig)}&se=1578941692`;
  const bdUser = 'thingidp@abcd123|mydevice|1583826857|MD5';
  const bdSigned = 'mydevice&1583826857&MD5';
  const bdSecret = 'ImSeCrEt0I1M2jkl';
  const md5 = (text: string, out: 'hex' | 'base64' = 'hex') => createHash('md5').update(text).digest(out);
  type Row = [name: string, platform: string, login: { clientId: string; username: string; password: string }, flags: string[], now: number, field: string, code: string, params?: Record<string, string>];
  const rows: Row[] = [
    ['aliyun: the HMAC in base64', 'aliyun', { clientId: aliyunId, username: `${dn}&${pk}`, password: h('sha256', aliyunSecret, aliyunContent, 'base64') }, ['--secret', aliyunSecret], 1_718_456_400, 'password', 'verify.base64Output'],
    ['aliyun: the secret with a line end', 'aliyun', { clientId: aliyunId, username: `${dn}&${pk}`, password: h('sha256', `${aliyunSecret}\n`, aliyunContent) }, ['--secret', aliyunSecret], 1_718_456_400, 'password', 'verify.secretWhitespace'],
    ['aliyun: clientId and username swapped', 'aliyun', { clientId: `${dn}&${pk}`, username: aliyunId, password: h('sha256', aliyunSecret, aliyunContent) }, ['--secret', aliyunSecret], 1_718_456_400, 'clientId', 'aliyun.verify.fieldsSwapped'],
    ['onenet: the token\'s order signed', 'onenet', { clientId: 'test', username: 'Ck2AF9QD2K', password: onenetToken(h('sha256', onenetKey, `2018-10-31\n${onenetRes}\n1790855684\nsha256`, 'base64')) }, ['--key', onenetKey.toString('base64')], 1_718_456_400, 'password.sign', 'onenet.verify.order', { order: 'version, res, et, method' }],
    ['onenet: method=sha256, HMAC-SHA1', 'onenet', { clientId: 'test', username: 'Ck2AF9QD2K', password: onenetToken(h('sha1', onenetKey, `1790855684\nsha256\n${onenetRes}\n2018-10-31`, 'base64')) }, ['--key', onenetKey.toString('base64')], 1_718_456_400, 'password.sign', 'onenet.verify.methodHash', { label: 'sha256', used: 'sha1' }],
    ['onenet: the sign in hex', 'onenet', { clientId: 'test', username: 'Ck2AF9QD2K', password: onenetToken(h('sha256', onenetKey, `1790855684\nsha256\n${onenetRes}\n2018-10-31`)) }, ['--key', onenetKey.toString('base64')], 1_718_456_400, 'password.sign', 'verify.hexOutput'],
    ['huawei: the HMAC in base64', 'huawei', { clientId: `${hwId}_0_0_2025041401`, username: hwId, password: h('sha256', '2025041401', '12345678', 'base64') }, ['--secret', '12345678'], 1_744_593_600, 'password', 'verify.base64Output'],
    ['huawei: clientId and username swapped', 'huawei', { clientId: hwId, username: `${hwId}_0_0_2025041401`, password: h('sha256', '2025041401', '12345678') }, ['--secret', '12345678'], 1_744_593_600, 'clientId', 'huawei.verify.fieldsSwapped'],
    ['tencent: HMAC key and message swapped', 'tencent', { clientId: 'ABCDEF1234dev001', username: tcUser, password: `${createHmac('sha256', tcUser).update(Buffer.from(psk, 'base64')).digest('hex')};hmacsha256` }, ['--psk', psk], 1_718_456_000, 'password', 'tencent.verify.swapped'],
    ['tencent: only the clientId signed', 'tencent', { clientId: 'ABCDEF1234dev001', username: tcUser, password: `${h('sha256', Buffer.from(psk, 'base64'), 'ABCDEF1234dev001')};hmacsha256` }, ['--psk', psk], 1_718_456_000, 'password', 'tencent.verify.signedClientId'],
    ['azure: se and sr in the wrong order', 'azure', { clientId: 'my_device', username: azUser, password: azToken(h('sha256', azKey, `1578941692\n${azSr}`, 'base64')) }, ['--key', azKey.toString('base64')], 1_578_940_000, 'password.sig', 'azure.verify.order'],
    ['azure: clientId and username swapped', 'azure', { clientId: azUser, username: 'my_device', password: azToken(h('sha256', azKey, `${azSr}\n1578941692`, 'base64')) }, ['--key', azKey.toString('base64')], 1_578_940_000, 'username', 'azure.verify.fieldsSwapped'],
    ['baidu: the secret first', 'baidu', { clientId: 'mydevice', username: bdUser, password: md5(`${bdSecret}${bdSigned}`) }, ['--secret', bdSecret], 1_583_826_900, 'password', 'baidu.verify.secretFirst'],
    ['baidu: the digest in base64', 'baidu', { clientId: 'mydevice', username: bdUser, password: md5(`${bdSigned}${bdSecret}`, 'base64') }, ['--secret', bdSecret], 1_583_826_900, 'password', 'verify.base64Output'],
    ['generic: username and password swapped', 'generic', { clientId: 'c', username: 'tb-pass', password: 'tb-user' }, ['--username', 'tb-user', '--password', 'tb-pass'], 1_718_456_400, 'password', 'generic.verify.swapped'],
  ];
  test.each(rows)('%s', async (_name, platform, login, flags, now, field, code, params = {}) => {
    const hex = Buffer.from(encode({ cmd: 'connect', clientId: login.clientId, username: login.username, password: login.password, keepalive: 300 })).toString('hex');
    const texts: string[] = [];
    for (const lang of ['en', 'zh'] as const) {
      const f = fakeIo({ now: now * 1000 });
      const exit = await main(['--lang', lang, 'verify', platform, hex, ...flags, '--format', 'json'], f.io);
      expect(exit).toBe(1);
      const fields = (JSON.parse(f.stdout()) as { connects: { fields: { name: string; ok: boolean; cause: string | null }[] }[] }).connects[0]!.fields;
      const named = fields.find((x) => x.name === field)!;
      expect(named.ok).toBe(false);
      expect(named.cause).toBe(message(code, params, lang));
      texts.push(named.cause!);
    }
    expect(texts[1]).not.toBe(texts[0]);
  });
});
