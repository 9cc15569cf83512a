// main() in-process with a fake Io: flags → packets, formats, colour, language, secrets, clipboard, errors.
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { redact } from '../src/cli/secrets.js';
import { decode, decodeAll } from '../src/mqtt/decode.js';
import { UsageError } from '../src/errors.js';
import { platforms } from '../src/platforms/index.js';
import type { ConnectPacket, Packet, PublishPacket, SubscribePacket, UnsubscribePacket } from '../src/mqtt/types.js';
import pkg from '../package.json' with { type: 'json' };
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';

const SECRET = 'Zq8sT3cr3tV4lu3Zq8sT3cr3tV4lu3Zq';
const ALIYUN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', SECRET, '--timestamp', '1700000000000'];

async function run(argv: string[], options: FakeIoOptions = {}) {
  const fake = fakeIo(options);
  const code = await main(argv, fake.io);
  return { code, out: fake.stdout(), bytes: fake.stdoutBytes(), err: fake.stderr(), copied: fake.copied };
}

async function json(argv: string[], options: FakeIoOptions = {}) {
  const r = await run([...argv, '--format', 'json'], options);
  expect(r.err, r.err).not.toMatch(/mqtt-sign:/);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out) as { credentials: { clientId: string; username: string | null; password: string | null }; packets: { type: string; hex: string; length: number }[] };
  const packets = doc.packets.map((p) => decode(Buffer.from(p.hex, 'hex'), { protocolVersion: 4 }).packet);
  return { doc, packets, err: r.err };
}

const ANSI = /\u001b\[/;

describe('packets', () => {
  test('a CONNECT carrying the signed login, keepalive inside the platform range', async () => {
    const { doc, packets } = await json(ALIYUN);
    expect(doc.packets.map((p) => p.type)).toEqual(['connect']);
    const connect = packets[0] as ConnectPacket;
    expect(connect.clientId).toBe(doc.credentials.clientId);
    expect(connect.username).toBe(doc.credentials.username);
    expect(Buffer.from(connect.password as Uint8Array).toString()).toBe(doc.credentials.password);
    expect(connect.keepalive).toBeGreaterThanOrEqual(30);
    expect(connect.keepalive).toBeLessThanOrEqual(1200);
    expect([connect.protocolVersion, connect.clean]).toEqual([4, true]);
  });

  test.each([
    ['3.1', 3, 'MQIsdp'],
    ['3.1.1', 4, 'MQTT'],
    ['5', 5, 'MQTT'],
  ] as const)('--protocol %s', async (flag, level, name) => {
    const r = await run([...ALIYUN, '--protocol', flag, '--format', 'json', '--ping']);
    const doc = JSON.parse(r.out) as { packets: { hex: string }[] };
    const stream = Buffer.from(doc.packets.map((p) => p.hex).join(''), 'hex');
    const { packets } = decodeAll(stream);
    expect(packets.map((p) => p.cmd)).toEqual(['connect', 'pingreq']);
    expect([(packets[0] as ConnectPacket).protocolVersion, (packets[0] as ConnectPacket).protocolId]).toEqual([level, name]);
  });

  test('--keepalive, --no-clean and a will', async () => {
    const { packets } = await json([...ALIYUN, '--keepalive', '600', '--no-clean', '--will-topic', 'w/t', '--will-payload', 'bye', '--will-qos', '1', '--will-retain']);
    const connect = packets[0] as ConnectPacket;
    expect([connect.keepalive, connect.clean]).toEqual([600, false]);
    expect(connect.will).toMatchObject({ topic: 'w/t', qos: 1, retain: true });
    expect(Buffer.from(connect.will!.payload as Uint8Array).toString()).toBe('bye');
  });

  test('a keepalive outside the platform range is a warning, not an error: on stderr, or inside the json', async () => {
    const hex = await run([...ALIYUN, '--keepalive', '10', '--format', 'hex']);
    expect(hex.code).toBe(0);
    expect(hex.err).toMatch(/^warning: keepalive 10 s is outside the platform range 30-1200 s/m);
    const { doc, err } = await json([...ALIYUN, '--keepalive', '10']);
    expect((doc as unknown as { warnings: { code: string }[] }).warnings.map((w) => w.code)).toContain('lint.keepalive.range');
    expect(err).not.toMatch(/keepalive/);
  });

  test('packets in the order they are sent, ids never shared', async () => {
    const { packets } = await json([
      ...ALIYUN, '--publish', '/a/b', '--payload', 'hi', '--qos', '1', '--message-id', '1',
      '--subscribe', '/x/#=1', '--subscribe', '/y/+', '--unsubscribe', '/z', '--unsubscribe', '/w', '--ping', '--disconnect',
    ]);
    expect(packets.map((p: Packet) => p.cmd)).toEqual(['connect', 'subscribe', 'unsubscribe', 'publish', 'pingreq', 'disconnect']);
    const [, sub, unsub, pub] = packets as [ConnectPacket, SubscribePacket, UnsubscribePacket, PublishPacket];
    expect(sub.subscriptions).toEqual([expect.objectContaining({ topic: '/x/#', qos: 1 }), expect.objectContaining({ topic: '/y/+', qos: 0 })]);
    expect(unsub.unsubscriptions).toEqual(['/z', '/w']);
    expect([pub.topic, pub.qos, pub.messageId, Buffer.from(pub.payload as Uint8Array).toString()]).toEqual(['/a/b', 1, 1, 'hi']);
    expect(new Set([sub.messageId, unsub.messageId, pub.messageId]).size).toBe(3);
  });

  test('--retain, QoS 0 without a packet id', async () => {
    const { packets } = await json([...ALIYUN, '--publish', '/a/b', '--retain']);
    expect(packets[1]).toMatchObject({ cmd: 'publish', topic: '/a/b', qos: 0, retain: true });
    expect((packets[1] as PublishPacket).messageId).toBeUndefined();
  });

  test.each([
    ['hex:01 02 ff', [1, 2, 255]],
    ['hex:0x01,0x02', [1, 2]],
    ['@payload.bin', [0, 26, 27, 255]],
    ['plain text', [...Buffer.from('plain text')]],
  ])('--payload %s', async (payload, bytes) => {
    const { packets } = await json([...ALIYUN, '--publish', '/a/b', '--payload', payload], { files: { 'payload.bin': Uint8Array.from([0, 26, 27, 255]) } });
    expect([...((packets[1] as PublishPacket).payload as Uint8Array)]).toEqual(bytes);
  });

  test('--publish with a standard topic name: the platform topic and its envelope', async () => {
    const { packets } = await json([...ALIYUN, '--publish', 'property-post', '--payload', '{"temp":10}', '--message-id', '7']);
    const pub = packets[1] as PublishPacket;
    expect(pub.topic).toBe('/sys/a1B2c3D4e5F/sensor01/thing/event/property/post');
    expect(JSON.parse(Buffer.from(pub.payload as Uint8Array).toString())).toEqual({ id: '7', version: '1.0', params: { temp: 10 }, method: 'thing.event.property.post' });
  });

  test('--no-envelope sends the payload as given; a topic without an envelope does too', async () => {
    const raw = await json([...ALIYUN, '--publish', 'property-post', '--payload', '{"temp":10}', '--no-envelope']);
    expect(Buffer.from((raw.packets[1] as PublishPacket).payload as Uint8Array).toString()).toBe('{"temp":10}');
    const upRaw = await json([...ALIYUN, '--publish', 'up-raw', '--payload', '{"a":1}']);
    expect(Buffer.from((upRaw.packets[1] as PublishPacket).payload as Uint8Array).toString()).toBe('{"a":1}');
  });

  test('standard names work for --subscribe and --unsubscribe', async () => {
    const { packets } = await json([...ALIYUN, '--subscribe', 'property-set=1', '--unsubscribe', 'property-set']);
    expect((packets[1] as SubscribePacket).subscriptions[0]).toMatchObject({ topic: '/sys/a1B2c3D4e5F/sensor01/thing/service/property/set', qos: 1 });
    expect((packets[2] as UnsubscribePacket).unsubscriptions).toEqual(['/sys/a1B2c3D4e5F/sensor01/thing/service/property/set']);
  });

  test('--topics lists the standard topics for the device', async () => {
    const r = await run([...ALIYUN, '--topics']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^property-post\s+publish\s+\/sys\/a1B2c3D4e5F\/sensor01\/thing\/event\/property\/post$/m);
    const doc = JSON.parse((await run([...ALIYUN, '--topics', '--format', 'json'])).out);
    expect(doc.platform).toBe('aliyun');
    expect(doc.topics[0]).toEqual(expect.objectContaining({ name: 'property-post', direction: 'publish' }));
  });

  test('--topics with a --format other than json prints the text list, --format at (no --modem: no script is written) too', async () => {
    const text = (await run([...ALIYUN, '--topics'])).out;
    for (const format of ['at', 'mosquitto', 'python']) expect(await run([...ALIYUN, '--topics', '--format', format])).toMatchObject({ code: 0, out: text });
  });
});

describe('output', () => {
  test('default: c when stdout is not a terminal, table when it is', async () => {
    expect((await run(ALIYUN)).out).toMatch(/^\/\*[\s\S]*?\*\/\n\n#ifndef MQTT_PACKETS_H\n/);
    const tty = await run(ALIYUN, { stdoutTTY: true, env: { NO_COLOR: '1' } });
    expect(tty.out).not.toMatch(/#ifndef MQTT_PACKETS_H/);
    expect(tty.out).toMatch(/Remaining Length/);
  });

  test('the size report goes inside the C as a comment, on stderr for hex', async () => {
    const c = await run([...ALIYUN, '--format', 'c']);
    expect(c.out).toMatch(/ \* connect {2}\d+ bytes = 1 \(type\) \+ 2 \(Remaining Length\) \+ \d+/);
    expect(c.err).not.toMatch(/bytes/);
    const hex = await run([...ALIYUN, '--format', 'hex']);
    expect(hex.out).toMatch(/^10 [0-9A-F]{2} 01 00 04 4D 51 54 54/);
    expect(hex.err).toMatch(/^connect {2}\d+ bytes/m);
  });

  test('raw: bytes when piped, refused on a terminal', async () => {
    const piped = await run([...ALIYUN, '--format', 'raw']);
    expect(piped.code).toBe(0);
    expect(decode(piped.bytes).packet.cmd).toBe('connect');
    const tty = await run([...ALIYUN, '--format', 'raw'], { stdoutTTY: true });
    expect([tty.code, tty.out, tty.err.split('\n').length]).toEqual([2, '', 2]);
  });

  test.each([
    ['a TTY', { stdoutTTY: true }, [], true],
    ['NO_COLOR', { stdoutTTY: true, env: { NO_COLOR: '1' } }, [], false],
    ['--no-color', { stdoutTTY: true }, ['--no-color'], false],
    ['a pipe', {}, ['--format', 'table'], false],
  ] as const)('colour on %s: %s', async (_name, options, extra, coloured) => {
    const r = await run([...ALIYUN, ...extra], options);
    expect(r.code).toBe(0);
    expect(ANSI.test(r.out)).toBe(coloured);
  });

  test('--copy puts the output on the clipboard and still prints it', async () => {
    const r = await run([...ALIYUN, '--format', 'hex', '--copy']);
    expect(r.copied).toEqual([r.out]);
    expect(r.err).toMatch(/^copied to the clipboard$/m);
  });

  test('--copy without a clipboard: one line, output still printed, exit 0', async () => {
    const r = await run([...ALIYUN, '--format', 'c', '--copy'], { clipboard: false });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\/\*[\s\S]*?\*\/\n\n#ifndef MQTT_PACKETS_H\n/);
    expect(r.err.split('\n').filter((l) => /clipboard/.test(l))).toHaveLength(1);
  });

  test('--lang zh and LANG=zh_CN: the size report and errors in Chinese', async () => {
    expect((await run([...ALIYUN, '--format', 'hex', '--lang', 'zh'])).err).toMatch(/字节 = 1（类型）/);
    expect((await run([...ALIYUN, '--format', 'hex'], { env: { LANG: 'zh_CN.UTF-8' } })).err).toMatch(/字节/);
    expect((await run([...ALIYUN, '--format', 'hex', '--lang', 'en'], { env: { LANG: 'zh_CN.UTF-8' } })).err).not.toMatch(/字节/);
    const bad = await run(['aliyun', '--product', 'p', '--lang', 'zh']);
    expect(bad.err).toMatch(/缺少/);
  });
});

describe('secrets', () => {
  const withoutSecret = ALIYUN.filter((a, i) => a !== SECRET && ALIYUN[i + 1] !== SECRET);
  test('from the option, the environment and stdin give the same bytes', async () => {
    const option = (await run(ALIYUN)).out;
    expect((await run(withoutSecret, { env: { MQTT_SIGN_SECRET: SECRET } })).out).toBe(option);
    expect((await run([...withoutSecret, '--secret', '-'], { stdin: `${SECRET}\n` })).out).toBe(option);
  });

  test('an empty stdin is a usage error', async () => {
    const r = await run([...withoutSecret, '--secret', '-'], { stdin: '' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--secret is - but stdin was empty/);
  });

  test('a message that would contain a secret has it masked', async () => {
    const r = await run(['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', SECRET, '--client-id', `x|${SECRET}`]);
    expect(r.code).toBe(2);
    expect(r.err).not.toContain(SECRET);
    expect(r.err).toContain('***');
  });

  test("a short secret is masked in the user's text, not in the tool's words (option, modem, the message itself)", async () => {
    const topic = 't'.repeat(200);
    const generic = ['generic', '--host', 'b.example.com', '--client-id', 'd', '--username', 'u'];
    const modem = await run([...generic, '--password', 'mqtt', '--publish', topic, '--format', 'at', '--modem', 'esp-at-mqtt']);
    expect(modem.code).toBe(2);
    expect(modem.err).toMatch(/^mqtt-sign: esp-at-mqtt: the topic is 200 bytes, over the 128-byte limit .*\(set by --publish\)/);
    const option = await run([...generic, '--password', 'p', '--publish', topic, '--format', 'at', '--modem', 'esp-at-mqtt']);
    expect(option.err).toContain('(set by --publish)');
    const warned = await run(['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', 'at', '--static', '--format', 'at', '--modem', 'sim900']);
    expect(warned.code).toBe(0);
    expect(warned.err).toContain('Aliyun accounts created after 2022-08-02');
    // Still masked where the user's text quotes it.
    const quoted = await run([...generic, '--password', 'mqtt', '--publish', 'a/mqtt/+']);
    expect(quoted.code).toBe(2);
    expect(quoted.err).toContain('a/***/+');
    expect(quoted.err).not.toContain('a/mqtt/+');
  });

  test('--copy gets plain text even when the terminal gets colour', async () => {
    const r = await run([...ALIYUN, '--copy'], { stdoutTTY: true });
    expect(ANSI.test(r.out)).toBe(true);
    expect(r.copied).toHaveLength(1);
    expect(ANSI.test(r.copied[0]!)).toBe(false);
    expect(r.copied[0]).toMatch(/Remaining Length/);
  });

  test('redact() leaves other errors alone', () => {
    const err = new UsageError('cli.integer', { option: '--keepalive', value: 'abc', min: 0, max: 1 });
    expect(redact(err, [SECRET])).toBe(err);
  });
});

describe('help, version, errors', () => {
  test('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect([r.code, r.out.trim()]).toEqual([0, pkg.version]);
  });

  test('each platform command has --help with a runnable example', async () => {
    const r = await run(['aliyun', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Example:\n {2}\$ mqtt-sign aliyun --product/);
    expect(r.out).toMatch(/--secret <deviceSecret>[^-]*MQTT_SIGN_SECRET/);
    const example = /\$ mqtt-sign (aliyun .*--format c)$/m.exec(r.out)![1]!.split(' ');
    const ran = await run(example);
    expect([ran.code, /^\/\*[\s\S]*?\*\/\n\n#ifndef MQTT_PACKETS_H\n/.test(ran.out)]).toEqual([0, true]);
  });

  // Every command's help shows how to call it, with options that command has (README: "Every command has --help with a
  // runnable example"): the platforms, and their verify and probe subcommands, which had none.
  const commandLines = [
    ['decode'],
    ['verify'],
    ['probe'],
    ['doctor'],
    ...Object.values(platforms).flatMap((s) => [[s.id], ...(s.verify ? [['verify', s.id]] : []), ['probe', s.id]]),
  ];
  test.each(commandLines)('%s %s --help shows an example of itself, using its own options', async (...path) => {
    for (const lang of ['en', 'zh']) {
      const r = await run([...path, '--help', '--lang', lang]);
      expect(r.code).toBe(0);
      const examples = r.out.split('\n').filter((line) => line.startsWith(`  $ mqtt-sign ${path.join(' ')} `));
      expect(examples.length).toBeGreaterThan(0);
      // A leaf command lists its options: every flag its examples use is one of them.
      if (path.length === 2 || platforms[path[0]!]) {
        for (const flag of examples.flatMap((line) => line.match(/ --[a-z-]+/g) ?? [])) expect(r.out).toMatch(new RegExp(`^ {2}(-\\w, )?${flag.trim()}\\b`, 'm'));
      }
    }
  });

  test('--help in Chinese', async () => {
    const zh = (await run(['aliyun', '--help', '--lang', 'zh'])).out;
    expect(zh).toMatch(/^用法： mqtt-sign aliyun/);
    expect(zh).toMatch(/^选项：$/m);
    expect(zh).toMatch(/^示例：$/m);
  });

  test.each([
    [['aliyn'], /unknown command aliyn \(did you mean aliyun\?\)/],
    [[...ALIYUN, '--secrt', 'x'], /unknown option --secrt \(did you mean --secret\?\)/],
    [[...ALIYUN, '--format', 'cc'], /--format cannot be cc: allowed c, hex/],
    [[...ALIYUN, '--keepalive', 'abc'], /--keepalive must be a whole number from 0 to 65535, not abc/],
    [[''], /unknown command ""/],
    [[...ALIYUN, '--lang', ''], /--lang cannot be "": allowed en, zh/],
    [[...ALIYUN, '--host', ''], /^mqtt-sign: --host is empty \(give it a value, or leave the option out\)$/m],
    [['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'd', '--auth-type', 'connwl', '--device-token', 't', '--client-id', ''], /--client-id is empty/],
    [['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', ''], /--secret is empty/],
    [[...ALIYUN, '--port', '70000'], /--port must be a whole number from 1 to 65535, not 70000/],
    [[...ALIYUN, '--keepalive', '-1'], /--keepalive must be a whole number from 0 to 65535, not -1/],
    [[...ALIYUN, '--publish', 't', '--qos', '3'], /--qos cannot be 3: allowed 0, 1, 2/],
    [[...ALIYUN, '--publish', 't', '--payload', '@'], /--payload @ needs a file name after the @/],
    [[...ALIYUN, '--publish', 't', '--payload', '@missing-file'], /cannot read --payload file missing-file: ENOENT/],
    [[...ALIYUN, '--publish', 't', '--payload', 'hex:zz'], /--payload hex:… is not hex: only 0-9 a-f/],
    [['decode', ''], /the input is empty/],
    [['decode', 'missing.pcap'], /missing\.pcap is not a file \(ENOENT\) and not readable as bytes/],
    [['probe', '127.0.0.1:1', '--timeout', '1e10'], /--timeout must be a number of seconds above 0 and at most 3600, not 1e10/],
    [['probe', 'aliyun', '--product', '', '--device', 'd', '--secret', SECRET], /--product is empty/],
  ])('%j: one line, exit 2', async (argv, pattern) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toHaveLength(2);
    expect(r.err).toMatch(pattern);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.err).not.toContain(SECRET);
  });

  test('verify without a platform: one line naming the missing argument, exit 2 (the help is --help)', async () => {
    const r = await run(['verify']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^mqtt-sign: missing argument platform: verify <platform> \[input\] \(platforms: aliyun, /);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/Usage: mqtt-sign verify/);
  });

  test('MQTT_SIGN_DEBUG=1 adds the stack', async () => {
    const r = await run([...ALIYUN, '--keepalive', 'abc'], { env: { MQTT_SIGN_DEBUG: '1' } });
    expect(r.err).toMatch(/\n\s+at /);
  });
});

test.each(['constructor', 'toString', '__proto__'])('%s is an unknown command, not a platform', async (name) => {
  const r = await run([name]);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(new RegExp(`unknown command ${name}`));
});

describe('time options are told in the user language, milliseconds named as such, nothing normalised', () => {
  const TENCENT = ['tencent', '--product', 'ABCDEFGHIJ', '--device', 'd', '--psk', 'AAAAAAAAAAAAAAAAAAAAAA=='];
  const ONENET = ['onenet', '--product', 'Ck2AF9QD2K', '--device', 'test', '--key', 'KuF3NT/jUBJ62LNBB/A8XZA9CqS3Cu79B/ABmfA1UCw='];
  test.each([
    [[...TENCENT, '--expires', '1718456400000'], '--expires 1718456400000 has 13 digits: milliseconds; give Unix seconds (1718456400)'],
    [[...TENCENT, '--expires', '1718456400000', '--lang', 'zh'], '--expires 1718456400000 有 13 位数字，是毫秒；请给 Unix 秒（1718456400）'],
    [[...TENCENT, '--expires', 'soon', '--lang', 'zh'], '--expires 必须是 Unix 秒（数字，如 1718456400），而不是 soon'],
    [[...ONENET, '--expires', '4294967296'], '--expires 4294967296 is beyond the platform limit 4294967295 (2106-02-07T06:28:16.000Z)'],
    [[...ONENET, '--expires', '00001790855684'], '--expires must be Unix seconds (digits, e.g. 1718456400), not 00001790855684'],
    [['huawei', '--device', 'd_1', '--secret', '12345678', '--timestamp', '2024', '--lang', 'zh'], '--timestamp 必须是 YYYYMMDDHH（UTC），而不是 2024'],
    [['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', SECRET, '--timestamp', 'x'], '--timestamp must be milliseconds since 1970 (digits) or none, not x'],
  ])('%j', async (argv, line) => {
    const r = await run(argv);
    expect([r.code, r.err]).toEqual([2, `mqtt-sign: ${line}\n`]);
  });
});

test('aliyun: an empty clientId core is signed as PLATFORMS.md §2.1 says ("clientId" then "deviceName"); over 64 characters warns', async () => {
  const base = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', SECRET, '--timestamp', '1700000000000', '--format', 'json'];
  const r = await run([...base, '--client-id', '']);
  expect(r.code, r.err).toBe(0);
  const { credentials } = JSON.parse(r.out);
  expect(credentials.clientId).toBe('|securemode=3,signmethod=hmacsha256,timestamp=1700000000000|');
  expect(credentials.password).toBe(createHmac('sha256', SECRET).update('clientIddeviceNamesensor01productKeya1B2c3D4e5Ftimestamp1700000000000').digest('hex'));
  const hex = [...base.slice(0, -1), 'hex'];
  expect((await run([...hex, '--client-id', 'x'.repeat(64)])).err).not.toContain('characters; Aliyun takes at most 64');
  expect((await run([...hex, '--client-id', 'x'.repeat(65)])).err).toContain('warning: the clientId before |…| is 65 characters; Aliyun takes at most 64');
});
