// verify at the edge (issue #10 item 5): the platform left out, the secret left out (exit 2 whatever the input),
// a mismatched captured password masked unless --show-password, and the broker's CONNACK explained for the platform.
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { hint, message } from '../src/messages.js';
import { encode } from '../src/mqtt/encode.js';
import { platforms } from '../src/platforms/index.js';
import { fakeIo } from './helpers/fake-io.js';

const spaced = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').replace(/..(?=.)/g, '$& ');
const pk = 'a1X2bEnP82z';
const dn = 'example1';
const secret = 'ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe';
const core = `${pk}.${dn}`;
const clientId = `${core}|securemode=2,signmethod=hmacsha256,timestamp=1700000000000|`;
const content = `clientId${core}deviceName${dn}productKey${pk}timestamp1700000000000`;
const good = createHmac('sha256', secret).update(content).digest('hex');
const connect = (password: string) => spaced(encode({ cmd: 'connect', clientId, username: `${dn}&${pk}`, password, keepalive: 300 }));

async function run(args: string[], env: Record<string, string> = {}) {
  const f = fakeIo({ env });
  const code = await main(args, f.io);
  return { code, out: f.stdout(), err: f.stderr() };
}

describe('the platform left out', () => {
  test.each([
    [['verify', 'good.hex', '--secret', 'x'], 'good.hex'],
    [['verify', 'good.hex'], 'good.hex'],
    [['verify', '--format', 'json', 'capture.pcap', '--secret', 'x'], 'capture.pcap'],
    [['verify', '--secret', 'x', 'good.hex'], 'good.hex'],
    [['verify', '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00', '--secret', 'x'], '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00'],
  ])('%j: exit 2, "verify <platform> [input]" and the platforms listed', async (args, named) => {
    const r = await run(args);
    expect(r.err).toContain(`; ${named} is not a platform`);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('verify <platform> [input]');
    for (const id of Object.keys(platforms)) expect(r.err).toContain(id);
    expect(r.err).not.toContain('unknown command');
  });

  test.each([[['verify']], [['verify', '--format', 'json']], [['verify', '--secret', 'x']]])('%j, no platform and no input: one line naming the missing argument and the platforms, exit 2', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('missing argument platform');
    expect(r.err).toContain('verify <platform> [input]');
    for (const id of Object.keys(platforms)) expect(r.err).toContain(id);
    expect(r.err).not.toContain('Usage:');
  });

  test('no platform, in zh: the same line as other commands use for a missing argument', async () => {
    const r = await run(['--lang', 'zh', 'verify']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(message('cli.commander.missingArgument', { name: 'platform' }, 'zh'));
  });

  test('in zh', async () => {
    const r = await run(['--lang', 'zh', 'verify', 'good.hex', '--secret', 'x']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('verify <平台> [输入]');
  });
});

describe('a missing secret is exit 2, whatever the input holds', () => {
  test.each([
    ['aliyun', '10 00'],
    ['aliyun', connect(good)],
    ['aliyun', '20 02 00 05'],
    ['tencent', '10 00'],
    ['azure', connect(good)],
    ['generic', '10 00'],
  ])('verify %s %s', async (platform, input) => {
    const r = await run(['verify', platform, input]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/needs the secret|nothing to check|missing/);
    expect(r.out).toBe('');
  });

  // The hint names a variable to set; generic's first flag, --username, has none, and the hint said "or set $;".
  test.each([
    ['aliyun', 'MQTT_SIGN_SECRET'],
    ['generic', 'MQTT_SIGN_PASSWORD'],
  ])('verify %s without a secret names the variable %s', async (platform, env) => {
    for (const lang of ['en', 'zh']) {
      const r = await run(['--lang', lang, 'verify', platform, '10 00']);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`$${env}`);
      expect(r.err).not.toMatch(/\$[；;]/);
    }
  });

  test('the environment variable counts as given', async () => {
    const r = await run(['verify', 'aliyun', connect(good)], { MQTT_SIGN_SECRET: secret });
    expect(r.code).toBe(0);
  });

  test('generic takes a username alone (a ThingsBoard token)', async () => {
    const token = spaced(encode({ cmd: 'connect', clientId: 'c', username: 'TOKEN', keepalive: 60 }));
    expect((await run(['verify', 'generic', token, '--username', 'TOKEN'])).code).toBe(0);
  });
});

// `mosquitto`, `emqx`, `thingsboard` and `hivemq` name the generic command, for probe as for signing; verify took each for
// a missing platform and suggested `verify aliyun mosquitto`.
describe('the names generic answers to', () => {
  test.each(['mosquitto', 'emqx', 'thingsboard', 'hivemq'])('verify %s is verify generic', async (alias) => {
    const plain = spaced(encode({ cmd: 'connect', clientId: 'c', username: 'alice', password: 'right', keepalive: 60 }));
    const args = [plain, '--username', 'alice', '--password', 'right', '--format', 'json'];
    const r = await run(['verify', alias, ...args]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe((await run(['verify', 'generic', ...args])).out);
  });
});

describe('a captured password that does not verify is masked', () => {
  const wrong = createHmac('sha256', 'other').update(content).digest('hex');

  test('first and last 4 characters by default, in text and JSON', async () => {
    const text = await run(['verify', 'aliyun', connect(wrong), '--secret', secret]);
    expect(text.code).toBe(1);
    expect(text.out).not.toContain(wrong);
    expect(text.out).toContain(`${wrong.slice(0, 4)}…${wrong.slice(-4)}`);
    const json = await run(['verify', 'aliyun', connect(wrong), '--secret', secret, '--format', 'json']);
    const field = (JSON.parse(json.out) as { connects: { fields: { name: string; actual: string }[] }[] }).connects[0]!.fields.find((f) => f.name === 'password')!;
    expect(field.actual).toBe(`${wrong.slice(0, 4)}…${wrong.slice(-4)}`);
  });

  test('--show-password shows it whole', async () => {
    const r = await run(['verify', 'aliyun', connect(wrong), '--secret', secret, '--show-password']);
    expect(r.out).toContain(wrong);
  });

  test("a token's expiry is no secret: OneNET et and Azure se that fail are shown whole, as their cause quotes them", async () => {
    const onenetKey = 'KuF3NT/jUBJ62LNBB/A8XZA9CqS3Cu79B/ABmfA1UCw=';
    const onenet = platforms.onenet!.sign({ productId: 'Ck2AF9QD2K', deviceName: 'test', key: onenetKey, expires: '1700000000' }, { now: 1_600_000_000_000 }).credentials;
    const azureKey = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
    const azure = platforms.azure!.sign({ hub: 'myiothub', deviceId: 'my_device', key: azureKey, expires: '1700000000' }, { now: 1_600_000_000_000 }).credentials;
    for (const [platform, creds, flag, key, field] of [['onenet', onenet, '--key', onenetKey, 'password.et'], ['azure', azure, '--key', azureKey, 'password.se']] as const) {
      const hex = spaced(encode({ cmd: 'connect', clientId: creds.clientId, username: creds.username ?? undefined, password: creds.password ?? undefined, keepalive: 120 }));
      const r = await run(['verify', platform, hex, flag, key, '--format', 'json']);
      expect(r.code).toBe(1);
      const f = (JSON.parse(r.out) as { connects: { fields: { name: string; ok: boolean; actual: string }[] }[] }).connects[0]!.fields.find((x) => x.name === field)!;
      expect(f).toMatchObject({ ok: false, actual: '1700000000' });
    }
  });

  // Typed passwords are short: "4 + 4" of a 9-character one showed 8 of its 9 characters.
  test.each([
    ['hunter2go', 'h…o'],
    ['S3cretpass12', 'S…2'],
    ['correct-horse-01', 'co…01'],
  ])('a password of %s shows at most an eighth of it at each end: %s', async (password, shown) => {
    const plain = spaced(encode({ cmd: 'connect', clientId: 'c', username: 'alice', password, keepalive: 60 }));
    const r = await run(['verify', 'generic', plain, '--username', 'alice', '--password', 'right']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`✗ password +${shown}$`, 'm'));
  });

  test('a short password is masked whole', async () => {
    const plain = spaced(encode({ cmd: 'connect', clientId: 'c', username: 'alice', password: 'wrong', keepalive: 60 }));
    const r = await run(['verify', 'generic', plain, '--username', 'alice', '--password', 'right']);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('wrong');
    expect(r.out).toContain('*****');
  });
});

describe("the broker's CONNACK, explained for the platform", () => {
  test('text: the code, its spec name and meaning, then what Aliyun means by it', async () => {
    const r = await run(['verify', 'aliyun', `${connect(good)} 20 02 00 04`, '--secret', secret]);
    expect(r.out).toContain(message('verify.connack', { code: 4, name: 'Connection Refused, bad user name or password', meaning: message('reply.v3.connack.4') }));
    expect(r.out).toContain(`${message('reply.connack.aliyun.4')} (fix: ${hint('reply.connack.aliyun.4')})`);
  });

  test('JSON: "connack" with the meaning object; null when the input holds none', async () => {
    const withAck = JSON.parse((await run(['verify', 'aliyun', `${connect(good)} 20 02 00 05`, '--secret', secret, '--format', 'json'])).out) as { connects: { connack: unknown }[] };
    expect(withAck.connects[0]!.connack).toEqual({ code: 5, name: 'Connection Refused, not authorized', meaning: message('reply.v3.connack.5'), platformMeaning: expect.stringContaining(message('reply.connack.aliyun.5')) });
    const without = JSON.parse((await run(['verify', 'aliyun', connect(good), '--secret', secret, '--format', 'json'])).out) as { connects: { connack: unknown }[] };
    expect(without.connects[0]!.connack).toBeNull();
  });
});

describe('a password_file line is judged before any hashing', () => {
  test('an iteration count over the cap: exit 2 at once, naming --password-file-line and the maximum', async () => {
    const hash = Buffer.alloc(64, 2).toString('base64');
    const line = `alice:$7$2000000000$AQEBAQEBAQEBAQEB$${hash}`;
    const input = spaced(encode({ cmd: 'connect', clientId: 'c1', username: 'alice', password: 'x', keepalive: 60 }));
    const started = Date.now();
    const r = await run(['verify', 'generic', input, '--password-file-line', line]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('--password-file-line');
    expect(r.err).toContain('1000000');
  });
});

describe('the input and a secret cannot both read stdin', () => {
  const hex = connect(good);
  test.each([
    ['input left out, stdin piped', ['verify', 'aliyun', '--secret', '-']],
    ['input "-"', ['verify', 'aliyun', '-', '--secret', '-']],
    ['generic --password -', ['verify', 'generic', '--password', '-']],
  ])('%s: exit 2, one line naming the option, nothing read', async (_name, argv) => {
    const f = fakeIo({ stdin: `${hex}\n` });
    const code = await main(argv, f.io);
    expect(code).toBe(2);
    expect(f.stdout()).toBe('');
    expect(f.stderr().trim().split('\n')).toHaveLength(1);
    expect(f.stderr()).toContain(argv.includes('--password') ? '--password is -' : '--secret is -');
    expect(f.stderr()).toContain('stdin');
    expect(f.stderr()).not.toContain('empty');
  });

  test('in zh', async () => {
    const f = fakeIo({ stdin: `${hex}\n` });
    expect(await main(['--lang', 'zh', 'verify', 'aliyun', '--secret', '-'], f.io)).toBe(2);
    expect(f.stderr()).toContain('标准输入');
  });

  test('a secret from stdin with the input as an argument still works', async () => {
    const f = fakeIo({ stdin: `${secret}\n` });
    expect(await main(['verify', 'aliyun', hex, '--secret', '-'], f.io)).toBe(0);
  });
});
