// `mqtt-sign decode` through main() with a fake Io, and once through the built bin on a real capture.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';
import { Conversation, LINK, fragment4, frames, hexBytes, ipv4, pcapFile } from './helpers/pcap-builder.js';

const CONNECT = '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00';
const captures = new URL('./fixtures/captures/', import.meta.url);
const capture = (name: string) => readFileSync(new URL(name, captures));

async function decode(args: string[], options: FakeIoOptions = {}) {
  const f = fakeIo(options);
  const code = await main(['decode', ...args], f.io);
  return { code, out: f.stdout(), err: f.stderr() };
}

/** A capture holding only one TLS conversation (ClientHello to 8883, then application data back). */
function tlsOnlyCapture(): Uint8Array {
  const c = new Conversation({ host: '10.0.0.5', port: 40003 }, { host: '10.0.0.6', port: 8883 });
  const s = [...c.handshake(), ...c.send(true, hexBytes('16 03 01 00 05 01 00 00 01 00')), ...c.send(false, hexBytes('17 03 03 00 02 c0 00'))];
  return pcapFile(LINK.RAW, frames(LINK.RAW, s));
}

describe('a capture of MQTT over TLS', () => {
  test('decode says which stream is TLS and why it shows no packets', async () => {
    const r = await decode(['tls.pcap'], { files: { 'tls.pcap': tlsOnlyCapture() } });
    expect(r.code).toBe(0);
    expect(r.out).toContain('stream 0 (port 8883) is TLS: the MQTT inside it cannot be read from a capture');
    expect(r.out).toMatch(/capture a test connection in plain TCP/);
  });

  test('verify names TLS instead of "no CONNECT found", exit 1', async () => {
    const f = fakeIo({ files: { 'tls.pcap': tlsOnlyCapture() } });
    const code = await main(['verify', 'generic', 'tls.pcap', '--password', 'x'], f.io);
    expect(code).toBe(1);
    expect(f.stderr()).toMatch(/^mqtt-sign: stream 0 \(port 8883\) is TLS/);
    expect(f.stderr().trim().split('\n')).toHaveLength(1);
  });
});

/** MQTT over WebSocket on 8080: the HTTP upgrade, its answer, then a masked binary frame holding a CONNECT and one holding a CONNACK. */
function webSocketCapture(): Uint8Array {
  const c = new Conversation({ host: '10.0.0.5', port: 40000 }, { host: '10.0.0.6', port: 8080 });
  const text = (t: string) => new TextEncoder().encode(t);
  const upgrade = 'GET /mqtt HTTP/1.1\r\nHost: broker\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Version: 13\r\n\r\n';
  const answer = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n';
  const connect = hexBytes(CONNECT).map((b, i) => b ^ [1, 2, 3, 4][i % 4]!);
  const s = [
    ...c.handshake(),
    ...c.send(true, text(upgrade)),
    ...c.send(false, text(answer)),
    ...c.send(true, Uint8Array.from([0x82, 0x80 | connect.length, 1, 2, 3, 4, ...connect])),
    ...c.send(false, hexBytes('82 04 20 02 00 00')),
  ];
  return pcapFile(LINK.ETHERNET, frames(LINK.ETHERNET, s));
}

describe('a capture of MQTT over WebSocket', () => {
  test('decode says which stream is WebSocket and that its packets are not shown', async () => {
    const r = await decode(['ws.pcap', '--format', 'json'], { files: { 'ws.pcap': webSocketCapture() } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary.skippedStreams).toEqual([{ stream: 0, port: 8080, reason: 'websocket' }]);
    const table = await decode(['ws.pcap'], { files: { 'ws.pcap': webSocketCapture() } });
    expect(table.out).toContain('stream 0 (port 8080) is MQTT over WebSocket, which decode does not unwrap: its packets are not shown');
  });

  test('verify names WebSocket instead of "no CONNECT found", exit 1', async () => {
    const f = fakeIo({ files: { 'ws.pcap': webSocketCapture() } });
    expect(await main(['verify', 'generic', 'ws.pcap', '--password', 'x'], f.io)).toBe(1);
    expect(f.stderr()).toMatch(/^mqtt-sign: stream 0 \(port 8080\) is MQTT over WebSocket/);
  });
});

describe('a capture of a link type decode does not read', () => {
  // PPP (link type 9): address, control, protocol 0x0021 (IPv4), then a CONNECT that decode cannot reach.
  const c = new Conversation({ host: '10.0.0.5', port: 40000 }, { host: '10.0.0.6', port: 1883 });
  const segments = [...c.handshake(), ...c.send(true, hexBytes(CONNECT))];
  const ppp = pcapFile(9, segments.map((s, i) => ({ time: 1_700_000_000 + i, data: Uint8Array.from([0xff, 0x03, 0x00, 0x21, ...ipv4(s)]) })));

  test('says how many frames it left and of which link type, exit 1 (it said "packets: 0, problems: 0", exit 0)', async () => {
    const r = await decode(['ppp.pcap'], { files: { 'ppp.pcap': ppp } });
    expect(r.code).toBe(1);
    expect(r.out).toContain('4 frames of link type 9 were not read: decode and verify read Ethernet, Linux cooked (SLL, SLL2), BSD loopback and raw IP frames');
    const json = await decode(['ppp.pcap', '--format', 'json'], { files: { 'ppp.pcap': ppp } });
    expect(JSON.parse(json.out).summary).toMatchObject({ packets: 0, unreadFrames: 4, unreadLinkType: 9 });
  });

  test('verify names the link type instead of "no CONNECT packet found", exit 1 as before', async () => {
    const f = fakeIo({ files: { 'ppp.pcap': ppp } });
    const code = await main(['verify', 'generic', 'ppp.pcap', '--password', 'x'], f.io);
    expect(code).toBe(1);
    expect(f.stderr()).toMatch(/^mqtt-sign: 4 frames of link type 9 were not read: decode and verify read Ethernet/);
  });
});

describe('a capture of TCP in IP fragments', () => {
  // The CONNECT in three IPv4 fragments of 8 bytes; `keep` picks which of them were captured.
  const capture = (keep: number[]) => {
    const c = new Conversation({ host: '10.0.0.5', port: 40000 }, { host: '10.0.0.6', port: 1883 });
    const [syn, synAck, ack] = c.handshake().map(ipv4);
    const parts = fragment4(ipv4(c.send(true, hexBytes(CONNECT))[0]!), 16);
    const ips = [syn!, synAck!, ack!, ...keep.map((i) => parts[i]!)];
    return pcapFile(LINK.RAW, ips.map((data, i) => ({ time: 1_700_000_000 + i, data })));
  };

  test('the CONNECT is reassembled from its fragments (it was dropped: "packets: 0, problems: 0", exit 0)', async () => {
    const r = await decode(['frag.pcap', '--format', 'json'], { files: { 'frag.pcap': capture([0, 1, 2]) } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary).toMatchObject({ packets: 1, problems: 0, unreadFragments: 0 });
  });

  test('fragments whose datagram never completes are counted in the summary, exit 1', async () => {
    const r = await decode(['frag.pcap'], { files: { 'frag.pcap': capture([0, 2]) } });
    expect(r.code).toBe(1);
    expect(r.out).toContain('2 frames held IP fragments of TCP that were not reassembled');
    const json = await decode(['frag.pcap', '--format', 'json'], { files: { 'frag.pcap': capture([0, 2]) } });
    expect(JSON.parse(json.out).summary).toMatchObject({ packets: 0, unreadFragments: 2 });
  });

  test('verify names the fragments instead of "no CONNECT packet found", exit 1 as before', async () => {
    const f = fakeIo({ files: { 'frag.pcap': capture([0, 2]) } });
    const code = await main(['verify', 'generic', 'frag.pcap', '--password', 'x'], f.io);
    expect(code).toBe(1);
    expect(f.stderr()).toMatch(/^mqtt-sign: 2 frames held IP fragments of TCP that were not reassembled/);
  });
});

describe('decode', () => {
  test('a hex argument: the annotated table, exit 0', async () => {
    const r = await decode([CONNECT]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('#0  CONNECT  offset 0, 14 bytes');
    expect(r.out).toMatch(/4\s+4D 51 54 54\s+Protocol Name\s+"MQTT"/);
    expect(r.out).toContain('packets: 1, problems: 0');
  });

  test('json: exactly the schema of the issue, null stream/direction/time for plain bytes', async () => {
    const r = await decode(['30 0d 00 03 61 2f 62 ff fe 68 69 00 00 00 00', '--format', 'json']);
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual(['packets', 'summary']);
    expect(json.summary).toEqual({ packets: 1, streams: 0, problems: 0, skippedStreams: [], truncatedFrames: 0, snaplen: null, unreadFrames: 0, unreadLinkType: null, unreadFragments: 0, interrupted: false });
    const p = json.packets[0];
    expect(Object.keys(p)).toEqual(['index', 'stream', 'direction', 'time', 'offset', 'length', 'hex', 'type', 'packet', 'fields', 'problems']);
    expect(p).toMatchObject({ index: 0, stream: null, direction: null, time: null, offset: 0, length: 15, type: 'publish', problems: [] });
    expect(p.hex).toBe('300d0003612f62fffe686900000000');
    // The bytes appear once, in hex: a binary value is where it sits in them, plus utf8 when it is valid UTF-8.
    expect(p.packet.payload).toEqual({ offset: 7, length: 8 });
    expect(p.hex.slice(7 * 2, (7 + 8) * 2)).toBe('fffe686900000000');
    expect(Object.keys(p.fields[0])).toEqual(['name', 'offset', 'length', 'value']);
    // A field whose value would only repeat its bytes has none.
    const payload = p.fields.find((f: { name: string }) => f.name === 'Payload');
    expect(payload).toEqual({ name: 'Payload', offset: 7, length: 8 });
    expect(r.out.split('fffe6869').length - 1).toBe(1);
    expect(r.code).toBe(0);
  });

  test('json: a valid UTF-8 binary value carries its text', async () => {
    const r = await decode(['30 07 00 01 74 68 65 6c 6c', '--format', 'json']);
    expect(JSON.parse(r.out).packets[0].packet.payload).toEqual({ offset: 5, length: 4, utf8: 'hell' });
  });

  test.each([
    ['piped stdin (no argument)', [], { stdin: `${CONNECT}\n` }],
    ['stdin as -', ['-'], { stdin: CONNECT }],
    ['a text file', ['dump.txt'], { files: { 'dump.txt': `00000000: 100c 0004 4d51 5454 0402 003c 0000  ....MQTT...<..\n` } }],
    ['a binary file', ['packet.bin'], { files: { 'packet.bin': Uint8Array.from(Buffer.from(CONNECT.replace(/ /g, ''), 'hex')) } }],
    ['base64', ['EAwABE1RVFQEAgA8AAA=', '--input', 'base64'], {}],
    ['a C array argument', ['static const uint8_t p[] = { 0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00 };'], {}],
  ] as const)('input from %s', async (_name, args, options) => {
    const r = await decode([...args, '--format', 'json'], options);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).packets.map((p: { type: string }) => p.type)).toEqual(['connect']);
    expect(r.code).toBe(0);
  });

  test('a capture file: time, stream and direction of each packet', async () => {
    const r = await decode(['cap.pcap', '--format', 'json'], { files: { 'cap.pcap': capture('mqtt31-basic.pcap') } });
    const packets = JSON.parse(r.out).packets;
    expect(packets).toHaveLength(23);
    expect(packets[1]).toMatchObject({ index: 1, stream: 0, direction: 'broker->client', type: 'connack', time: 0.000297 });
    expect(r.code).toBe(0);
  });

  test('table for a capture says where each packet was', async () => {
    const r = await decode(['cap.pcapng'], { files: { 'cap.pcapng': capture('mqtt-bad-password.pcapng') } });
    expect(r.out).toContain('#1  CONNACK  stream 0  broker → client  t=0.000368s (frame 6)');
    expect(r.out).toContain('packets: 8 in 4 TCP streams, problems: 0');
  });

  test('a malformed packet: its diagnosis with the fix, exit 1', async () => {
    const r = await decode(['00 04 4d 51 54 54 04 02 00 3c 00 00']);
    expect(r.out).toContain('MALFORMED');
    expect(r.out).toContain('✗ the fixed header is missing');
    expect(r.out).toContain('put 10 0c in front');
    expect(r.code).toBe(1);
    const json = JSON.parse((await decode(['10 0b 00 04 4d 51 54 54 04 02 00 3c 00 00', '--format', 'json'])).out);
    expect(json.packets[0]).toMatchObject({ type: null, packet: null, fields: [], problems: [{ code: 'capture.problem.remaining-length' }] });
    expect(json.packets[0].problems[0].message).toContain('set the Remaining Length to 12: 0c');
  });

  test('--protocol 5 reads packets before any CONNECT as 5.0', async () => {
    const r = await decode(['20 03 00 00 00', '--protocol', '5', '--format', 'json']);
    expect(JSON.parse(r.out).packets[0].packet).toMatchObject({ cmd: 'connack', reasonCode: 0 });
  });

  test('Chinese', async () => {
    const r = await decode(['00 04 4d 51 54 54 04 02 00 3c 00 00', '--lang', 'zh']);
    expect(r.out).toContain('缺少固定报头');
    expect(r.out).toContain('偏移');
  });

  test.each([
    ['no input on a terminal', [], { stdinTTY: true }, 'no input'],
    ['a file that does not exist', ['nope.pcap'], {}, 'nope.pcap is not a file (ENOENT) and not readable as bytes'],
    ['odd hex', ['10 0c 0'], {}, 'odd number of hex digits'],
    ['an unknown format', [CONNECT, '--format', 'yaml'], {}, 'yaml'],
    ['an empty string', [''], {}, 'the input is empty'],
    ['only blanks', ['  \n '], {}, 'the input is empty'],
    ['empty stdin', ['-'], { stdin: '' }, 'the input is empty'],
  ] as const)('usage error: %s → exit 2, one line', async (_name, args, options, text) => {
    const r = await decode([...args], options);
    expect(r.code).toBe(2);
    expect(r.err).toContain(text);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  test('a corrupt capture: the packets before the damage, then one error line, exit 1', async () => {
    const whole = capture('zeek-mqtt31.pcap');
    const r = await decode(['cut.pcap', '--format', 'json'], { files: { 'cut.pcap': whole.subarray(0, whole.length - 10) } });
    expect(JSON.parse(r.out).packets.length).toBeGreaterThan(10);
    expect(r.err).toContain('ends inside a record');
    expect(r.code).toBe(1);
  });

  test('the built bin streams a capture from a file', () => {
    const bin = new URL('../bin/mqtt-sign.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'decode', new URL('zeek-mqtt31.pcap', captures).pathname, '--format', 'json'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).packets).toHaveLength(20);
    expect(r.status).toBe(0);
  });
});
