// `mqtt-sign verify` through the CLI: CONNECTs built from every platform's shared vectors (test/fixtures/vectors,
// copied from /work/shared/vectors) verify with the right secret and fail with a wrong one; captures; secrets.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { encode } from '../src/mqtt/encode.js';
import { fakeIo } from './helpers/fake-io.js';

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
    expect(r.code).toBe(0);
  });

  test('a wrong secret does not: exit 1, the wrong field named, the secret never printed', async () => {
    const bad = wrong(secret);
    const r = await verify([platform, connectHex(vector), flag, bad], { now });
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗');
    if (flag !== '--username' && flag !== '--password') expect(r.out + r.err).not.toContain(bad);
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

  test.each([
    ['no CONNECT in the input', ['aliyun', 'c0 00', '--secret', 's'], 1, 'no CONNECT'],
    ['an unknown platform', ['nosuch', 'c0 00'], 2, ''],
    ['a file that does not exist', ['aliyun', 'missing.pcap', '--secret', 'secret'], 2, 'missing.pcap'],
  ])('%s: exit %i', async (_name, args, code, text) => {
    const r = await verify(args);
    expect(r.code).toBe(code);
    expect(r.err).toContain(text);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
