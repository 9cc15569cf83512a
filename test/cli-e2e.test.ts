// End to end: the built bin/mqtt-sign.js as a user runs it (npm test builds first). Every platform × every format,
// the secret never in any output, --copy with no clipboard, NO_COLOR, --lang zh, and a table of bad invocations.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decode } from '../src/mqtt/decode.js';
import { platforms } from '../src/platforms/index.js';
import fixture from './fixtures/cli-platforms.json' with { type: 'json' };
import { atSent, cArrays, hexLines, hexOf } from './helpers/parse-output.js';

const BIN = resolve(import.meta.dirname, '../bin/mqtt-sign.js');
if (!existsSync(resolve(import.meta.dirname, '../dist/cli/main.js'))) throw new Error('dist/ is missing: run `npx tsc -p .` (npm test builds first)');

/** A clean environment: no display (so no clipboard), no colour hints, English unless a test says otherwise. */
const BASE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C' };

interface Run {
  code: number;
  stdout: Buffer;
  out: string;
  err: string;
}

function cli(args: readonly string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { ...BASE_ENV, ...env }, encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, out: stdout.toString('utf8'), err: stderr.toString('utf8') });
    });
    // A child that exits before reading stdin closes the pipe: EPIPE then is no test failure.
    child.stdin?.on('error', () => {});
    child.stdin?.end(stdin ?? '');
  });
}

type Platform = keyof typeof fixture.platforms;
const ids = Object.keys(fixture.platforms) as Platform[];

test('the fixture covers every registered platform', () => {
  expect([...ids].sort()).toEqual(Object.keys(platforms).sort());
});

const FORMATS: [string, string[], (run: Run) => string[]][] = [
  ['c', ['--format', 'c'], (r) => cArrays(r.out).map((a) => hexOf(a.bytes))],
  ['arduino', ['--format', 'arduino'], (r) => cArrays(r.out).map((a) => hexOf(a.bytes))],
  ['hex', ['--format', 'hex'], (r) => hexLines(r.out).map(hexOf)],
  ['hex --compact', ['--format', 'hex', '--compact'], (r) => hexLines(r.out).map(hexOf)],
  ['base64', ['--format', 'base64'], (r) => r.out.trimEnd().split('\n').map((l) => Buffer.from(l, 'base64').toString('hex'))],
  ['raw', ['--format', 'raw'], (r) => [r.stdout.toString('hex')]],
  ['at esp8266', ['--format', 'at', '--modem', 'esp8266'], (r) => [atSent(r.out)]],
  ['at sim800', ['--format', 'at', '--modem', 'sim800'], (r) => [atSent(r.out)]],
  ['at quectel', ['--format', 'at', '--modem', 'quectel'], (r) => [atSent(r.out)]],
  ['python', ['--format', 'python'], (r) => [...r.out.matchAll(/^(\w+) = \($/gm)].map((m) => m[1]!)],
  ['table', ['--format', 'table'], (r) => [...r.out.matchAll(/^offset +bytes +field +value$/gm)].map(() => 'table')],
];
/** Formats that write all packets as one stream rather than one item per packet. */
const JOINED = new Set(['raw', 'at esp8266', 'at sim800', 'at quectel']);
/** Huawei properties belong to a service of the product model: name it. */
const PUBLISH_EXTRA: Partial<Record<Platform, string[]>> = { huawei: ['--service-id', 'Temperature'] };
/** Extra packets so every format shows more than a CONNECT. */
const PACKETS = ['--publish', '/dev/up', '--payload', 'hello', '--qos', '1', '--subscribe', '/dev/down=1', '--ping', '--disconnect'];

describe.each(ids)('%s', (id) => {
  const { args, secrets } = fixture.platforms[id];
  const base = [id, ...args, ...PACKETS];
  const reference = cli([...base, '--format', 'json']);

  test('json: the documented schema, packets that decode to what was asked', async () => {
    const r = await reference;
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(['platform', 'broker', 'credentials', 'packets', 'warnings']);
    expect(doc.platform).toBe(id);
    expect(doc.packets.map((p: { type: string }) => p.type)).toEqual(['connect', 'subscribe', 'publish', 'pingreq', 'disconnect']);
    const connect = decode(Buffer.from(doc.packets[0].hex, 'hex')).packet;
    expect(connect).toMatchObject({ cmd: 'connect', clientId: doc.credentials.clientId });
    for (const p of doc.packets) expect(p.length).toBe(p.hex.length / 2);
  });

  test.each(FORMATS)('%s carries the same bytes, exit 0, secret nowhere', async (name, flags, read) => {
    const [r, ref] = await Promise.all([cli([...base, ...flags]), reference]);
    expect(r.code, r.err).toBe(0);
    const hex: string[] = JSON.parse(ref.out).packets.map((p: { hex: string }) => p.hex);
    if (name === 'python') expect(read(r)).toEqual(hex.map((_, i) => ['mqtt_connect', 'mqtt_subscribe', 'mqtt_publish', 'mqtt_pingreq', 'mqtt_disconnect'][i]));
    else if (name === 'table') expect(read(r)).toHaveLength(hex.length);
    else expect(read(r)).toEqual(JOINED.has(name) ? [hex.join('')] : hex);
    for (const secret of secrets) {
      expect(r.stdout.includes(secret), `${secret} in stdout`).toBe(false);
      expect(r.err.includes(secret), `${secret} in stderr`).toBe(false);
    }
  });

  test('--help shows a runnable example, and it runs', async () => {
    const help = await cli([id, '--help']);
    expect(help.code).toBe(0);
    const example = /^ {2}\$ mqtt-sign (.*--format c)$/m.exec(help.out)?.[1];
    expect(example).toBeDefined();
    expect(example).not.toMatch(/["']/); // split on spaces below, as a shell would here
    const ran = await cli(example!.split(' '));
    expect(ran.code, ran.err).toBe(0);
    expect(ran.out).toMatch(/^\/\*[\s\S]*?\*\/\n\n#ifndef MQTT_PACKETS_H\n/);
  });

  test('--topics, then a PUBLISH to a standard topic by name', async () => {
    const listed = await cli([id, ...args, '--topics', '--format', 'json']);
    expect(listed.code, listed.err).toBe(0);
    const topics: { name: string; topic: string; direction: string }[] = JSON.parse(listed.out).topics;
    const up = topics.find((t) => t.direction === 'publish');
    if (!up) {
      // Only generic has no standard topic to publish to (its topics are the user's own); any other platform must.
      expect(id).toBe('generic');
      return;
    }
    const r = await cli([id, ...args, '--publish', up.name, '--payload', '{"temp":10}', ...(PUBLISH_EXTRA[id] ?? []), '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const publish = decode(Buffer.from(JSON.parse(r.out).packets[1].hex, 'hex')).packet;
    expect(publish).toMatchObject({ cmd: 'publish', topic: up.topic });
  });
});

describe('environment', () => {
  const aliyun = ['aliyun', ...fixture.platforms.aliyun.args];

  test('--copy with no clipboard (headless): one line on stderr, the output still printed, exit 0', async () => {
    const r = await cli([...aliyun, '--format', 'hex', '--copy']);
    expect(r.code).toBe(0);
    expect(hexLines(r.out)).toHaveLength(1);
    expect(r.err.split('\n').filter((l) => /clipboard/.test(l))).toEqual(['no clipboard here (no display or clipboard tool), so the output is only printed']);
  });

  test('no colour when piped, with NO_COLOR, or with --no-color', async () => {
    for (const [env, extra] of [[{}, []], [{ NO_COLOR: '1', FORCE_COLOR: '1' }, []], [{ FORCE_COLOR: '1' }, ['--no-color']]] as const) {
      const r = await cli([...aliyun, '--format', 'table', '--keepalive', '5', ...extra], env);
      expect(r.code).toBe(0);
      expect(r.out + r.err).not.toMatch(/\u001b\[/);
    }
  });

  test('--lang zh and LANG=zh_CN.UTF-8: reports and errors in Chinese', async () => {
    const flag = await cli([...aliyun, '--format', 'hex', '--lang', 'zh']);
    expect(flag.err).toMatch(/合计 \d+ 字节/);
    const env = await cli([...aliyun, '--format', 'hex'], { LANG: 'zh_CN.UTF-8' });
    expect(env.err).toMatch(/合计 \d+ 字节/);
    const bad = await cli(['aliyun', '--product', 'p', '--device', 'd'], { LANG: 'zh_CN.UTF-8' });
    expect(bad.err).toMatch(/^mqtt-sign: aliyun：缺少 --secret/);
  });

  test('the secret from the environment or stdin, never from the command line', async () => {
    const withFlag = await cli([...aliyun, '--format', 'hex']);
    const noSecret = aliyun.filter((a, i) => a !== '--secret' && aliyun[i - 1] !== '--secret');
    const secret = fixture.platforms.aliyun.secrets[0]!;
    expect((await cli([...noSecret, '--format', 'hex'], { MQTT_SIGN_SECRET: secret })).out).toBe(withFlag.out);
    expect((await cli([...noSecret, '--secret', '-', '--format', 'hex'], {}, `${secret}\n`)).out).toBe(withFlag.out);
  });

  test('--version, and top-level --help whose examples run', async () => {
    // bin answers these two before loading the bundle; the answer must still be the package's version.
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await cli(['--version'])).out).toBe(`${version}\n`);
    expect((await cli(['-V'])).out).toBe(`${version}\n`);
    expect((await cli(['--lang', 'zh', '--version'])).out).toBe(`${version}\n`);
    const help = await cli(['--help']);
    for (const id of ids) expect(help.out).toContain(`  ${id}`);
    const examples = [...help.out.matchAll(/^ {2}\$ mqtt-sign (.*)$/gm)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      // Words, or one double-quoted argument, as the shell would split these.
      const argv = [...example.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      const ran = await cli(argv);
      expect(ran.code, `${example}: ${ran.err}`).toBe(0);
      expect(ran.out).not.toBe('');
    }
  });

  test('stdout closed early (| head) ends quietly', async () => {
    const r = await new Promise<{ code: number | null; err: string }>((done) => {
      const child = execFile(process.execPath, [BIN, 'aliyun', '--help'], { env: BASE_ENV }, () => {});
      let err = '';
      child.stderr!.on('data', (d) => (err += d));
      child.stdout!.destroy();
      child.on('close', (code) => done({ code, err }));
    });
    expect(r.err).not.toMatch(/EPIPE|\n\s+at /);
  });
});

const SECRET = 'BadRunSecretV4lu3xyz0123456789ab';
const A = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', SECRET];
const BAD: [string, string[], RegExp, string?][] = [
  ['unknown command, with a suggestion', ['aliyn', '--secret', SECRET], /unknown command aliyn \(did you mean aliyun\?\)/],
  ['unknown option, with a suggestion', [...A, '--secrt', SECRET], /unknown option --secrt \(did you mean --secret\?\)/],
  ['a stray argument', [...A, SECRET], /too many arguments/],
  ['missing --product', ['aliyun', '--device', 'd', '--secret', SECRET], /missing --product/],
  ['missing secret', ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'd'], /missing --secret \(or set MQTT_SIGN_SECRET/],
  ['empty stdin for --secret -', ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'd', '--secret', '-'], /--secret is - but stdin was empty/, ''],
  ['an option without its value', [...A, '--format'], /option --format needs a value/],
  ['a bad --format', [...A, '--format', 'cpp'], /--format cannot be cpp: allowed c, hex/],
  ['a bad --protocol', [...A, '--protocol', '4'], /--protocol cannot be 4/],
  ['a bad --lang', [...A, '--lang', 'fr'], /--lang cannot be fr: allowed en, zh/],
  ['a bad --sign-method', [...A, '--sign-method', 'sha256'], /--sign-method cannot be sha256/],
  ['a non-numeric --keepalive', [...A, '--keepalive', 'abc'], /--keepalive must be a whole number from 0 to 65535, not abc/],
  ['a --keepalive over 65535', [...A, '--keepalive', '70000'], /--keepalive must be a whole number/],
  ['--qos without --publish', [...A, '--qos', '1'], /--qos needs --publish/],
  ['--payload without --publish', [...A, '--payload', 'x'], /--payload needs --publish/],
  ['--will-qos without --will-topic', [...A, '--will-qos', '1'], /--will-qos needs --will-topic/],
  ['--message-id 0', [...A, '--publish', 't', '--qos', '1', '--message-id', '0'], /--message-id must be a whole number from 1 to 65535/],
  ['a wildcard in a PUBLISH topic', [...A, '--publish', '/a/+'], /^mqtt-sign: --publish: topic = "\/a\/\+" contains a wildcard/],
  ['an invalid SUBSCRIBE filter', [...A, '--subscribe', '/a/#/b'], /^mqtt-sign: --subscribe: .*"\/a\/#\/b" is not a valid topic filter/],
  ['an empty SUBSCRIBE filter', [...A, '--subscribe', '=1'], /^mqtt-sign: --subscribe: /],
  ['an invalid UNSUBSCRIBE filter', [...A, '--unsubscribe', '/a#'], /^mqtt-sign: --unsubscribe: .*"\/a#" is not a valid topic filter/],
  ['a wildcard in the will topic', [...A, '--will-topic', 'a/#'], /^mqtt-sign: --will-topic: /],
  ['a generic password over 65535 bytes', ['generic', '--host', 'h', '--client-id', 'c', '--username', 'u', '--password', 'p'.repeat(65_536)], /^mqtt-sign: --password: password is 65536 bytes; the limit is 65535/],
  ['a subscription QoS of 3', [...A, '--subscribe', 'a/b=3'], /--subscribe a\/b=3: the QoS after = must be 0, 1 or 2/],
  ['an unreadable @file', [...A, '--publish', 't', '--payload', '@/nonexistent/payload.bin'], /cannot read --payload file \/nonexistent\/payload.bin: ENOENT/],
  ['bad hex: payload', [...A, '--publish', 't', '--payload', 'hex:0g'], /--payload hex:… is not hex/],
  ['bad JSON for a standard topic', [...A, '--publish', 'property-post', '--payload', '{temp:1}'], /--payload for property-post must be JSON properties/],
  ['--format at without --modem', [...A, '--format', 'at'], /--format at needs --modem: one of esp8266, sim800, sim7600, quectel, esp-at-mqtt, quectel-mqtt, simcom-mqtt, esp32, /],
  ['--modem without --format at', [...A, '--format', 'c', '--modem', 'sim800'], /--modem applies only to --format at/],
  ['--compact without --format hex', [...A, '--format', 'c', '--compact'], /--compact applies only to --format hex/],
  ['--name that is no identifier', [...A, '--format', 'c', '--name', '1st'], /--name 1st is not a usable identifier/],
  ['--copy with raw', [...A, '--format', 'raw', '--copy'], /--copy cannot carry binary bytes/],
  ['a key that is not base64', ['tencent', '--product', 'ABCDEF1234', '--device', 'd', '--psk', `${SECRET}!`], /--psk is not standard base64/],
  ['a Huawei hour that does not exist', ['huawei', '--device', 'd1', '--secret', SECRET, '--timestamp', '2025023124'], /--timestamp/],
  ['a secret inside a rejected value', [...A, '--client-id', `x|${SECRET}`], /\*\*\*/],
  ['an empty command name', [''], /unknown command ""/],
  ['an empty --lang', [...A, '--lang', ''], /--lang cannot be "": allowed en, zh/],
  ['an empty platform value (an unset $VAR)', [...A, '--host', ''], /--host is empty/],
  ['an empty secret', ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'd', '--secret', ''], /--secret is empty/],
  ['--port 70000', [...A, '--port', '70000'], /--port must be a whole number from 1 to 65535, not 70000/],
  ['--keepalive -1', [...A, '--keepalive', '-1'], /--keepalive must be a whole number from 0 to 65535, not -1/],
  ['--qos 3', [...A, '--publish', 't', '--qos', '3'], /--qos cannot be 3: allowed 0, 1, 2/],
  ['--payload @ without a file name', [...A, '--publish', 't', '--payload', '@'], /--payload @ needs a file name/],
  ['--payload @ a missing file', [...A, '--publish', 't', '--payload', '@missing-file'], /cannot read --payload file missing-file: ENOENT/],
  ['--payload hex:zz', [...A, '--publish', 't', '--payload', 'hex:zz'], /--payload hex:… is not hex/],
  ['decode of an empty string', ['decode', ''], /the input is empty/],
  ['decode of blanks', ['decode', '  '], /the input is empty/],
  ['decode of a missing file', ['decode', 'missing.pcap'], /missing\.pcap is not a file \(ENOENT\) and not readable as bytes; line 1: no hex bytes found/],
  ['decode of empty stdin', ['decode', '-'], /the input is empty/, ''],
  ['verify of an empty string', ['verify', 'aliyun', '', '--secret', SECRET], /the input is empty/],
  ['probe --timeout beyond an hour', ['probe', '127.0.0.1:1', '--timeout', '1e10'], /--timeout must be a number of seconds above 0 and at most 3600, not 1e10/],
  ['probe with an empty target', ['probe', ''], /cannot probe/],
];

describe('bad invocations: exit 2, one line on stderr, no stack, no secret, nothing on stdout', () => {
  test.each(BAD)('%s', async (_name, args, pattern, stdin) => {
    const r = await cli(args, {}, stdin);
    expect(r.code, r.err).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.endsWith('\n')).toBe(true);
    expect(r.err.trimEnd().split('\n'), r.err).toHaveLength(1);
    expect(r.err).toMatch(/^mqtt-sign: /);
    expect(r.err).toMatch(pattern);
    expect(r.err).not.toMatch(/\bat .*:\d+:\d+/);
    expect(r.err).not.toContain(SECRET);
  });
});
