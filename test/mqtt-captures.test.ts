// Real traffic (mosquitto 2.0.11 and its clients, and Zeek's public MQTT 3.1 sample), from the .json sidecars in
// test/fixtures/captures (copied from shared/captures; each names its source). Every packet's rawHex decodes to
// what tshark read, its fields tile it, and it re-encodes to the same bytes. Each TCP direction, concatenated,
// decodes as one stream. The 5.0 short forms brokers send decode and re-encode to bytes that decode the same.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { decode, decodeAll, encode } from '../src/mqtt/index.js';
import type { ProtocolVersion } from '../src/mqtt/types.js';
import { expectTiled, hex, unhex } from './helpers/mqtt-codec.js';

interface Sidecar {
  capture: string;
  packets: CapturedPacket[];
}

interface CapturedPacket {
  index: number;
  tcpStream: number;
  direction: string;
  mqttVersion: '3.1' | '3.1.1' | '5.0';
  type: string;
  rawHex: string;
  remainingLength: number;
  [field: string]: unknown;
}

const dir = new URL('./fixtures/captures/', import.meta.url);
const sidecars = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Sidecar);
const versions: Record<CapturedPacket['mqttVersion'], ProtocolVersion> = { '3.1': 3, '3.1.1': 4, '5.0': 5 };

const packets = sidecars.flatMap((s) =>
  s.packets.map((p) => ({ ...p, title: `${s.capture} #${p.index} ${p.type} ${p.mqttVersion}`, version: versions[p.mqttVersion] })),
);

/** What tshark read, in our packet model (only the fields its sidecar records). */
function tsharkView(p: CapturedPacket): Record<string, unknown> {
  const view: Record<string, unknown> = { cmd: p.type.toLowerCase() };
  const copy = (from: string, to: string, map = (v: unknown) => v) => {
    if (p[from] !== undefined) view[to] = map(p[from]);
  };
  copy('protocolName', 'protocolId');
  copy('protocolVersion', 'protocolVersion');
  copy('keepAlive', 'keepalive');
  copy('cleanSession', 'clean');
  copy('clientId', 'clientId');
  copy('username', 'username');
  copy('passwordHex', 'password', (v) => unhex(v as string));
  copy('sessionPresent', 'sessionPresent');
  copy('returnCode', 'returnCode');
  copy('reasonCode', 'reasonCode');
  copy('topic', 'topic');
  copy('qos', 'qos');
  copy('dup', 'dup');
  copy('retain', 'retain');
  copy('packetId', 'messageId');
  copy('payloadHex', 'payload', (v) => unhex(v as string));
  if (p.type === 'UNSUBSCRIBE') copy('topicFilters', 'unsubscriptions', (v) => (v as { topic: string }[]).map((f) => f.topic));
  else copy('topicFilters', 'subscriptions');
  // tshark lists no return codes for a 3.x UNSUBACK, which has none.
  if ((p.returnCodes as unknown[] | undefined)?.length) copy('returnCodes', 'granted');
  return view;
}

describe('captured packets', () => {
  test('every sidecar is here and has packets', () => {
    expect(sidecars.map((s) => s.capture).sort()).toEqual(['mqtt-bad-password.pcap', 'mqtt31-basic.pcap', 'mqtt311-qos-retain.pcap', 'public-zeek-mqtt.pcap']);
    expect(packets.length).toBe(8 + 23 + 60 + 20);
  });

  test.each(packets)('$title', (p) => {
    const bytes = unhex(p.rawHex);
    const decoded = decode(bytes, { protocolVersion: p.version });
    expect(decoded.packet).toMatchObject(tsharkView(p));
    expect(decoded.fields.find((f) => f.name === 'Remaining Length')?.value).toBe(p.remainingLength);
    expectTiled(decoded.fields, 0, bytes.length);
    expect(hex(encode(decoded.packet, { protocolVersion: p.version }))).toBe(p.rawHex);
  });

  const byStream = new Map<string, typeof packets>();
  for (const p of packets) {
    const name = `${p.title.split(' ')[0]} stream ${p.tcpStream} ${p.direction}`;
    byStream.set(name, [...(byStream.get(name) ?? []), p]);
  }
  const streams = [...byStream].map(([name, list]) => ({ name, list }));

  test.each(streams)('$name decodes as one stream', ({ list }) => {
    const bytes = unhex(list.map((p) => p.rawHex).join(''));
    // A client stream starts with its CONNECT, which sets the version; the broker's needs to be told.
    const { packets: out, frames, rest, protocolVersion } = decodeAll(bytes, { protocolVersion: list[0]!.version });
    expect(rest.length).toBe(0);
    expect(protocolVersion).toBe(list.at(-1)!.version);
    expect(out.map((p) => p.cmd)).toEqual(list.map((p) => p.type.toLowerCase()));
    expect(frames.map((f) => hex(bytes.subarray(f.offset, f.offset + f.length)))).toEqual(list.map((p) => p.rawHex));
    frames.forEach((f) => expectTiled(f.fields, f.offset, f.length));
  });
});

describe('MQTT 5.0 short forms brokers send', () => {
  test.each([
    ['e000', { cmd: 'disconnect', reasonCode: 0 }, 'e0020000'],
    ['e00104', { cmd: 'disconnect', reasonCode: 4 }, 'e0020400'],
    ['4003000110', { cmd: 'puback', messageId: 1, reasonCode: 0x10 }, '400400011000'],
    ['40020001', { cmd: 'puback', messageId: 1, reasonCode: 0 }, '40020001'],
    ['f000', { cmd: 'auth', reasonCode: 0 }, 'f0020000'],
  ])('%s', (short, packet, canonical) => {
    const opts = { protocolVersion: 5 as const };
    const decoded = decode(unhex(short), opts);
    expect(decoded.packet).toEqual(packet);
    expectTiled(decoded.fields, 0, short.length / 2);
    const again = encode(decoded.packet, opts);
    expect(hex(again)).toBe(canonical);
    expect(decode(again, opts).packet).toEqual(packet);
  });
});
