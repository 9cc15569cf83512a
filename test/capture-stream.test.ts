// TCP reassembly and MQTT splitting on captures built here: each edge case of issue 5 in its own file.
import { describe, expect, test } from 'vitest';
import { encode } from '../src/mqtt/encode.js';
import type { Packet } from '../src/mqtt/types.js';
import { readCapture, readCaptureBatches } from '../src/capture/read.js';
import { TcpReassembler, type SkippedStream } from '../src/capture/stream.js';
import type { CapturedPacket } from '../src/capture/packet.js';
import { ACK, Conversation, FIN, LINK, LINK_CASES, PSH, RST, fragment4, fragment6, frames, hexBytes, ipv4, ipv6, pcapFile, pcapngFile, type Segment } from './helpers/pcap-builder.js';
import type { ReadStats } from '../src/capture/read.js';
import { Defragmenter } from '../src/capture/fragments.js';

const connect = (clientId: string, protocolVersion: 3 | 4 | 5 = 4): Uint8Array => encode({ cmd: 'connect', clientId, protocolVersion, keepalive: 60 });
const connack = (v: 3 | 4 | 5 = 4) => encode({ cmd: 'connack', sessionPresent: false, returnCode: 0, reasonCode: 0 } as Packet, { protocolVersion: v });
const publish = (topic: string, size: number, v: 3 | 4 | 5 = 4, messageId?: number) =>
  encode({ cmd: 'publish', topic, payload: new Uint8Array(size).fill(0x61), qos: messageId ? 1 : 0, messageId } as Packet, { protocolVersion: v });
const puback = (messageId: number, v: 3 | 4 | 5 = 4) => encode({ cmd: 'puback', messageId } as Packet, { protocolVersion: v });
const SYN_ONLY = 0x02;
const cat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

async function decodeFile(file: Uint8Array): Promise<CapturedPacket[]> {
  const out: CapturedPacket[] = [];
  async function* chunks() {
    for (let at = 0; at < file.length; at += 333) yield file.subarray(at, at + 333);
  }
  for await (const p of readCapture(chunks())) out.push(p);
  return out;
}

const summary = (ps: CapturedPacket[]) =>
  ps.map((p) => [p.stream, p.direction, p.packet?.cmd ?? p.problems.map((x) => x.code).join(), p.bytes.length].join(' '));

const client = { host: '192.168.1.20', port: 50000 };
const broker = { host: '192.168.1.10', port: 1883 };

/** A normal session: CONNECT, CONNACK, a big PUBLISH over many segments, several small packets in one segment. */
function session(c = new Conversation(client, broker)): Segment[] {
  return [
    ...c.handshake(),
    ...c.send(true, connect('dev-1')),
    ...c.send(false, connack()),
    ...c.send(true, publish('big', 5000, 4, 7), 1000),
    ...c.send(false, cat(puback(7), publish('a', 3), publish('b', 4))),
    c.fin(true),
    c.fin(false),
  ];
}

const expectedSession = [
  '0 client->broker connect 19',
  '0 broker->client connack 4',
  '0 client->broker publish 5010',
  '0 broker->client puback 4',
  '0 broker->client publish 8',
  '0 broker->client publish 9',
];

describe('reassembly', () => {
  test.each(LINK_CASES)('%s: one packet over many segments, several packets in one segment', async (_name, type) => {
    const got = await decodeFile(pcapFile(type, frames(type, session())));
    expect(summary(got)).toEqual(expectedSession);
    expect(got.every((p) => p.problems.length === 0)).toBe(true);
    // The big PUBLISH completes in the frame of its last segment: handshake 1-3, CONNECT 4, CONNACK 5, segments 6-11.
    expect(got[2]!.frame).toBe(11);
    expect(got[2]!.time).toBeCloseTo(0.01, 6);
  });

  test('IPv6 with extension headers, in pcapng', async () => {
    const c = new Conversation({ host: '2001:db8::20', port: 50000 }, { host: '2001:db8::10', port: 1883 });
    const got = await decodeFile(pcapngFile(frames(LINK.ETHERNET, session(c))));
    expect(summary(got)).toEqual(expectedSession);
  });

  test('segments out of order are put back in order', async () => {
    const s = session();
    // Swap the 2nd and 4th segment of the big PUBLISH, and deliver the last one first.
    const [a, b, c2, d, e] = s.slice(5, 10);
    const shuffled = [...s.slice(0, 5), e!, a!, d!, c2!, b!, ...s.slice(10)];
    expect(summary(await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, shuffled))))).toEqual(expectedSession);
  });

  test('retransmissions, whole and overlapping, are not decoded twice', async () => {
    const s = session();
    const big = s.slice(5, 10);
    const overlap: Segment = { ...big[1]!, seq: big[1]!.seq - 10, payload: cat(big[0]!.payload!.subarray(990), big[1]!.payload!) };
    const withRetx = [...s.slice(0, 7), big[1]!, overlap, big[0]!, ...s.slice(7)];
    expect(summary(await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, withRetx))))).toEqual(expectedSession);
  });

  test('sequence numbers that wrap past 2^32', async () => {
    const c = new Conversation(client, broker, [0xfffffc00, 0xffffffff]);
    expect(summary(await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, session(c)))))).toEqual(expectedSession);
  });

  test('a capture that starts mid-stream resynchronises and tells the client from the broker', async () => {
    const s = session();
    // Start inside the big PUBLISH: no handshake, no CONNECT; v5 packets follow in the broker's direction.
    const got = await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, s.slice(7))));
    // The skipped tail is reported when the client's direction ends, after the broker's packets.
    expect(summary(got)).toEqual([
      '0 broker->client puback 4',
      '0 broker->client publish 8',
      '0 broker->client publish 9',
      '0 client->broker capture.problem.midstream 3010',
    ]);
    expect(got[3]!.problems[0]!.params).toMatchObject({ count: 3010 });
  });

  test('a lost segment is a gap; decoding goes on after it', async () => {
    const c = new Conversation(client, broker);
    const s = [...c.handshake(), ...c.send(true, connect('dev-1')), ...c.send(true, publish('x', 3000), 1000), ...c.send(true, cat(puback(1), puback(2)))];
    const lost = s.filter((_, i) => i !== 5); // the 2nd segment of the PUBLISH
    const got = await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, lost)));
    expect(summary(got)).toEqual(['0 client->broker connect 19', '0 client->broker capture.problem.gap 2006', '0 client->broker puback 4', '0 client->broker puback 4']);
    expect(got[1]!.problems[0]!.params).toMatchObject({ missing: 1000, count: 1000 + 1006 });
  });

  test('a stream cut off mid-packet is reported at the end of the capture', async () => {
    const c = new Conversation(client, broker);
    const s = [...c.handshake(), ...c.send(true, connect('dev-1')), ...c.send(true, publish('x', 3000), 1000)];
    const got = await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, s.slice(0, -1))));
    expect(summary(got)).toEqual(['0 client->broker connect 19', '0 client->broker capture.problem.cut-off 3000']);
    expect(got[1]!.problems[0]!.params).toMatchObject({ type: 'publish', have: 3000, need: 3006 });
  });

  test('MQTT on any port; other TCP and TLS are skipped but counted in stream numbers; a reused 4-tuple is a new stream', async () => {
    const http = new Conversation({ host: '10.0.0.5', port: 40001 }, { host: '10.0.0.6', port: 80 });
    const tls = new Conversation({ host: '10.0.0.5', port: 40003 }, { host: '10.0.0.6', port: 8883 });
    const mqttA = new Conversation({ host: '10.0.0.5', port: 40002 }, { host: '10.0.0.6', port: 9999 });
    const mqttB = new Conversation({ host: '10.0.0.5', port: 40002 }, { host: '10.0.0.6', port: 9999 }, [777, 888]);
    const s = [
      ...http.handshake(),
      ...http.send(true, new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n')),
      ...tls.handshake(),
      ...tls.send(true, hexBytes('16 03 01 00 05 01 00 00 01 00')),
      ...tls.send(false, hexBytes('17 03 03 00 02 c0 00')),
      ...mqttA.handshake(),
      ...mqttA.send(true, connect('a', 5)),
      ...mqttA.send(false, connack(5)),
      mqttA.fin(true),
      mqttA.fin(false),
      ...mqttB.handshake(),
      ...mqttB.send(true, connect('b', 3)),
      { src: '10.0.0.6', dst: '10.0.0.5', sport: 9999, dport: 40002, seq: 889, flags: RST | ACK },
    ];
    const file = pcapFile(LINK.ETHERNET, frames(LINK.ETHERNET, s));
    const got = await decodeFile(file);
    expect(summary(got)).toEqual(['2 client->broker connect 16', '2 broker->client connack 5', '3 client->broker connect 17']);
    expect(got.map((p) => p.protocolVersion)).toEqual([5, 5, 3]);
    // The TLS stream is told to the caller (so decode can say why it shows nothing); plain HTTP is not.
    const skipped: SkippedStream[] = [];
    for await (const _ of readCaptureBatches((async function* () { yield file; })(), (x) => skipped.push(x)));
    expect(skipped).toEqual([{ stream: 1, port: 8883, reason: 'tls' }]);
  });

  test('a SYN or SYN-ACK retransmitted after data is no hole in the stream (tshark: a retransmission)', async () => {
    const c = new Conversation(client, broker);
    const [syn, synAck, ack] = c.handshake();
    const s = [syn!, synAck!, ack!, ...c.send(true, connect('a')), ...c.send(false, connack()), syn!, synAck!];
    s.push(...c.send(true, publish('t', 10)), ...c.send(false, publish('u', 10)), c.fin(true), c.fin(false));
    expect(summary(await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, s))))).toEqual([
      '0 client->broker connect 15',
      '0 broker->client connack 4',
      '0 client->broker publish 15',
      '0 broker->client publish 15',
    ]);
  });

  test('a SYN on a 4-tuple seen only from its middle starts a new stream, as tshark numbers it', async () => {
    const old = new Conversation(client, broker, [1000, 5000]);
    const fresh = new Conversation(client, broker, [90000, 70000]);
    const s = [...old.handshake(), ...old.send(true, connect('old')), ...old.send(true, publish('x', 20)), ...old.send(false, publish('y', 20))].slice(4);
    s.push(...fresh.handshake(), ...fresh.send(true, connect('new', 5)), ...fresh.send(false, connack(5)));
    const got = await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, s)));
    expect(summary(got)).toEqual(['0 client->broker publish 25', '0 broker->client publish 25', '1 client->broker connect 18', '1 broker->client connack 5']);
    expect(got.map((p) => p.protocolVersion)).toEqual([4, 4, 5, 5]);
  });

  /** A reassembler fed raw-IP segments at capture times, with what it emitted and how many connections it holds. */
  const reassembler = () => {
    const got: CapturedPacket[] = [];
    const tcp = new TcpReassembler((p) => got.push(p));
    const held = () => [...(tcp as unknown as { connections: Map<unknown, Map<unknown, unknown>> }).connections.values()].reduce((n, m) => n + m.size, 0);
    let number = 0;
    const push = (time: number, s: Segment) => tcp.push({ number: ++number, sec: time, nsec: 0, linkType: LINK.RAW, data: ipv4(s) });
    return { got, tcp, held, push };
  };

  test('closed connections are forgotten 240 capture seconds after they close: a device reconnecting all day costs no memory per connection', () => {
    const { got, tcp, held, push } = reassembler();
    // One connection a second from a new client port: CONNECT, then the broker resets it.
    for (let i = 0; i < 2000; i++) {
      const c = new Conversation({ host: '10.1.0.2', port: 20000 + i }, broker, [i * 7919, i * 104729]);
      for (const s of [...c.handshake(), ...c.send(true, connect(`d${i}`))]) push(1_700_000_000 + i, s);
      push(1_700_000_000 + i, { src: broker.host, dst: '10.1.0.2', sport: 1883, dport: 20000 + i, seq: i * 104729 + 1, flags: RST | ACK });
    }
    expect(held()).toBeLessThanOrEqual(242);
    // A late segment within the 240 s still belongs to its connection, as in Wireshark; a new connection gets the next number.
    push(1_700_000_000 + 2000, { src: '10.1.0.2', dst: broker.host, sport: 21999, dport: 1883, seq: 1999 * 7919 + 100, flags: ACK });
    const last = new Conversation({ host: '10.1.0.2', port: 42000 }, broker);
    for (const s of [...last.handshake(), ...last.send(true, connect('last'))]) push(1_700_000_000 + 2001, s);
    tcp.end();
    expect(got.map((p) => p.stream)).toEqual([...Array.from({ length: 2000 }, (_, i) => i), 2000]);
    expect(got.map((p) => p.packet?.cmd === 'connect')).not.toContain(false);
  });

  test('connections never closed are forgotten once idle and holding nothing: a SYN never answered after 240 s, any other after 2 h', () => {
    const { got, tcp, held, push } = reassembler();
    const t0 = 1_700_000_000;
    // A SYN flood: 20,000 SYNs from new ports, 20 a second, never answered.
    for (let i = 0; i < 20000; i++) push(t0 + i / 20, { src: '10.2.0.2', dst: broker.host, sport: 1024 + (i % 60000), dport: 1883, seq: i * 7919, flags: SYN_ONLY });
    expect(held()).toBeLessThanOrEqual(300 * 20 + 100);
    // Devices that connect, send their CONNECT and vanish (no FIN, no RST): kept 2 h, then forgotten.
    const t1 = t0 + 1000;
    for (let i = 0; i < 500; i++) {
      const c = new Conversation({ host: '10.3.0.2', port: 30000 + i }, broker, [i * 7919, i * 104729]);
      for (const s of [...c.handshake(), ...c.send(true, connect(`d${i}`))]) push(t1 + i, s);
    }
    push(t1 + 3600, { src: '10.9.0.9', dst: broker.host, sport: 1, dport: 1883, seq: 1, flags: SYN_ONLY });
    expect(held()).toBeGreaterThanOrEqual(500);
    // A look costs a step per connection held, so it waits for as many frames (here one SYN retransmitted).
    for (let i = 0; i < 7000; i++) push(t1 + 500 + 7200 + 61, { src: '10.9.0.9', dst: broker.host, sport: 2, dport: 1883, seq: 1, flags: SYN_ONLY });
    expect(held()).toBeLessThanOrEqual(2);
    // A connection waiting on a hole, or with a partial packet, is kept however long it is idle: it holds data.
    const c = new Conversation({ host: '10.4.0.2', port: 40000 }, broker);
    const t2 = t1 + 20000;
    for (const s of [...c.handshake(), c.send(true, publish('t', 3000), 1000)[0]!]) push(t2, s);
    push(t2 + 9000, { src: '10.9.0.9', dst: broker.host, sport: 3, dport: 1883, seq: 1, flags: SYN_ONLY });
    tcp.end();
    expect(got.map((p) => p.packet?.cmd ?? p.problems[0]?.code)).toEqual([...Array(500).fill('connect'), 'capture.problem.cut-off']);
    // Stream numbers are those of every connection in order, as before.
    expect(got.at(-1)!.stream).toBe(20000 + 1 + 500 + 1);
  });

  test('a malformed packet in a stream is reported and the stream goes on', async () => {
    const c = new Conversation(client, broker);
    const badConnect = hexBytes('10 0c 00 04 4d 51 54 54 03 02 00 3c 00 00'); // MQTT with level 3
    const s = [...c.handshake(), ...c.send(true, badConnect), ...c.send(true, encode({ cmd: 'pingreq' }))];
    const got = await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, s)));
    expect(summary(got)).toEqual(['0 client->broker capture.problem.level-mismatch 14', '0 client->broker pingreq 2']);
  });

  test('pure ACKs and a FIN with PSH carry no packets', async () => {
    const c = new Conversation(client, broker);
    const s: Segment[] = [...c.handshake(), ...c.send(true, connect('x')), { ...c.fin(true), flags: FIN | ACK | PSH }, { src: broker.host, dst: client.host, sport: 1883, dport: 50000, seq: 5001, flags: ACK }];
    expect(summary(await decodeFile(pcapFile(LINK.RAW, frames(LINK.RAW, s))))).toEqual(['0 client->broker connect 15']);
  });
});

describe('IP fragments (a small MTU or a VPN fragments a big CONNECT)', () => {
  const big = connect('x'.repeat(3000));
  /** Handshake, the CONNECT as one segment in IP fragments of `size` bytes (reordered by `order`), the CONNACK. */
  function fragmented(v6: boolean, size: number, order: (f: Uint8Array[]) => Uint8Array[] = (f) => f, times?: number[]) {
    const c = v6 ? new Conversation({ host: '2001:db8::20', port: 50000 }, { host: '2001:db8::10', port: 1883 }) : new Conversation(client, broker);
    const ip = (s: Segment) => (v6 ? ipv6(s) : ipv4(s));
    const hs = c.handshake().map(ip);
    const seg = c.send(true, big, 65000)[0]!;
    const frags = order(v6 ? fragment6(ip(seg), size) : fragment4(ip(seg), size));
    const tail = c.send(false, connack()).map(ip);
    const all = [...hs, ...frags, ...tail];
    return pcapFile(LINK.RAW, all.map((data, i) => ({ time: 1_700_000_000 + (times?.[i] ?? i / 1000), data })));
  }
  async function read(file: Uint8Array) {
    const stats: ReadStats = { bytesRead: 0, truncatedFrames: 0, snaplen: null, unreadFrames: 0, unreadLinkType: null, unreadFragments: 0 };
    const out: CapturedPacket[] = [];
    async function* chunks() {
      yield file;
    }
    for await (const batch of readCaptureBatches(chunks(), undefined, stats)) out.push(...batch);
    return { packets: summary(out), frames: out.map((p) => p.frame), unread: stats.unreadFragments };
  }

  test.each([
    ['IPv4', false],
    ['IPv6', true],
  ])('%s: the CONNECT in fragments is reassembled, in order or not (it was dropped, and the CONNACK decoded alone)', async (_name, v6) => {
    const inOrder = await read(fragmented(v6, 1232));
    expect(inOrder.packets).toEqual(['0 client->broker connect 3015', '0 broker->client connack 4']);
    // Completed by the last fragment: frames 4, 5, 6 are the fragments (as tshark reports it, in frame 6).
    expect(inOrder).toMatchObject({ frames: [6, 7], unread: 0 });
    const reversed = await read(fragmented(v6, 1232, (f) => [...f].reverse()));
    expect(reversed.packets).toEqual(inOrder.packets);
    // An exact duplicate fragment (captured twice) changes nothing.
    const dup = await read(fragmented(v6, 1232, (f) => [f[0]!, f[1]!, f[1]!, f[2]!]));
    expect(dup).toMatchObject({ packets: inOrder.packets, unread: 0 });
  });

  test('IPv6: overlapping fragments discard the whole datagram, the fragments still to come too (RFC 5722), and are counted', async () => {
    const overlap = (f: Uint8Array[]) => {
      // The second fragment again, 8 bytes earlier: overlaps the first.
      const shifted = Uint8Array.from(f[1]!);
      const field = ((shifted[42]! << 8) | shifted[43]!) - 8;
      shifted[42] = field >> 8;
      shifted[43] = field & 0xff;
      return [f[0]!, f[1]!, shifted, f[2]!];
    };
    const r = await read(fragmented(true, 1232, overlap));
    expect(r.packets).toEqual(['0 broker->client connack 4']);
    expect(r.unread).toBe(4);
  });

  test('IPv6: fragments of anything but TCP (UDP, ICMPv6) are not held, nor counted as TCP data missing', async () => {
    const c = new Conversation({ host: '2001:db8::20', port: 50000 }, { host: '2001:db8::10', port: 1883 });
    const udp = ipv6(c.send(true, big, 65000)[0]!);
    udp[6] = 17; // the same bytes as a UDP datagram (a DNS answer, NFS), its last fragment not captured
    const frags = fragment6(udp, 1232).slice(0, 2);
    const file = pcapFile(LINK.RAW, frags.map((data, i) => ({ time: 1_700_000_000 + i, data })));
    expect(await read(file)).toMatchObject({ packets: [], unread: 0 });
  });

  test('memory is bounded: past 1,024 datagrams or 4 MiB waiting, the oldest are dropped and counted', () => {
    const many = new Defragmenter();
    for (let i = 0; i < 5000; i++) many.add(`a${i}`, 0, true, new Uint8Array(1024), 6, 0);
    expect(many.unread).toBe(5000 - 1024);
    const big = new Defragmenter();
    for (let i = 0; i < 100; i++) big.add(`b${i}`, 0, true, new Uint8Array(64000), 6, 0);
    expect(big.unread).toBe(100 - Math.floor((4 << 20) / 64000));
  });

  test('a datagram that never completes is dropped after 60 s of capture time and counted; a missing fragment at the end too', async () => {
    // The last fragment 61 s after the first: the first two were dropped, it starts a datagram that never completes.
    const late = await read(fragmented(false, 1232, (f) => f, [0, 0.001, 0.002, 1, 1.001, 62, 62.001]));
    expect(late.packets).toEqual(['0 broker->client connack 4']);
    expect(late.unread).toBe(3);
    const missing = await read(fragmented(false, 1232, (f) => f.slice(0, 2)));
    expect(missing).toMatchObject({ packets: ['0 broker->client connack 4'], unread: 2 });
  });
});
