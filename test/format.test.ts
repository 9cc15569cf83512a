// The text formats, read back into bytes: each must carry exactly the packets it was given.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { format, formats, sizes, type FormatInput, type FormatStyle, type Modem } from '../src/format/index.js';
import { UsageError } from '../src/errors.js';
import { catalogues } from '../src/messages.js';
import * as cliMessages from '../src/messages/cli.js';
import * as formatMessages from '../src/messages/format.js';
import fixture from './fixtures/format-packets.json' with { type: 'json' };
import { atSent, cArrays, hexLines, hexOf } from './helpers/parse-output.js';
import { needsTools } from './helpers/tools.js';

type Case = (typeof fixture.cases)[number];
const inputOf = (c: Case): FormatInput => ({
  platform: c.platform,
  broker: c.broker,
  credentials: c.credentials,
  packets: c.packets.map((p) => ({ name: p.name, bytes: Uint8Array.from(Buffer.from(p.hex, 'hex')) })),
  warnings: [{ code: 'lint.example', message: 'an example warning' }],
});
const cases = fixture.cases.map((c) => [c.name, c] as const);
const text = (out: string | Uint8Array): string => {
  if (typeof out !== 'string') throw new Error('expected text');
  return out;
};
const python = needsTools(['python3']);

describe.each(cases)('%s', (_name, c) => {
  const input = inputOf(c);
  const expected = c.packets.map((p) => p.hex);

  test('c: one array per packet, exact bytes, _LEN defines, 16 bytes a line', () => {
    const out = text(format('c', input).output);
    expect(out).toMatch(/^\/\*[\s\S]*?\*\/\n\n#ifndef MQTT_PACKETS_H\n#define MQTT_PACKETS_H\n\n#include <stdint.h>\n/);
    expect(out.endsWith('#endif /* MQTT_PACKETS_H */\n')).toBe(true);
    expect(out.match(/\/\*/g)).toHaveLength(2); // one comment on top, one closing the guard
    const arrays = cArrays(out);
    expect(arrays.map((a) => hexOf(a.bytes))).toEqual(expected);
    expect(arrays.map((a) => a.len)).toEqual(c.packets.map((p) => p.hex.length / 2));
    expect(arrays.map((a) => a.name)).toEqual(c.packets.map((p) => `mqtt_${p.name}`));
    // Full lines of 16 bytes, the remainder on the last line of each array.
    const perLine = out.split('\n').filter((l) => l.startsWith('    0x')).map((l) => l.split(',').filter((t) => t.trim()).length);
    expect(perLine).toEqual(c.packets.flatMap((p) => Array.from({ length: Math.ceil(p.hex.length / 32) }, (_, i) => Math.min(16, p.hex.length / 2 - i * 16))));
    // The one comment names the broker and the login, never the password.
    expect(out).toContain(c.broker.url);
    expect(out).toContain(JSON.stringify(c.credentials.clientId));
    if (c.credentials.password) expect(out).not.toContain(c.credentials.password);
  });

  test('arduino: the same arrays with PROGMEM', () => {
    const out = text(format('arduino', input, { name: 'cloud' }).output);
    expect(out).toMatch(/const uint8_t cloud_connect\[\] PROGMEM = \{|const uint8_t cloud_publish\[\] PROGMEM = \{/);
    expect(cArrays(out).map((a) => hexOf(a.bytes))).toEqual(expected);
  });

  test.each([false, true])('hex (compact: %s): one uppercase line per packet', (compact) => {
    const out = text(format('hex', input, { compact }).output);
    expect(out.includes(' ')).toBe(!compact);
    expect(hexLines(out).map(hexOf)).toEqual(expected);
  });

  test('base64: one line per packet', () => {
    const lines = text(format('base64', input).output).trimEnd().split('\n');
    expect(lines.map((l) => Buffer.from(l, 'base64').toString('hex'))).toEqual(expected);
  });

  test('raw: the bytes back to back', () => {
    const out = format('raw', input).output;
    expect(typeof out).not.toBe('string');
    expect(hexOf(out as Uint8Array)).toBe(expected.join(''));
  });

  test('json: the documented schema, keys in order', () => {
    const doc = JSON.parse(text(format('json', input).output));
    expect(Object.keys(doc)).toEqual(['platform', 'broker', 'credentials', 'packets', 'warnings']);
    expect(Object.keys(doc.broker)).toEqual(['host', 'port', 'tls', 'url']);
    expect(Object.keys(doc.credentials)).toEqual(['clientId', 'username', 'password']);
    expect(doc.credentials).toEqual(c.credentials);
    expect(doc.packets).toEqual(c.packets.map((p) => ({ type: p.name, hex: p.hex, length: p.hex.length / 2 })));
    expect(doc.warnings).toEqual([{ code: 'lint.example', message: 'an example warning' }]);
    // Its packets are written in pieces (src/format/json-document.ts): laid out exactly as the whole document would be.
    expect(text(format('json', input).output)).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });

  python.test('python: python3 evaluates the literals to the exact bytes', () => {
    const source = text(format('python', input).output);
    const names = c.packets.map((p) => `mqtt_${p.name}`);
    const script = `${source}\nprint(' '.join(x.hex() for x in [${names.join(', ')}]))`;
    expect(execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim().split(' ')).toEqual(expected);
  });

  test.each(['esp8266', 'sim800', 'quectel'] as Modem[])('at %s: opens the broker and sends exactly the bytes', (modem) => {
    const out = text(format('at', input, { modem }).output);
    expect(atSent(out)).toBe(expected.join(''));
    expect(out.includes('QISENDEX')).toBe(modem === 'quectel');
    expect(out).toContain(`"${c.broker.host}"`);
    expect(out).toMatch(modem === 'quectel' ? /^AT\+QIOPEN=1,0,"TCP",".*",\d+,0,1$/m : /^AT\+CIPSTART="TCP",".*","?\d+"?$/m);
  });
});

// json writes its packets in pieces: with no packet, with extras after them, and with --modem's AT steps, the text
// is still exactly JSON.stringify(document, null, 2).
test.each([
  ['no packet', { packets: [] }, {}],
  ['extras after the packets', { packets: [{ name: 'connect', bytes: Uint8Array.of(0x10, 0x00) }, { name: 'pingreq', bytes: Uint8Array.of(0xc0, 0x00) }], extras: { passwdLine: 'u:$7$101$x$y' } }, {}],
  ['--modem steps after the packets', { packets: [{ name: 'connect', bytes: Uint8Array.of(0x10, 0x00) }] }, { modem: 'sim800' }],
] as const)('json, %s: laid out as JSON.stringify(…, null, 2)', (_, extra, options) => {
  const input: FormatInput = { broker: { host: 'b.local', port: 1883, tls: false, url: 'mqtt://b.local:1883' }, credentials: { clientId: 'c"1', username: null, password: null }, ...extra };
  const out = text(format('json', input, options).output);
  expect(out).toBe(`${JSON.stringify(JSON.parse(out), null, 2)}\n`);
  expect(JSON.parse(out).packets.map((p: { hex: string }) => p.hex)).toEqual(input.packets.map((p) => Buffer.from(p.bytes).toString('hex')));
});

// at writes its script 64 steps a piece: joined, the pieces are the whole script, for every dialect and a packet split
// over many sends.
test.each(['esp8266', 'sim800', 'sim7600', 'quectel', 'esp-at-mqtt', 'quectel-mqtt', 'simcom-mqtt'] as Modem[])('at %s: the pieces are the whole script', async (modem) => {
  const { atScript } = await import('../src/format/at.js');
  const { renderSteps } = await import('../src/format/at-steps.js');
  const big = Uint8Array.from({ length: 200_000 }, (_, i) => 0x41 + (i % 26));
  const input: FormatInput = {
    broker: { host: 'b.local', port: 1883, tls: false, url: 'mqtt://b.local:1883' },
    credentials: { clientId: 'c1', username: null, password: null },
    packets: [{ name: 'connect', bytes: Uint8Array.of(0x10, 0x0e, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x02, 0x63, 0x31) }, ...(modem.endsWith('-mqtt') ? [] : [{ name: 'publish', bytes: big }])],
  };
  const script = atScript(input, { modem });
  const whole = `${[...script.header, ...renderSteps(script.steps, 'en'), ...script.footer].join('\n')}\n`;
  const out = format('at', input, { modem });
  expect(out.output).toBe(whole);
  expect([...out.pieces!()].length).toBeGreaterThan(modem.endsWith('-mqtt') ? 2 : 3);
});

describe('at', () => {
  const small = inputOf(fixture.cases[2]!);
  const big = (length: number, tls = false): FormatInput => ({
    ...small,
    broker: { host: 'broker.example', port: tls ? 8883 : 1883, tls, url: `${tls ? 'mqtts' : 'mqtt'}://broker.example:${tls ? 8883 : 1883}` },
    packets: [{ name: 'publish', bytes: Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff) }],
  });

  test.each([
    ['esp8266', 2048, false],
    ['sim800', 1460, false],
    ['quectel', 256, false],
    ['quectel', 1460, true],
  ] as const)('%s splits a packet over its single-send limit %i (tls %s) and says so', (modem, limit, tls) => {
    const input = big(limit * 2 + 1, tls);
    const out = format('at', input, { modem });
    expect(atSent(text(out.output))).toBe(hexOf(input.packets[0]!.bytes));
    expect(out.warnings.map((w) => w.code)).toContain('format.at.split');
    expect(out.warnings.find((w) => w.code === 'format.at.split')!.message).toContain('3 parts');
    expect(format('at', big(limit, tls), { modem }).warnings.map((w) => w.code)).not.toContain('format.at.split');
  });

  test.each([
    ['sim800', false, 'format.at.special.sim800'],
    ['quectel', true, 'format.at.special.quectel'],
    ['quectel', false, undefined],
    ['esp8266', false, undefined],
  ] as const)('%s (tls %s) warns about 0x1A in a raw send: %s', (modem, tls, code) => {
    const input = { ...small, broker: big(1, tls).broker };
    const warnings = format('at', input, { modem }).warnings;
    expect(warnings.map((w) => w.code)).toEqual(code ? [code] : []);
    if (code) expect(warnings[0]!.message).toContain('0x1A at byte 1');
  });

  test.each([
    ['esp8266', ['AT+CIPSSLSIZE=4096', 'AT+CIPSTART="SSL","broker.example",8883']],
    ['sim800', ['AT+CIPSSL=1', 'AT+CIPSTART="TCP","broker.example","8883"']],
    ['quectel', ['AT+QSSLOPEN=1,1,0,"broker.example",8883,1']],
  ] as const)('%s opens TLS', (modem, open) => {
    const lines = text(format('at', big(10, true), { modem }).output).split('\n').filter((l) => l.startsWith('AT+'));
    expect(lines.slice(0, open.length)).toEqual(open);
  });

  test('needs a modem and a broker', () => {
    expect(() => format('at', small, {})).toThrow(UsageError);
    expect(() => format('at', { packets: small.packets }, { modem: 'sim800' })).toThrow(UsageError);
  });
});

describe('size report', () => {
  // Remaining Length boundaries (MQTT 3.1.1 §2.2.3): the varint grows at 128, 16384 and 2097152.
  const packetWithRl = (rl: number): Uint8Array => {
    const header = [0x30];
    let n = rl;
    do {
      let b = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      header.push(b);
    } while (n > 0);
    const bytes = new Uint8Array(header.length + rl);
    bytes.set(header);
    return bytes;
  };
  test.each([
    [0, 1],
    [127, 1],
    [128, 2],
    [16383, 2],
    [16384, 3],
    [2097151, 3],
    [2097152, 4],
  ])('remaining length %i takes %i byte(s)', (rl, width) => {
    const summary = sizes([{ name: 'publish', bytes: packetWithRl(rl) }]);
    expect(summary.packets[0]).toEqual({ name: 'publish', length: 1 + width + rl, remainingLength: rl, lengthWidth: width });
  });

  test('total and buffer: the sum and the largest packet', () => {
    const summary = sizes([
      { name: 'connect', bytes: packetWithRl(200) },
      { name: 'publish', bytes: packetWithRl(20) },
    ]);
    expect([summary.total, summary.buffer]).toEqual([203 + 22, 203]);
  });

  test('human formats carry it: in comments for source code, on the side for the rest', () => {
    const input = inputOf(fixture.cases[0]!);
    const line = 'connect  134 bytes = 1 (type) + 2 (Remaining Length) + 131';
    expect(text(format('c', input).output)).toContain(line);
    expect(text(format('python', input).output)).toContain(`# ${line}`);
    for (const style of ['hex', 'base64'] as FormatStyle[]) expect(format(style, input).report).toContain(line);
    expect(format('at', input, { modem: 'esp8266' }).report).toContain(line);
    for (const style of ['json', 'raw'] as FormatStyle[]) expect(format(style, input).report).toEqual([]);
    expect(format('hex', input, { lang: 'zh' }).report[0]).toBe('connect  134 字节 = 1（类型）+ 2（剩余长度）+ 131');
  });
});

describe('identifiers', () => {
  const input = inputOf(fixture.cases[0]!);
  test.each(['1abc', 'int', 'static', 'a-b', '', '__x', 'uint8_t', 'mqtt sign'])('--name %j is refused', (name) => {
    expect(() => format('c', input, { name })).toThrow(expect.objectContaining({ code: 'format.name.invalid' }));
    expect(() => format('python', input, { name })).toThrow(UsageError);
  });
  test.each(['aliyun', '_x', 'A1', 'dev_01'])('--name %j is used as the prefix', (name) => {
    expect(cArrays(text(format('c', input, { name }).output)).map((a) => a.name)).toEqual([`${name}_connect`]);
  });
  test('a repeated packet name gets a suffix, so identifiers stay unique', () => {
    const twice = { ...input, packets: [...input.packets, ...input.packets] };
    expect(cArrays(text(format('c', twice).output)).map((a) => a.name)).toEqual(['mqtt_connect', 'mqtt_connect_2']);
  });
  test('a clientId cannot close the comment early', () => {
    const tricky = { ...input, credentials: { clientId: 'a*/int x;/*', username: null, password: null } };
    const out = text(format('c', tricky).output);
    expect(out).not.toContain('a*/int');
    expect(cArrays(out).map((a) => hexOf(a.bytes))).toEqual([fixture.cases[0]!.packets[0]!.hex]);
  });
});

test('every style is in the formats map', () => {
  expect(Object.keys(formats).sort()).toEqual(['arduino', 'at', 'base64', 'c', 'env', 'hex', 'json', 'mosquitto', 'mqttjs', 'mqttx', 'python', 'raw', 'table']);
});

test.each([
  ['cli', cliMessages],
  ['format', formatMessages],
])('the %s catalogue has the same keys in en and zh, and the merged catalogue has them', (_area, area) => {
  expect(Object.keys(area.zh).sort()).toEqual(Object.keys(area.en).sort());
  for (const key of Object.keys(area.en)) expect(catalogues.zh[key]).toBe(area.zh[key]);
});

test('the lazy loaders give the CLI the same formatter as the formats map', async () => {
  const { formatLoaders } = await import('../src/format/lazy.js');
  expect(Object.keys(formatLoaders).sort()).toEqual(Object.keys(formats).sort());
  for (const style of Object.keys(formats) as FormatStyle[]) if (style !== 'c' && style !== 'json') expect(await formatLoaders[style]({})).toBe(formats[style]);
  // c loads the half a run prints with: the plain header or the firmware runtime, as formatC itself chooses.
  const { formatPlainC } = await import('../src/format/c-plain.js');
  const { formatCRuntime } = await import('../src/format/c-runtime.js');
  expect(await formatLoaders.c({})).toBe(formatPlainC);
  expect(await formatLoaders.c({ runtime: true })).toBe(formatCRuntime);
  // json without --modem needs none of the AT formatters.
  const { formatPlainJson } = await import('../src/format/json-document.js');
  expect(await formatLoaders.json({})).toBe(formatPlainJson);
  expect(await formatLoaders.json({ modem: 'esp8266' })).toBe(formats.json);
});
