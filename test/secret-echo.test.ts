// Paths by which a secret given on the command line could come back out in an error: each case fails with a
// usage error, and neither the secret nor a fragment of it (its first or last 6 characters) is on stdout or stderr.
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';
import { passwdLine } from '../src/platforms/_passwd.js';

const SECRET = 'QZXs3cr3tVwvutsrqponZQW';

async function run(argv: string[], options: FakeIoOptions = {}) {
  const fake = fakeIo(options);
  const code = await main(argv, fake.io);
  return { code, out: fake.stdout(), err: fake.stderr() };
}

function expectHidden(text: string, secret = SECRET): void {
  expect(text).not.toContain(secret.slice(0, 6));
  expect(text).not.toContain(secret.slice(-6));
}

const ALIYUN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01'];

describe('commander names an unknown option, never the value written onto it', () => {
  test.each([
    ['a mistyped --secret=…', [...ALIYUN, `--secert=${SECRET}`], 'unknown option --secert=…'],
    ['in Chinese', ['--lang', 'zh', ...ALIYUN, `--secert=${SECRET}`], '未知选项 --secert=…'],
    ["mosquitto_pub's -P<password>", ['generic', '--host', 'h', `-P${SECRET}`], 'unknown option -P…'],
    ['verify', ['verify', 'aliyun', `--secert=${SECRET}`], 'unknown option --secert=…'],
    ['probe', ['probe', 'mqtt://127.0.0.1:1', `--pasword=${SECRET}`], 'unknown option --pasword=…'],
    ['a switch given a value', [...ALIYUN, '--secret', 'x', `--tls=${SECRET}`], 'unknown option --tls=…'],
  ])('%s', async (_name, argv, shown) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`mqtt-sign: ${shown}`);
    expectHidden(r.err + r.out);
  });

  test('a flag without a value is named as before, with its suggestion', async () => {
    const r = await run([...ALIYUN, '--secrt', SECRET]);
    expect(r.err).toMatch(/^mqtt-sign: unknown option --secrt \(did you mean --secret\?\)$/m);
    expect((await run([...ALIYUN, '-P'])).err).toMatch(/^mqtt-sign: unknown option -P$/m);
  });
});

describe('a password in a broker URL is masked wherever the URL is quoted', () => {
  const generic = ['generic', '--client-id', 'c', '--username', 'dev1', '--format', 'hex'];
  test.each([
    ['a sign command', [...generic, '--host', `mqtt://dev1:${SECRET}@127.0.0.1:1883`], '--host mqtt://dev1:***@127.0.0.1:1883 is not allowed'],
    ['without a scheme', [...generic, '--host', `dev1:${SECRET}@127.0.0.1`], '--host dev1:***@127.0.0.1 is not allowed'],
    ['a "/" in the password', [...generic, '--host', `mqtt://dev1:${SECRET.slice(0, 8)}/${SECRET.slice(8)}@h`], '--host mqtt://dev1:***@h: only ws:// and wss:// URLs have a path'],
    ['an unknown scheme', [...generic, '--host', `http://dev1:${SECRET}@h`], 'http://dev1:***@h'],
    ['a platform', ['huawei', '--device', 'd_1', '--secret', '12345678', '--host', `mqtts://dev1:${SECRET}@h:8883`], '--host mqtts://dev1:***@h:8883 is not allowed'],
    ['probe <platform>', ['probe', 'generic', '--client-id', 'c', '--host', `mqtt://dev1:${SECRET}@127.0.0.1`], '--host mqtt://dev1:***@127.0.0.1 is not allowed'],
    ['--ws-url', [...generic, '--host', 'h', '--ws-url', `mqtt://dev1:${SECRET}@h`], 'mqtt://dev1:***@h'],
  ])('%s', async (_name, argv, shown) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(shown);
    expectHidden(r.err + r.out);
  });
});

describe('verify with the platform left out names the first operand, never the value of a mistyped option', () => {
  test.each([
    [['verify', '--secert', SECRET, 'capture.pcap'], '; capture.pcap is not a platform'],
    [['verify', '-P', SECRET, 'capture.pcap'], '; capture.pcap is not a platform'],
    [['verify', '--show-password', 'capture.pcap', '--secret', SECRET], '; capture.pcap is not a platform'],
    [['verify', '--pasword', SECRET], 'missing argument platform: verify <platform> [input]'],
  ])('%j', async (argv, shown) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(shown);
    expectHidden(r.err + r.out);
  });
});

describe('a secret under 4 characters is masked only where a value is the secret itself', () => {
  // A CONNECT signed with the secret "1": every field holds a "1" by chance (the product key, the timestamp, the HMAC).
  const SIGNED = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'dev1', '--timestamp', '1700000000000', '--format', 'hex'];
  async function connectHex(secret: string): Promise<string> {
    const r = await run([...SIGNED, '--secret', secret]);
    expect(r.code).toBe(0);
    return r.out.trim();
  }

  test('verify shows the clientId, the username and the expected password as they are (text and json)', async () => {
    const hex = await connectHex('2');
    const text = await run(['verify', 'aliyun', hex, '--secret', '1']);
    expect(text.code).toBe(1);
    expect(text.out).toContain('clientId  a1B2c3D4e5F.dev1|securemode=3,signmethod=hmacsha256,timestamp=1700000000000|');
    expect(text.out).toContain('username  dev1&a1B2c3D4e5F');
    expect(text.out).not.toContain('***');
    const json = await run(['verify', 'aliyun', hex, '--secret', '1', '--format', 'json']);
    const fields = (JSON.parse(json.out) as { connects: { fields: { name: string; expected: string | null; actual: string | null }[] }[] }).connects[0]!.fields;
    expect(fields.find((f) => f.name === 'clientId')!.actual).toBe('a1B2c3D4e5F.dev1|securemode=3,signmethod=hmacsha256,timestamp=1700000000000|');
    expect(fields.find((f) => f.name === 'password')!.expected).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a sign error quotes the value given, untouched by a one-character secret', async () => {
    const r = await run(['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'dev1', '--secret', '1', '--client-id', 'a1|']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--client-id a1| is not allowed');
  });

  test('a captured password that is the short secret is still masked', async () => {
    const generic = ['generic', '--host', 'h', '--client-id', 'c', '--username', 'dev1', '--format', 'hex'];
    const hex = (await run([...generic, '--password', 'p1'])).out.trim();
    const r = await run(['verify', 'generic', hex, '--password', 'p1', '--username', 'dev1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✓ password +\*\*\*$/m);
    expect(r.out).toMatch(/✓ username +dev1$/m);
  });

  test('a secret of 4 characters or more is still masked inside other text', async () => {
    const r = await run(['generic', '--host', 'h', '--client-id', 'c', '--username', 'u', '--password', 'mqtt', '--publish', 'a/mqtt/+']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('a/***/+');
  });
});

describe('azure --connection-string given a key whose base64 is letters and padding is not read as a part name', () => {
  const KEY = 'QZXwvutsrqponZQWabcdefg=';
  test.each([
    ['the key alone, pasted for the connection string', KEY, 1],
    ['the key as a stray part', `HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=AAAA;${KEY}`, 4],
  ])('%s', async (_name, cs, index) => {
    const r = await run(['azure', '--connection-string', cs, '--format', 'hex']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--connection-string: part ${index} is not Name=value (not shown: it may hold the key)`);
    expectHidden(r.err + r.out, KEY);
  });

  test.each(['--host', '--device', '--module', '--hub'])('the whole connection string given to %s: that flag is named, the string is not quoted', async (flag) => {
    const cs = `HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=${KEY}`;
    const given = { '--hub': 'myhub', '--device': 'd', '--key': 'AAAAAAAAAAAAAAAAAAAAAA==', [flag]: cs };
    const r = await run(['azure', ...Object.entries(given).flat(), '--format', 'hex']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`mqtt-sign: ${flag} got a connection string`);
    expectHidden(r.err + r.out, KEY);
  });

  test('an unknown part with a value is still named', async () => {
    const r = await run(['azure', '--connection-string', `HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=AAAA;SharedAccessKeyName=iothubowner`, '--format', 'hex']);
    expect(r.err).toContain('SharedAccessKeyName= is not a part of a device connection string');
  });
});

describe('probe <platform> masks the secret in the lint warnings it prints, as the sign command does', () => {
  test.each([['en'], ['zh']])('%s', async (lang) => {
    // A ProductKey holding the secret is quoted by a lint warning; the refused local port ends the probe at once.
    const argv = ['--lang', lang, 'aliyun', '--product', `ab${SECRET}`, '--device', 'dev1', '--secret', SECRET, '--host', '127.0.0.1:1'];
    const signed = await run([...argv, '--format', 'hex']);
    const probed = await run(['--lang', lang, 'probe', ...argv.slice(2), '--timeout', '2']);
    expect(signed.err).toContain('ab***');
    expect(probed.err).toContain('ab***');
    expectHidden(probed.err + probed.out);
  });
});

describe('verify masks the secret in the causes it prints, as in the fields', () => {
  test.each([['text'], ['json']])('%s', async (format) => {
    // Signed for another device: the cause names the device given, which here holds the secret.
    const hex = (await run(['huawei', '--device', 'other_dev', '--secret', SECRET, '--timestamp', '2024010100', '--format', 'hex'])).out.trim();
    const r = await run(['verify', 'huawei', hex, '--device', `ab_${SECRET}`, '--secret', SECRET, '--format', format]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('the clientId is for another device than ab_***');
    expectHidden(r.err + r.out);
  });
});

describe('--password-file-line is a secret like --password: from stdin or MQTT_SIGN_PASSWORD_FILE_LINE, off the command line', () => {
  const LINE = 'device01:$7$101$2ImpVluWEbsi5sXw$p1XaAfS59redGFdZIC1Jc+EbBeGPaDiJVoIgJvKPwTxBwMH1f9zFTXHm0I8vds8eqwn5BtztLd4gQTQTD8NmjA==';
  const generic = ['generic', '--host', 'h', '--client-id', 'c', '--username', 'device01', '--format', 'hex'];
  async function connectHex(password: string): Promise<string> {
    return (await run([...generic, '--password', password])).out.trim();
  }

  test.each([
    ['stdin', ['--password-file-line', '-'], { stdin: `${LINE}\n` }],
    ['the environment', [], { env: { MQTT_SIGN_PASSWORD_FILE_LINE: LINE } }],
  ] as const)('verify reads it from %s', async (_name, flags, options) => {
    const good = await run(['verify', 'generic', await connectHex('S3cret!pass'), ...flags], options);
    expect(good.code).toBe(0);
    const bad = await run(['verify', 'generic', await connectHex('hunter2'), ...flags], options);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('the password does not hash to the password_file line');
    expectHidden(bad.out + bad.err, LINE.slice(17));
  });

  test('--help says so', async () => {
    const r = await run(['generic', '--help']);
    expect(r.out).toMatch(/--password-file-line <line>[\s\S]*MQTT_SIGN_PASSWORD_FILE_LINE; - reads it from[\s\S]*stdin/);
  });
});

describe('a password_file line is not checked like a typed secret: its user name may be in any script', () => {
  test.each([['иван'], ['张三']])('%s', async (user) => {
    const line = passwdLine(user, 'pw', new Uint8Array(12), 101);
    const generic = ['generic', '--host', 'h', '--client-id', 'c', '--username', user, '--password-file-line', line, '--format', 'hex'];
    const good = await run([...generic, '--password', 'pw']);
    expect(good.code).toBe(0);
    expect(good.err).not.toContain('warning');
    // Still compared: a wrong password is told, for that user.
    const bad = await run([...generic, '--password', 'pw2']);
    expect(bad.code).toBe(0);
    expect(bad.err).toContain(`the password does not match the password_file line of ${user}`);
    expect(bad.err).not.toContain('character');
  });
});
