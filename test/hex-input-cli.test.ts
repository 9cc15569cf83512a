// decode's [input] argument (issue 10 items 1 and 7): a file only if that path opens, otherwise the data itself,
// and when it is neither, one line saying both; base64 without --input when unambiguous; C0 is a cut-off packet.
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';

async function decode(args: string[], options: FakeIoOptions = {}) {
  const f = fakeIo(options);
  const code = await main(['decode', ...args, '--format', 'json'], f.io);
  const out = f.stdout();
  return { code, err: f.stderr(), json: code === 2 ? null : (JSON.parse(out) as { packets: { type: string | null; hex: string }[] }) };
}

const CONNECT = '100c00044d5154540402003c0000';

describe('decode [input]: a file if it opens, else data', () => {
  test.each([
    ['hex after a label', 'hello: 10 0C 00 04 4D 51 54 54 04 02 00 3C 00 00'],
    ['base64 without --input', 'EAwABE1RVFQEAgA8AAA='],
    ['a decimal list', '16,12,0,4,77,81,84,84,4,2,0,60,0,0'],
    ['a C string literal', '"\\x10\\x0c\\x00\\x04MQTT\\x04\\x02\\x00<\\x00\\x00"'],
    ['C char literals in an initialiser', "{0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0}"],
  ])('%s', async (_name, arg) => {
    const r = await decode([arg]);
    expect(r.err).toBe('');
    expect(r.json!.packets.map((p) => p.hex)).toEqual([CONNECT]);
  });

  test('an existing file of that name wins over reading the name as hex', async () => {
    const r = await decode(['c0'], { files: { c0: '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00\n' } });
    expect(r.json!.packets.map((p) => p.hex)).toEqual([CONNECT]);
  });

  test.each([
    ['no file, no bytes', ['capture.pcap'], /^mqtt-sign: capture\.pcap is not a file \(ENOENT\) and not readable as bytes; line 1: no hex bytes found in capture\.pcap/],
    ['no file, odd hex', ['10 0C 0'], /^mqtt-sign: 10 0C 0 is not a file \(ENOENT\) and not readable as bytes; line 1: 0 has an odd number of hex digits/],
    ['--input base64 !!!', ['!!!', '--input', 'base64'], /^mqtt-sign: !!! is not a file \(ENOENT\) and not readable as bytes; !!! is not base64/],
    // Was read as binary packet bytes (exit 1, a malformed packet) because of the control character: an argument is text.
    ['no file, text with a control character', ['\x01hello'], /^mqtt-sign: \\x01hello is not a file \(ENOENT\) and not readable as bytes; line 1: no hex bytes found in \\x01hello/],
  ])('%s: one line, exit 2', async (_name, args, expected) => {
    const r = await decode(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(expected);
    expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  test('a file that exists but cannot be read is a file error, not data', async () => {
    const f = fakeIo();
    f.io.streamFile = async function* () {
      yield* [];
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    const code = await main(['decode', 'secret.pcap'], f.io);
    expect(code).toBe(2);
    expect(f.stderr()).toMatch(/cannot read secret\.pcap: EACCES/);
  });

  test('zh: both reasons in Chinese', async () => {
    const f = fakeIo({ env: { LANG: 'zh_CN.UTF-8' } });
    const code = await main(['decode', 'capture.pcap', '--lang', 'zh'], f.io);
    expect(code).toBe(2);
    expect(f.stderr()).toContain('capture.pcap 不是文件（ENOENT），也无法作为字节读取');
  });
});

describe('decode "C0" (issue 10 item 7)', () => {
  test('a lone first byte is a cut-off packet, not bytes after one', async () => {
    const f = fakeIo();
    const code = await main(['decode', 'C0'], f.io);
    expect(code).toBe(1);
    expect(f.stdout()).toContain('the data ends inside the fixed header of a pingreq packet: its Remaining Length is missing');
    expect(f.stdout()).not.toContain('after the last packet');
  });
  test('a PUBLISH cut inside its Remaining Length', async () => {
    const f = fakeIo();
    await main(['decode', '30 80'], f.io);
    expect(f.stdout()).toContain('the data ends inside the fixed header of a publish packet');
  });
});

describe("decode of this tool's own --format at output", () => {
  async function script(modem: string): Promise<string> {
    const f = fakeIo();
    const args = ['generic', '--host', 'h.example.com', '--client-id', 'd', '--username', 'u', '--password', 'p', '--publish', 't'];
    expect(await main([...args, '--payload', '0123', '--format', 'at', '--modem', modem], f.io)).toBe(0);
    return f.stdout();
  }

  test.each(['esp8266', 'sim800', 'sim7600', 'quectel'])('%s: the packets it sends, client → broker', async (modem) => {
    const r = await decode(['s.txt'], { files: { 's.txt': await script(modem) } });
    expect(r.err).toBe('');
    expect(r.json!.packets.map((p) => p.type)).toEqual(['connect', 'publish']);
  });

  // The payload after AT+MQTTPUBRAW's / AT+CMQTTPAYLOAD's prompt is not a packet; the modem builds the packets.
  test.each(['esp-at-mqtt', 'quectel-mqtt', 'simcom-mqtt'])('%s: says it is a command log, exit 2', async (modem) => {
    const r = await decode(['s.txt'], { files: { 's.txt': await script(modem) } });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/this is a modem MQTT command log .*: the modem builds the packets/);
  });
});

// Serial.print(b) without HEX prints decimal (16 12 0 4 …): the hex reading stays what decode shows, and when it has
// a problem while the decimal reading decodes without one, one line says so with the fix.
describe('decode of bytes printed in decimal', () => {
  const DECIMAL = '16 12 0 4 77 81 84 84 4 2 0 60 0 0';
  const NOTE = /^read as decimal, the numbers decode as MQTT without a problem \(packets: 1\): the bytes look printed in decimal \(Serial\.print\(b\) without HEX\), so the hex reading above is probably not what was sent \(print the bytes in hex: Serial\.print\(b, HEX\) or printf\("%02X ", b\)\)$/m;

  async function table(args: string[], options: FakeIoOptions = {}) {
    const f = fakeIo(options);
    const code = await main(['decode', ...args], f.io);
    return { code, out: f.stdout(), err: f.stderr() };
  }

  test('table: the hex reading, its problem, then the note after the summary; exit 1', async () => {
    const r = await table([DECIMAL]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('16 12 00 04 77 81 84 84 04 02 00 60 00 00');
    expect(r.out).toMatch(NOTE);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(NOTE);
  });

  test('Serial.println(b): one number a line, from stdin', async () => {
    const r = await table(['-'], { stdin: `${DECIMAL.split(' ').join('\r\n')}\r\n` });
    expect(r.out).toMatch(NOTE);
  });

  test('after a TX: label, in one direction', async () => {
    const r = await table([`TX: ${DECIMAL}`]);
    expect(r.out).toMatch(NOTE);
  });

  test('json: the packets are the hex reading, the note is one line on stderr', async () => {
    const r = await decode([DECIMAL]);
    expect(r.json!.packets.map((p) => p.hex)).toEqual(['1612000477818484040200600000']);
    expect(r.err).toMatch(NOTE);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('zh', async () => {
    const r = await table([DECIMAL, '--lang', 'zh']);
    expect(r.out).toContain('这些数字按十进制读取可解码为没有问题的 MQTT（报文：1）');
  });

  test.each([
    ['the hex reading has no problem', '20 2 0 0'],
    ['the decimal reading has a problem too', '16 12 0 4'],
    ['a token has a leading zero (not what Serial.print(b) prints)', '16 12 00 04 77 81 84 84 04 02 00 60 00 00'],
    ['a line holds a hex letter', `${DECIMAL}\nC0 0`],
    ['two directions', `TX: ${DECIMAL}\nRX: 32 2 0 0`],
    ['a 0x list', '0x16 0x12 0x0 0x4 0x77 0x81 0x84 0x84 0x4 0x2 0x0 0x60 0x0 0x0'],
  ])('no note when %s', async (_name, input) => {
    const r = await table([input]);
    expect(r.out).not.toContain('read as decimal');
    expect(r.err).not.toContain('read as decimal');
  });

  test('a number of three digits is refused as decimal, with the fix', async () => {
    const r = await table(['48 5 0 1 116 200 201']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/line 1: 116 is not a hex byte, and the line reads as decimal numbers 0-255: printed with Serial\.print\(b\) without HEX\? \(print the bytes in hex: Serial\.print\(b, HEX\)/);
  });
});
