// pcap / pcapng readers and the link/IP/TCP layers, on the shared captures and on files built here.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { MqttSignError } from '../src/errors.js';
import type { Frame, FrameReader } from '../src/capture/frame.js';
import { PcapReader } from '../src/capture/pcap.js';
import { PcapngReader } from '../src/capture/pcapng.js';
import { captureFormat } from '../src/capture/sniff.js';
import { addressText, segmentOf } from '../src/capture/ip.js';
import { ACK, FIN, LINK, LINK_CASES, PSH, frames, hexBytes, ipv4, ipv6, link, pcapFile, pcapngFile } from './helpers/pcap-builder.js';

const dir = new URL('./fixtures/captures/', import.meta.url);

/** Read a file through a reader in chunks of `size` bytes, copying each frame (views are only valid until the next push). */
function readAll(reader: FrameReader, bytes: Uint8Array, size = 1 << 20): Frame[] {
  const out: Frame[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    reader.push(bytes.subarray(at, at + size), (f) => out.push({ ...f, data: f.data.slice() }));
  }
  reader.end();
  return out;
}

/** n bytes that differ from record to record, so a mixed-up join shows. */
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

/** A pcap file of one RAW record holding `data` (built here: the builder spreads its bytes, too many for the stack). */
function bigPcap(data: Uint8Array): Buffer {
  const record = Buffer.alloc(16);
  record.writeUInt32LE(1, 0);
  record.writeUInt32LE(data.length, 8);
  record.writeUInt32LE(data.length, 12);
  return Buffer.concat([pcapFile(LINK.RAW, []), record, data]);
}

/** A pcapng file of one RAW Enhanced Packet Block holding `data`. */
function bigPcapng(data: Uint8Array): Buffer {
  // The builder's section and interface blocks, then the EPB written here.
  const small = pcapngFile(frames(LINK.RAW, [seg]));
  const head = small.subarray(0, small.length - new DataView(small.buffer, small.byteOffset).getUint32(small.length - 4, true));
  const padded = Math.ceil(data.length / 4) * 4;
  const block = Buffer.alloc(32 + padded);
  block.writeUInt32LE(6, 0);
  block.writeUInt32LE(block.length, 4);
  block.writeUInt32LE(data.length, 20);
  block.writeUInt32LE(data.length, 24);
  Buffer.from(data).copy(block, 28);
  block.writeUInt32LE(block.length, block.length - 4);
  return Buffer.concat([head, block]);
}

/** The file with its last block's trailing length one more than its leading one. */
function trailerOff(file: Uint8Array): Uint8Array {
  const out = Uint8Array.from(file);
  const view = new DataView(out.buffer);
  view.setUint32(out.length - 4, view.getUint32(out.length - 4, true) + 4, true);
  return out;
}

/** Length of the file header (and, for pcapng, section and interface blocks) before the first record. */
const headerLength = (file: Buffer) => (captureFormat(file) === 'pcap' ? 24 : file.length - file.readUInt32LE(file.length - 4));

function reader(bytes: Uint8Array): FrameReader {
  return captureFormat(bytes) === 'pcap' ? new PcapReader() : new PcapngReader();
}

// Frame counts as `capinfos` reports them for the files in /work/shared/captures.
const files = [
  ['mqtt-bad-password', 40],
  ['mqtt31-basic', 49],
  ['mqtt311-qos-retain', 140],
] as const;

describe('shared captures', () => {
  test.each(files)('%s: pcap and pcapng hold the same %i frames', (name, count) => {
    const pcap = readAll(new PcapReader(), readFileSync(new URL(`${name}.pcap`, dir)));
    const ng = readAll(new PcapngReader(), readFileSync(new URL(`${name}.pcapng`, dir)));
    expect(pcap).toHaveLength(count);
    expect(ng).toHaveLength(count);
    ng.forEach((f, i) => {
      const p = pcap[i]!;
      expect(Buffer.from(f.data).equals(Buffer.from(p.data))).toBe(true);
      expect(f.number).toBe(i + 1);
      // pcap stores microseconds, pcapng (dumpcap) nanoseconds of the same instant.
      expect(Math.abs((f.sec - p.sec) * 1e9 + f.nsec - p.nsec)).toBeLessThan(2000);
      expect(f.linkType).toBe(1);
    });
  });

  test.each([1, 7, 100, 4096])('chunk size %i gives the same frames', (size) => {
    const bytes = readFileSync(new URL('mqtt311-qos-retain.pcapng', dir));
    const whole = readAll(new PcapngReader(), bytes);
    const chunked = readAll(new PcapngReader(), bytes, size);
    expect(chunked.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(whole.map((f) => Buffer.from(f.data).toString('hex')));
    const pcap = readFileSync(new URL('zeek-mqtt31.pcap', dir));
    expect(readAll(new PcapReader(), pcap, size)).toHaveLength(19);
  });
});

const seg = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 1883, seq: 0xfffffff0, flags: ACK | PSH, payload: hexBytes('c000') };
const seg6 = { ...seg, src: '2001:db8::1', dst: 'fe80::1:2' };

describe('link layers to TCP', () => {
  test.each(LINK_CASES)('%s, IPv4 and IPv6 (with extension headers)', (_name, type) => {
    for (const [s, ip] of [
      [seg, ipv4(seg)],
      [seg6, ipv6(seg6, true)],
    ] as const) {
      const got = segmentOf(type, link(type, ip));
      expect([addressText(got!.src), addressText(got!.dst)]).toEqual([s.src, s.dst]);
      expect(got).toMatchObject({ srcPort: 40000, dstPort: 1883, seq: 0xfffffff0, flags: ACK | PSH });
      // Ethernet padding is not payload: the IP length bounds it.
      expect(Buffer.from(got!.payload).toString('hex')).toBe('c000');
    }
  });

  test('DLT_RAW as old libpcap wrote it: 12 elsewhere, 14 on OpenBSD (14 was not read)', () => {
    for (const type of [12, 14]) {
      expect(segmentOf(type, ipv4(seg))).toMatchObject({ srcPort: 40000, dstPort: 1883 });
      expect(segmentOf(type, ipv6(seg6, true))).toMatchObject({ srcPort: 40000, dstPort: 1883 });
    }
  });

  test('IPv6 with an Authentication Header (length in 4-byte units, +2) before TCP (it gave nothing)', () => {
    // AH with a 96-bit ICV: 12 fixed bytes + 12 = 24 bytes, payload length field (24 / 4) - 2 = 4.
    const plain = ipv6(seg6);
    const ah = [6, 4, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, 1, ...Array(12).fill(0xaa)];
    const ip = Uint8Array.from([...plain.subarray(0, 40), ...ah, ...plain.subarray(40)]);
    ip[6] = 51;
    ip[5] = ip[5]! + ah.length;
    const got = segmentOf(LINK.RAW, ip);
    expect(got).toMatchObject({ srcPort: 40000, dstPort: 1883, seq: 0xfffffff0 });
    expect(Buffer.from(got!.payload).toString('hex')).toBe('c000');
  });

  test('non-TCP and unknown link types give nothing', () => {
    const udp = ipv4(seg);
    udp[9] = 17;
    expect(segmentOf(LINK.RAW, udp)).toBeNull();
    expect(segmentOf(147, ipv4(seg))).toBeNull();
    expect(segmentOf(LINK.ETHERNET, Uint8Array.of(1, 2, 3))).toBeNull();
    const fragment = ipv4(seg);
    fragment[6] = 0x20; // more fragments
    expect(segmentOf(LINK.RAW, fragment)).toBeNull();
  });
});

describe('files built here', () => {
  const segments = [seg, { ...seg, flags: FIN | ACK, payload: undefined }];
  test.each([
    ['pcap µs little-endian', {}],
    ['pcap ns big-endian', { nano: true, bigEndian: true }],
  ])('%s', (_name, opts) => {
    const file = pcapFile(LINK.SLL2, frames(LINK.SLL2, segments, 1_700_000_000.25), opts);
    const got = readAll(new PcapReader(), file, 5);
    // Microseconds: the builder's float seconds are exact only that far.
    expect(got.map((f) => [f.sec, Math.round(f.nsec / 1000), f.linkType])).toEqual([
      [1_700_000_000, 250_000, LINK.SLL2],
      [1_700_000_000, 251_000, LINK.SLL2],
    ]);
  });

  test('pcapng with two interfaces of different link types and nanosecond stamps', () => {
    const file = pcapngFile([...frames(LINK.ETHERNET, [seg], 1_800_000_000.5), ...frames(LINK.NULL, [seg6], 1_800_000_001)]);
    const got = readAll(reader(file), file, 3);
    expect(got.map((f) => [f.number, f.sec, f.nsec, f.linkType])).toEqual([
      [1, 1_800_000_000, 500_000_000, LINK.ETHERNET],
      [2, 1_800_000_001, 0, LINK.NULL],
    ]);
    expect(addressText(segmentOf(got[1]!.linkType, got[1]!.data)!.src)).toBe('2001:db8::1');
  });

  // A record larger than a chunk was rebuilt as "all of it so far + the new chunk" on every chunk: 200 MB of 16 MB
  // records took 17 s. Counted, not timed: the bytes copied into typed arrays while reading, which must stay within
  // the file's own size (each record copied once when it is whole), where the rebuilding copied 86× the file here.
  test.each([
    ['pcap', (data: Uint8Array) => bigPcap(data)],
    ['pcapng', (data: Uint8Array) => bigPcapng(data)],
  ])('%s: records much larger than a chunk are joined once, not once per chunk', (_name, make) => {
    const records = [pattern(4 << 20, 1), pattern(3 << 20, 2), pattern(100, 3)];
    const file = Buffer.concat(records.map((r) => make(r)).map((f, i) => (i === 0 ? f : f.subarray(headerLength(f)))));
    const proto = Object.getPrototypeOf(Uint8Array.prototype) as { set: (src: ArrayLike<number>, at?: number) => void };
    const set = proto.set;
    let copied = 0;
    const got: Frame[] = [];
    proto.set = function (this: Uint8Array, src: ArrayLike<number>, at?: number) {
      copied += src.length;
      return set.call(this, src, at);
    };
    try {
      const r = reader(file);
      for (let at = 0; at < file.length; at += 65536) r.push(file.subarray(at, at + 65536), (f) => got.push({ ...f, data: f.data.slice() }));
      r.end();
    } finally {
      proto.set = set;
    }
    expect(got.map((f) => Buffer.compare(f.data, records[f.number - 1]!))).toEqual([0, 0, 0]);
    expect(copied).toBeLessThanOrEqual(file.length);
  });

  test.each([
    ['not a capture', Uint8Array.from(Buffer.from('hello world, not a capture file')), 'capture.file.header'],
    ['pcap cut inside a record', pcapFile(LINK.RAW, [{ time: 1, data: ipv4(seg) }]).subarray(0, 50), 'capture.file.truncated'],
    ['pcap with an absurd record length', Uint8Array.from([...pcapFile(LINK.RAW, []), 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]), 'capture.file.record'],
    ['pcapng cut inside a block', pcapngFile(frames(LINK.RAW, [seg])).subarray(0, 70), 'capture.file.truncated'],
    ['pcapng header only half there', pcapngFile([]).subarray(0, 8), 'capture.file.header'],
    // Was accepted silently: the length at a block's end must repeat the one at its start.
    ['pcapng block whose trailing length differs', trailerOff(pcapngFile(frames(LINK.RAW, [seg]))), 'capture.file.trailer'],
  ])('%s', (_name, bytes, code) => {
    const r = captureFormat(bytes) === 'pcapng' ? new PcapngReader() : new PcapReader();
    let error: unknown;
    try {
      readAll(r, bytes, 16);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MqttSignError);
    expect((error as MqttSignError).code).toBe(code);
    expect((error as MqttSignError).exitCode).toBe(1);
  });
});
