// `mqtt-sign probe` as a user runs it: main() in-process with a fake Io against real mosquitto processes (output,
// JSON schema, language, exit codes, platform signing, secrets), and the built bin under Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { hint, message, type Lang } from '../src/messages.js';
import { sign } from '../src/platforms/sign.js';
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';
import { startFaultServer, type FaultServer } from './helpers/fault-servers.js';
import { freePort, startMosquitto, type Broker } from './helpers/mosquitto.js';
import { needsTools } from './helpers/tools.js';

const USER = { username: 'device01', password: 'S3cret!pass' };
const BIN = resolve(import.meta.dirname, '../bin/mqtt-sign.js');

async function run(argv: string[], options: FakeIoOptions = {}) {
  const fake = fakeIo(options);
  const code = await main(argv, fake.io);
  return { code, out: fake.stdout(), err: fake.stderr() };
}

/** The sentence and its fix, as the JSON report's cause carries them. */
const cause = (code: string, lang: Lang = 'en', params = {}) => message('probe.json.cause', { cause: message(code, params, lang), fix: hint(code, params, lang) }, lang);

interface Report {
  ok: boolean;
  target: { host: string; port: number; transport: string };
  steps: { step: string; ok: boolean; ms: number; detail: string; cause: string | null }[];
  connack: { code: number; meaning: string } | null;
}

needsTools(['mosquitto']).describe('mqtt-sign probe', () => {
  let anon: Broker;
  let auth: Broker;
  let nobody: number;
  /** auth's websockets listener. */
  let authWs: number;

  beforeAll(async () => {
    const passwd = sign('generic', { host: '127.0.0.1', clientId: 'x', ...USER, passwdLine: 'true' }, { now: 0, salt: new Uint8Array(12).fill(9) }).extras!.passwdLine!;
    authWs = await freePort();
    [anon, auth] = await Promise.all([
      startMosquitto(),
      startMosquitto({ files: { passwd: `${passwd}\n` }, config: (dir) => `allow_anonymous false\npassword_file ${dir}/passwd\nlistener ${authWs} 127.0.0.1\nprotocol websockets` }),
    ]);
    nobody = await freePort();
  });
  afterAll(async () => {
    await Promise.all([anon?.stop(), auth?.stop()]);
  });

  test('--format json: the issue schema, key for key, exit 0', async () => {
    const r = await run(['probe', `mqtt://127.0.0.1:${anon.port}`, '--format', 'json']);
    expect([r.code, r.err]).toEqual([0, '']);
    const report = JSON.parse(r.out) as Report;
    expect(Object.keys(report)).toEqual(['ok', 'target', 'steps', 'connack']);
    expect(report.target).toEqual({ host: '127.0.0.1', port: anon.port, transport: 'mqtt' });
    expect(report.steps.map((s) => Object.keys(s))).toEqual(Array(3).fill(['step', 'ok', 'ms', 'detail', 'cause']));
    expect(report.steps.map((s) => [s.step, s.ok, s.cause])).toEqual([
      ['dns', true, null],
      ['tcp', true, null],
      ['mqtt', true, null],
    ]);
    expect(report.steps.every((s) => typeof s.ms === 'number' && s.ms >= 0 && s.detail.length > 0)).toBe(true);
    expect(report).toMatchObject({ ok: true, connack: { code: 0, meaning: message('reply.v3.connack.0') } });
  });

  test('text report of a passing probe with a round trip', async () => {
    const r = await run(['probe', `127.0.0.1:${anon.port}`, '--roundtrip']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(`probe mqtt://127.0.0.1:${anon.port}`);
    expect(lines.slice(1, 5).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['✓', 'dns'],
      ['✓', 'tcp'],
      ['✓', 'mqtt'],
      ['✓', 'roundtrip'],
    ]);
    expect(lines.at(-1)).toBe(message('probe.text.ok'));
  });

  test('wrong password: CONNACK 5 explained, exit 1; the password never printed', async () => {
    const r = await run(['probe', `127.0.0.1:${auth.port}`, '--username', USER.username, '--password', 'Wr0ngPassw0rd', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as Report;
    expect(report.ok).toBe(false);
    expect(report.connack).toEqual({ code: 5, meaning: message('reply.v3.connack.5') });
    expect(report.steps.at(-1)).toMatchObject({ step: 'mqtt', ok: false, cause: cause('reply.connack.generic.5') });
    expect(r.out + r.err).not.toContain('Wr0ngPassw0rd');
  });

  test('the same in Chinese, as text', async () => {
    const r = await run(['probe', `127.0.0.1:${auth.port}`, '--username', USER.username, '--password', 'wrong', '--lang', 'zh']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`原因：${message('reply.connack.generic.5', {}, 'zh')}`);
    expect(r.out).toContain(`处理：${hint('reply.connack.generic.5', {}, 'zh')}`);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe(message('probe.text.failed', { step: 'mqtt' }, 'zh'));
  });

  test('--format json --lang zh: the text fields in Chinese, the keys unchanged', async () => {
    const r = await run(['probe', `127.0.0.1:${auth.port}`, '--format', 'json', '--lang', 'zh']);
    const report = JSON.parse(r.out) as Report;
    expect(report.connack).toEqual({ code: 5, meaning: message('reply.v3.connack.5', {}, 'zh') });
    expect(report.steps.at(-1)!.cause).toBe(cause('reply.connack.generic.5', 'zh'));
  });

  test.each([
    ['from the environment', ['--password-from-env'], { env: { MQTT_SIGN_PASSWORD: USER.password } }],
    ['from stdin', ['--password', '-'], { stdin: `${USER.password}\n` }],
  ])('right password %s: exit 0', async (_name, extra, io) => {
    const args = extra[0] === '--password-from-env' ? [] : extra;
    const r = await run(['probe', `127.0.0.1:${auth.port}`, '--username', USER.username, ...args], io);
    expect([r.code, r.err]).toEqual([0, '']);
  });

  test('refused: nothing listens there', async () => {
    const r = await run(['probe', `mqtt://127.0.0.1:${nobody}`, '--format', 'json', '--timeout', '1']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as Report;
    expect(report.steps.at(-1)).toMatchObject({ step: 'tcp', ok: false, cause: cause('probe.cause.tcp-refused', 'en', { address: '127.0.0.1', port: nobody }) });
    expect(report.connack).toBeNull();
  });

  test('probe generic: signs with the generic platform and round-trips', async () => {
    const r = await run(['probe', 'generic', '--host', '127.0.0.1', '--port', String(auth.port), '--client-id', 'dev1', '--username', USER.username, '--password', USER.password, '--roundtrip', '--format', 'json']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect((JSON.parse(r.out) as Report).steps.map((s) => s.step)).toEqual(['dns', 'tcp', 'mqtt', 'roundtrip']);
  });

  test('probe generic --host ws://: probes the WebSocket listener it names (it probed mqtt:// at that port)', async () => {
    const r = await run(['probe', 'generic', '--host', `ws://127.0.0.1:${authWs}/mqtt`, '--client-id', 'dev1', '--username', USER.username, '--password', USER.password, '--roundtrip', '--format', 'json']);
    expect([r.code, r.err]).toEqual([0, '']);
    const report = JSON.parse(r.out) as Report;
    expect(report.target).toEqual({ host: '127.0.0.1', port: authWs, transport: 'ws' });
    expect(report.steps.map((s) => s.step)).toEqual(['dns', 'tcp', 'websocket', 'mqtt', 'roundtrip']);
  });

  test('probe aliyun --url: the signed login, with Aliyun meanings of the CONNACK', async () => {
    const r = await run(['probe', 'aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', 'Zq8sT3cr3tV4lu3Zq8sT3cr3tV4lu3Zq', '--url', `mqtt://127.0.0.1:${auth.port}`, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as Report;
    expect(report.target).toEqual({ host: '127.0.0.1', port: auth.port, transport: 'mqtt' });
    expect(report.steps.at(-1)!.cause).toBe(cause('reply.connack.aliyun.5'));
    expect(r.out + r.err).not.toContain('Zq8sT3cr3tV4lu3Zq8sT3cr3tV4lu3Zq');
  });

  test('--platform thingsboard: a refused token explained as ThingsBoard does', async () => {
    const r = await run(['probe', `127.0.0.1:${auth.port}`, '--username', 'A1_TEST_TOKEN', '--platform', 'thingsboard', '--format', 'json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as Report).steps.at(-1)!.cause).toBe(cause('reply.connack.thingsboard.5'));
  });

  test.each([
    ['a target that is no URL', ['probe', 'http://broker.example.com'], /cannot probe http:\/\/broker\.example\.com/],
    ['no target', ['probe'], /target/],
    ['--timeout 0', ['probe', '127.0.0.1:1', '--timeout', '0'], /--timeout/],
    ['--timeout abc', ['probe', '127.0.0.1:1', '--timeout', 'abc'], /--timeout/],
    ['an unknown --format', ['probe', '127.0.0.1:1', '--format', 'xml'], /--format/],
    ['an unknown --platform', ['probe', '127.0.0.1:1', '--platform', 'nonesuch'], /--platform/],
    ['an unreadable --cafile', ['probe', 'mqtts://127.0.0.1:1', '--cafile', '/nonexistent/ca.pem'], /--cafile \/nonexistent\/ca\.pem/],
    ['a platform without its required flags', ['probe', 'aliyun'], /--product/],
    ['--topic without --roundtrip', ['probe', '127.0.0.1:1', '--topic', 't'], /--topic.*--roundtrip/],
  ])('usage error, exit 2: %s', async (_name, argv, pattern) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(pattern);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

// The help named 3 and 4 as --protocol values ("3 (3.1), 4 (3.1.1) or 5"), and --protocol 4 was then refused.
describe('--protocol in --help', () => {
  test.each([
    ['en', ['probe', 'target']],
    ['zh', ['probe', 'target']],
    ['en', ['probe', 'aliyun']],
    ['zh', ['probe', 'generic']],
  ] as const)('%s %j: every version the description names is one of the choices', async (lang, command) => {
    const r = await run(['--lang', lang, ...command, '--help']);
    const text = r.out.replace(/\s+/g, ' ');
    const entry = /--protocol <version> (.*?)\(choices: ([^)]*)\)/.exec(text);
    expect(entry).not.toBeNull();
    const choices = [...entry![2]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    for (const named of entry![1]!.match(/\d+(?:\.\d+)*/g) ?? []) expect(choices).toContain(named);
    expect((await run(['probe', '127.0.0.1:1', '--protocol', '4'])).code).toBe(2);
  });
});

describe('a URL that carries a password', () => {
  test.each([
    [['probe', 'mqtt://alice:S3cretPassw0rd@127.0.0.1:18860']],
    [['probe', 'mqtt://alice:S3cretPassw0rd@127.0.0.1:18860', '--format', 'json']],
    [['--lang', 'zh', 'probe', 'alice:S3cretPassw0rd@127.0.0.1:18860']],
    [['probe', 'generic', '--host', '127.0.0.1', '--client-id', 'c', '--url', 'mqtt://alice:S3cretPassw0rd@127.0.0.1:18860']],
  ])('%j: exit 2, one line, the password masked', async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('alice:***@127.0.0.1:18860');
    expect(r.err + r.out).not.toContain('S3cretPassw0rd');
  });
});

describe('Ctrl-C', () => {
  let silence: FaultServer;
  beforeAll(async () => {
    silence = await startFaultServer('silence');
  });
  afterAll(async () => {
    await silence?.stop();
  });

  // The built bin (npm test builds first): the process ends by itself only if no socket or timer is left.
  test.skipIf(process.platform === 'win32')('SIGINT mid-probe: reported as interrupted, the process exits at once', async () => {
    expect(existsSync(resolve(import.meta.dirname, '../dist/cli/main.js')), 'run npm run build first').toBe(true);
    const child = spawn(process.execPath, [BIN, 'probe', `127.0.0.1:${silence.port}`, '--timeout', '30'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The assertions read the English catalogue, whatever language the machine running the tests speaks.
      env: { ...process.env, LC_ALL: 'en_US.UTF-8', LANG: 'en_US.UTF-8' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // Wait until the probe is inside the MQTT step (the server has its connection), then interrupt.
    for (let i = 0; i < 500 && silence.connections() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(silence.connections()).toBe(1);
    const started = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    // Far below the 30 s timeout: the interrupt, not the timeout, ended the run (generous for a loaded CI box).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(code).toBe(1);
    expect(out).toContain(message('probe.cause.aborted'));
    expect(out.trimEnd().split('\n').at(-1)).toBe(message('probe.text.aborted'));
  });
});
