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
