// The shared captures (copied from /work/shared/captures with their tshark-decoded .json sidecars) decode to
// exactly the packets tshark found: type, bytes, stream, direction, time, frame and the main fields.
import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readCapture } from '../src/capture/read.js';
import type { CapturedPacket } from '../src/capture/packet.js';

const dir = new URL('./fixtures/captures/', import.meta.url);
const names = ['mqtt-bad-password', 'mqtt31-basic', 'mqtt311-qos-retain', 'zeek-mqtt31'];

interface SidecarPacket {
  index: number;
  frame: number;
  time: number;
  tcpStream: number;
  direction: string;
  mqttVersion: string;
  type: string;
  rawHex: string;
  [key: string]: unknown;
}

const cases = names.flatMap((name) => {
  const sidecar = JSON.parse(readFileSync(new URL(`${name}.pcap.json`, dir), 'utf8')) as { packetCount: number; packets: SidecarPacket[] };
  return ['pcap', 'pcapng']
    .filter((ext) => existsSync(new URL(`${name}.${ext}`, dir)))
    .map((ext) => ({ file: `${name}.${ext}`, sidecar }));
});

/** The file in chunks of an odd size, so records and packets straddle chunk boundaries. */
async function decodeFile(file: string, chunk = 997): Promise<CapturedPacket[]> {
  const bytes = readFileSync(new URL(file, dir));
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
  }
  const out: CapturedPacket[] = [];
  for await (const p of readCapture(chunks())) out.push(p);
  return out;
}

const hex = (b: Uint8Array | string | undefined) => (b === undefined ? undefined : Buffer.from(b as Uint8Array).toString('hex'));
const VERSION: Record<string, number> = { '3.1': 3, '3.1.1': 4, '5.0': 5 };

/** The sidecar's fields (tshark's names) as mqtt-packet's, for the packet types that carry them. */
function expectedFields(s: SidecarPacket): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const map: [string, string, (v: any) => unknown][] = [
    ['protocolName', 'protocolId', (v) => v],
    ['protocolVersion', 'protocolVersion', (v) => v],
    ['keepAlive', 'keepalive', (v) => v],
    ['clientId', 'clientId', (v) => v],
    ['username', 'username', (v) => v],
    ['cleanSession', 'clean', (v) => v],
    ['sessionPresent', 'sessionPresent', (v) => v],
    ['returnCode', 'returnCode', (v) => v],
    ['reasonCode', 'reasonCode', (v) => v],
    ['packetId', 'messageId', (v) => v],
    ['topic', 'topic', (v) => v],
    ['qos', 'qos', (v) => v],
    ['retain', 'retain', (v) => v],
    ['dup', 'dup', (v) => v],
    ['topicFilters', 'subscriptions', (v: { topic: string; qos: number }[]) => v.map((f) => expect.objectContaining({ topic: f.topic, qos: f.qos }))],
    ['returnCodes', 'granted', (v) => v],
  ];
  for (const [from, to, convert] of map) if (s[from] !== undefined) out[to] = convert(s[from]);
  if (s.type === 'UNSUBSCRIBE') {
    delete out.subscriptions;
    out.unsubscriptions = (s.topicFilters as { topic: string }[]).map((f) => f.topic);
  }
  // A 3.x UNSUBACK has no reason codes; tshark lists none, the packet object leaves `granted` out.
  if (s.type === 'UNSUBACK' && (s.returnCodes as unknown[]).length === 0) delete out.granted;
  return out;
}

describe.each(cases)('$file', ({ file, sidecar }) => {
  test('every packet tshark found, in order, with its stream, direction, time and frame', async () => {
    const packets = await decodeFile(file);
    expect(packets).toHaveLength(sidecar.packetCount);
    packets.forEach((p, i) => {
      const s = sidecar.packets[i]!;
      expect(p.problems, `packet ${i}`).toEqual([]);
      expect({ i, type: p.packet?.cmd.toUpperCase(), hex: hex(p.bytes), stream: p.stream, direction: p.direction, frame: p.frame }).toEqual({
        i,
        type: s.type,
        hex: s.rawHex,
        stream: s.tcpStream,
        direction: s.direction,
        frame: s.frame,
      });
      expect(p.protocolVersion).toBe(VERSION[s.mqttVersion]);
      // The sidecar's times are tshark's microseconds; pcapng holds nanoseconds.
      expect(Math.abs(p.time! - s.time)).toBeLessThan(2e-6);
      expect(p.packet).toMatchObject(expectedFields(s));
      if (s.passwordHex !== undefined) expect(hex((p.packet as { password: Uint8Array }).password)).toBe(s.passwordHex);
      if (s.payloadHex !== undefined) expect(hex((p.packet as { payload: Uint8Array }).payload)).toBe(s.payloadHex);
    });
  });

  test('the fields of every packet tile its bytes', async () => {
    const packets = await decodeFile(file, 1 << 20);
    expect(packets).toHaveLength(sidecar.packetCount);
    for (const p of packets) {
      let at = 0;
      for (const f of p.fields) {
        expect(f.offset).toBe(at);
        at += f.length;
      }
      expect(at).toBe(p.bytes.length);
    }
  });
});
