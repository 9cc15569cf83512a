/**
 * TCP segments → MQTT packets, per connection and direction: sequence-number reassembly (out-of-order
 * segments wait, retransmissions and overlaps are trimmed, a lost segment becomes a gap), streams numbered
 * as Wireshark's tcp.stream does, the client told from the broker, and the protocol version carried from
 * the client's CONNECT to both directions.
 */
import type { Frame } from './frame.js';
import { segmentOf, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Segment } from './ip.js';
import type { Captured, CapturedPacket } from './packet.js';
import { Splitter, type VersionState } from './split.js';
import { Defragmenter } from './fragments.js';

/** One end of a connection: IPv4 address and port as one number (< 2^48, exact), IPv6 as text. */
type Endpoint = number | string;

function endpoint(address: number | string, port: number): Endpoint {
  return typeof address === 'number' ? address * 65536 + port : `${address}|${port}`;
}

/** Ports where an unidentified stream is taken to be MQTT, and which side is the broker. */
const MQTT_PORTS = new Set([1883, 8883, 1884, 8884, 18830]);
/** Out-of-order data held per direction before the missing segment is declared lost. */
const MAX_HELD = 4 << 20;
/** Out-of-order data held over all streams: thousands of streams each waiting on a hole must not add up past this. */
const MAX_HELD_TOTAL = 32 << 20;
/** Out-of-order segments held per direction: keeps inserting and draining them cheap (tiny segments add up slowly in bytes). */
const MAX_HELD_SEGMENTS = 1024;

/**
 * Capture seconds a closed connection is remembered: a late ACK or retransmitted FIN within them keeps its stream
 * number, as in Wireshark (TIME_WAIT is 60 s on Linux, 240 s at most elsewhere). Then it is forgotten, so a capture of
 * a device reconnecting all day holds the recent connections, not every one it ever saw (about 1 KB each).
 */
const CLOSED_KEEP_SEC = 240;

/**
 * Capture seconds after which a connection that was never closed (no FIN or RST captured: a device that lost power, a
 * NAT that timed out, a SYN never answered) and holds nothing (no segment waiting for a hole, no partial packet) is
 * forgotten, so a capture of a million such connections does not hold them all. One that only one side ever spoke in
 * and that carried no data (a SYN scan, a SYN flood, a broker that is down) goes after CLOSED_KEEP_SEC (Linux gives up
 * retrying a SYN after 127 s); any other after IDLE_KEEP_SEC, Linux's TCP keepalive time: MQTT clients send a PINGREQ
 * within their keepalive, 60 s to 20 min in practice. The trade-off: should such a connection speak again after that
 * silence (keepalive 0, or over 2 h), it gets a new stream number where tshark keeps the old one, and is read as
 * a capture that starts mid-stream (its protocol version guessed again).
 */
const IDLE_KEEP_SEC = 7200;
/** Capture seconds between two looks for idle connections (each look costs one step per connection held, paid for by as many frames). */
const IDLE_SWEEP_SEC = 60;

/** Packets only one side sends [MQTT-3.x]: they tell the client from the broker. */
const FROM_CLIENT = new Set(['connect', 'subscribe', 'unsubscribe', 'pingreq']);
const FROM_BROKER = new Set(['connack', 'suback', 'unsuback', 'pingresp']);

interface Held {
  readonly seq: number;
  readonly data: Uint8Array;
}

class Side {
  /** The sequence number of the next byte we expect; null until the first segment. */
  next: number | null = null;
  held: Held[] = [];
  heldBytes = 0;
  synSeen = false;
  /**
   * The sequence number this side started from, as Wireshark keeps it to tell a reused 4-tuple: its SYN's, or one
   * before its first segment's when the capture began after the handshake. Null until the side's first segment.
   */
  base: number | null = null;
  finished = false;
  splitter: Splitter | null = null;
  /** Bytes given to the splitter (and gaps it was told of): its offsets count the same way. */
  delivered = 0;
  /**
   * When and in which frame each piece the splitter may still hold arrived, so a packet it reports later (a malformed
   * one waits to see what follows it) gets the frame its last byte came in: per piece, four numbers in a row (frame
   * number, seconds, nanoseconds, the offset just past the piece). Numbers, not the Frame: its data is a view into the
   * reader's chunk, and keeping it here kept every chunk any of thousands of streams had touched; and no object per
   * frame, which showed in the garbage collector's share of a large capture.
   */
  readonly stamps: number[] = [];
  /** Index in `stamps` of the first entry still in use (used ones are dropped in bulk, so reading from the front stays cheap). */
  head = 0;
  constructor(readonly endpoint: Endpoint, readonly port: number) {}

  stamp(frame: Frame, length: number): void {
    this.delivered += length;
    const s = this.stamps;
    const last = s.length - 4;
    if (last >= this.head && s[last] === frame.number) s[last + 3] = this.delivered;
    else s.push(frame.number, frame.sec, frame.nsec, this.delivered);
  }

  /** Index in `stamps` of the frame in which the byte before `end` arrived (-1: none); entries before it are dropped. */
  frameAt(end: number): number {
    const s = this.stamps;
    while (this.head < s.length - 4 && s[this.head + 3]! < end) this.head += 4;
    // Dropped once they are most of the list: each side keeps about what its splitter holds, not a backlog.
    if (this.head >= 64 && this.head * 2 > s.length) {
      s.splice(0, this.head);
      this.head = 0;
    }
    return this.head < s.length ? this.head : -1;
  }

  clear(): void {
    this.stamps.length = 0;
    this.head = 0;
  }
}

class Connection {
  /** Index of the client side in `sides`, once known. */
  client: 0 | 1 | null = null;
  /** 'mqtt' once we decided to decode it, 'other' to ignore it, null before its first data. */
  kind: 'mqtt' | 'other' | null = null;
  /** Began with a SYN inside the capture (so both directions start at a packet boundary). */
  fromStart = false;
  closed = false;
  /** Capture time (seconds) when it closed. */
  closedAt = 0;
  /** Capture time (seconds) of its last segment. */
  lastSeen = 0;
  readonly version: VersionState = { version: 4, known: false };
  readonly sides: [Side, Side];
  constructor(
    readonly stream: number,
    /** Its keys in TcpReassembler's map: the lower endpoint, then the higher. */
    readonly lo: Endpoint,
    readonly hi: Endpoint,
    a: Side,
    b: Side,
  ) {
    this.sides = [a, b];
  }
}

/** A TCP stream that was not decoded, and why. */
export interface SkippedStream {
  readonly stream: number;
  /** The port the first data went to: the broker's, for a client that spoke first. */
  readonly port: number;
  readonly reason: 'tls' | 'websocket';
}

/** Feed frames in capture order; packets come out through `emit` as each one completes. */
export class TcpReassembler {
  /** Connections by their two endpoints, lower one first: nested maps, so no key strings per frame. */
  private readonly connections = new Map<Endpoint, Map<Endpoint, Connection>>();
  private streams = 0;
  private index = 0;
  /** Bytes held out of order in every side together. */
  private heldTotal = 0;
  private first: { sec: number; nsec: number } | null = null;
  /** Frame being processed: the time and number packets completed by it get. */
  private current: Frame | null = null;
  /** Closed connections in the order they closed, to be forgotten CLOSED_KEEP_SEC later; those before `closedHead` are gone. */
  private readonly closing: Connection[] = [];
  private closedHead = 0;
  /** IP fragments of TCP waiting for the rest of their datagram. */
  private readonly fragments = new Defragmenter();
  /** Capture time of the next look for idle connections, frames since the last one, and connections it kept. */
  private nextSweep = 0;
  private sinceSweep = 0;
  private swept = 0;

  constructor(
    private readonly emit: (packet: CapturedPacket) => void,
    /** Told once per TCP stream that carries TLS: it is skipped, and the user should know why it shows no packets. */
    private readonly onSkipped: (stream: SkippedStream) => void = () => {},
  ) {}

  push(frame: Frame): void {
    this.first ??= { sec: frame.sec, nsec: frame.nsec };
    if (this.closedHead < this.closing.length && this.closing[this.closedHead]!.closedAt + CLOSED_KEEP_SEC < frame.sec) this.forget(frame.sec);
    // Idle connections are looked for once a minute of capture time, and no more often than frames pay for it.
    if (++this.sinceSweep >= this.swept && frame.sec >= this.nextSweep) this.sweep(frame.sec);
    if (this.fragments.waiting) this.fragments.expire(frame.sec);
    const segment = segmentOf(frame.linkType, frame.data, this.fragments, frame.sec);
    if (!segment) return;
    this.current = frame;
    const a = endpoint(segment.src, segment.srcPort);
    const b = endpoint(segment.dst, segment.dstPort);
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    let inner = this.connections.get(lo);
    if (!inner) this.connections.set(lo, (inner = new Map()));
    let conn = inner.get(hi);
    const syn = (segment.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    // A new SYN on a finished 4-tuple, or one whose sequence number is not where its side started (a new initial
    // sequence number; or a connection seen only from its middle, as Wireshark counts it), is a new connection.
    if (conn && syn) {
      const base = conn.sides[conn.sides[0].endpoint === a ? 0 : 1].base;
      if (conn.closed || (base !== null && base !== segment.seq)) conn = undefined;
    }
    if (!conn) {
      conn = new Connection(this.streams++, lo, hi, new Side(a, segment.srcPort), new Side(b, segment.dstPort));
      inner.set(hi, conn);
    }
    const from: 0 | 1 = conn.sides[0].endpoint === a ? 0 : 1;
    conn.lastSeen = frame.sec;
    this.segment(conn, from, segment);
  }

  /** Frames holding IP fragments of TCP that were dropped (their datagram never completed, or overlapped): data missing. */
  get unreadFragments(): number {
    return this.fragments.unread;
  }

  /** The capture ended: report gaps and packets cut off in every connection still open. */
  end(): void {
    this.fragments.end();
    for (const inner of this.connections.values()) {
      for (const conn of inner.values()) for (const i of [0, 1] as const) this.finish(conn, i, false);
    }
  }

  private segment(conn: Connection, from: 0 | 1, s: Segment): void {
    const side = conn.sides[from];
    side.base ??= s.flags & TCP_SYN ? s.seq : (s.seq - 1) >>> 0;
    if (s.flags & TCP_SYN) {
      side.synSeen = true;
      const next = (s.seq + 1) >>> 0;
      // A retransmitted SYN or SYN-ACK after data (its sequence number at or before what has arrived) must not rewind
      // the side: what follows would wait for a hole that is not there, and the end of the capture would report one.
      const behind = side.next === null ? -1 : (side.next - next) | 0;
      if (behind < 0 || behind > side.delivered) side.next = next;
      if (!(s.flags & TCP_ACK)) {
        conn.client = from;
        if (conn.kind === null) conn.fromStart = true;
      } else if (conn.client === null) {
        conn.client = from === 0 ? 1 : 0;
      }
    }
    if (s.payload.length > 0 && conn.kind !== 'other') {
      if (conn.kind === null) this.classify(conn, from, s);
      if (conn.kind === 'mqtt') this.data(conn, from, s.seq + (s.flags & TCP_SYN ? 1 : 0), s.payload);
    }
    if (s.flags & TCP_RST) {
      this.close(conn);
      this.finish(conn, 0, true);
      this.finish(conn, 1, true);
    } else if (s.flags & TCP_FIN) {
      const end = (s.seq + (s.flags & TCP_SYN ? 1 : 0) + s.payload.length) >>> 0;
      // Close only once everything before the FIN has arrived; otherwise the end of capture closes it.
      if (side.next === end && side.held.length === 0) {
        this.finish(conn, from, true);
        if (conn.sides[0].finished && conn.sides[1].finished) this.close(conn);
      }
    }
  }

  private close(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    conn.closedAt = this.current!.sec;
    this.closing.push(conn);
  }

  /** Drop the connections closed more than CLOSED_KEEP_SEC before `now` (a new one on the same 4-tuple may have replaced one). */
  private forget(now: number): void {
    const closing = this.closing;
    while (this.closedHead < closing.length && closing[this.closedHead]!.closedAt + CLOSED_KEEP_SEC < now) {
      const conn = closing[this.closedHead++]!;
      const inner = this.connections.get(conn.lo);
      if (inner?.get(conn.hi) !== conn) continue;
      inner.delete(conn.hi);
      if (inner.size === 0) this.connections.delete(conn.lo);
    }
    if (this.closedHead >= 1024 && this.closedHead * 2 > closing.length) {
      closing.splice(0, this.closedHead);
      this.closedHead = 0;
    }
  }

  /** Forget the open connections idle past their limit (IDLE_KEEP_SEC, or CLOSED_KEEP_SEC if never answered) that hold nothing. */
  private sweep(now: number): void {
    let kept = 0;
    for (const [lo, inner] of this.connections) {
      for (const [hi, conn] of inner) {
        kept++;
        if (conn.closed) continue; // forget() drops those
        const [a, b] = conn.sides;
        const unanswered = conn.kind === null && (a.base === null || b.base === null);
        if (conn.lastSeen + (unanswered ? CLOSED_KEEP_SEC : IDLE_KEEP_SEC) >= now) continue;
        if (a.held.length > 0 || b.held.length > 0 || (a.splitter && !a.splitter.empty) || (b.splitter && !b.splitter.empty)) continue;
        inner.delete(hi);
        kept--;
      }
      if (inner.size === 0) this.connections.delete(lo);
    }
    // The next look costs a step per connection kept now plus one per connection new by then (each came in a frame):
    // waiting for as many frames as are kept makes it at most two steps per frame.
    this.swept = kept;
    this.sinceSweep = 0;
    this.nextSweep = now + IDLE_SWEEP_SEC;
  }

  /**
   * Decide from the first data whether a connection is MQTT: one we saw open must start with a CONNECT
   * from the client (or look like a hand-made one, or use an MQTT port); one already running is tried
   * by resynchronising on its packets.
   */
  private classify(conn: Connection, from: 0 | 1, s: Segment): void {
    const p = s.payload;
    // A TLS record (MQTT over TLS, 8883) cannot be read; its first byte is never a valid MQTT first byte.
    if (p[0]! >= 0x14 && p[0]! <= 0x17 && p[1] === 0x03 && p.length > 2 && p[2]! <= 0x04) {
      conn.kind = 'other';
      // The first record usually comes from the client (ClientHello), so the port it goes to is the broker's.
      this.onSkipped({ stream: conn.stream, port: conn.sides[from === 0 ? 1 : 0].port, reason: 'tls' });
      return;
    }
    // MQTT over WebSocket opens with an HTTP upgrade: its frames would read as garbage, or as nothing at all.
    if (webSocketUpgrade(p)) {
      conn.kind = 'other';
      this.onSkipped({ stream: conn.stream, port: conn.sides[from === 0 ? 1 : 0].port, reason: 'websocket' });
      return;
    }
    if (!conn.fromStart) {
      conn.kind = 'mqtt';
      return;
    }
    const ports = MQTT_PORTS.has(conn.sides[0].port) || MQTT_PORTS.has(conn.sides[1].port);
    const connect = from === conn.client && p[0] === 0x10;
    conn.kind = connect || mentionsProtocolName(p) || ports ? 'mqtt' : 'other';
  }

  private data(conn: Connection, from: 0 | 1, seq: number, payload: Uint8Array): void {
    const side = conn.sides[from];
    if (side.finished) return;
    if (!side.splitter) {
      const midstream = !(conn.fromStart || side.synSeen);
      side.splitter = new Splitter(conn.version, (found) => this.found(conn, from, found), midstream);
    }
    if (side.next === null) side.next = seq;
    this.deliver(conn, side, seq >>> 0, payload);
  }

  private deliver(conn: Connection, side: Side, seq: number, payload: Uint8Array): void {
    if (side.finished) return;
    const ahead = (seq - side.next!) | 0;
    if (ahead > 0) {
      // Out of order: hold it (copied: the frame's buffer is the reader's) until the hole is filled.
      // Kept in sequence order: held segments usually arrive in order among themselves, so look from the end.
      let at = side.held.length;
      while (at > 0 && ((side.held[at - 1]!.seq - seq) | 0) > 0) at--;
      side.held.splice(at, 0, { seq, data: Uint8Array.prototype.slice.call(payload) });
      side.heldBytes += payload.length;
      this.heldTotal += payload.length;
      if (side.heldBytes > MAX_HELD || side.held.length > MAX_HELD_SEGMENTS || this.heldTotal > MAX_HELD_TOTAL) this.skipHole(conn, side);
      return;
    }
    // A retransmission, or one that overlaps what we have: keep only what is new.
    if (ahead + payload.length <= 0) return;
    const fresh = ahead < 0 ? payload.subarray(-ahead) : payload;
    side.next = (side.next! + fresh.length) >>> 0;
    side.stamp(this.current!, fresh.length);
    side.splitter!.push(fresh);
    this.drain(conn, side);
  }

  /** Deliver held segments that are now in order. */
  private drain(conn: Connection, side: Side): void {
    while (side.held.length > 0 && ((side.held[0]!.seq - side.next!) | 0) <= 0) {
      const held = side.held.shift()!;
      side.heldBytes -= held.data.length;
      this.heldTotal -= held.data.length;
      this.deliver(conn, side, held.seq, held.data);
    }
  }

  /** The segment we wait for was not captured: report the hole and go on with what follows it. */
  private skipHole(conn: Connection, side: Side): void {
    const first = side.held[0];
    if (!first) return;
    const missing = (first.seq - side.next!) >>> 0;
    side.delivered += missing;
    side.splitter!.gap(missing);
    side.next = first.seq;
    this.drain(conn, side);
  }

  /** No more data in this direction; `closed` when the sender closed it, false when the capture stopped. */
  private finish(conn: Connection, i: 0 | 1, closed: boolean): void {
    const side = conn.sides[i];
    if (side.finished || !side.splitter) {
      side.finished = true;
      return;
    }
    while (side.held.length > 0) this.skipHole(conn, side);
    side.finished = true;
    side.splitter.end('stream', closed);
    // The connection stays (late ACKs keep its stream number, as in Wireshark); its buffers go.
    side.splitter = null;
    side.clear();
  }

  private found(conn: Connection, from: 0 | 1, found: Captured): void {
    if (conn.client === null) conn.client = guessClient(conn, from, found);
    const side = conn.sides[from];
    const at = side.frameAt(found.offset + Math.max(1, found.bytes.length));
    const current = this.current!;
    const number = at < 0 ? current.number : side.stamps[at]!;
    const sec = at < 0 ? current.sec : side.stamps[at + 1]!;
    const nsec = at < 0 ? current.nsec : side.stamps[at + 2]!;
    const first = this.first!;
    found.index = this.index++;
    found.stream = conn.stream;
    found.direction = from === conn.client ? 'client->broker' : 'broker->client';
    found.time = Math.round((sec - first.sec + (nsec - first.nsec) / 1e9) * 1e9) / 1e9;
    found.frame = number;
    found.epochMs = sec * 1000 + Math.floor(nsec / 1e6);
    this.emit(found);
  }
}

/** Which side is the client, when no SYN said so: by the packet type, else by the MQTT port, else the higher port. */
function guessClient(conn: Connection, from: 0 | 1, found: Captured): 0 | 1 {
  const cmd = found.packet?.cmd;
  const other: 0 | 1 = from === 0 ? 1 : 0;
  if (cmd && FROM_CLIENT.has(cmd)) return from;
  if (cmd && FROM_BROKER.has(cmd)) return other;
  const [a, b] = conn.sides;
  if (MQTT_PORTS.has(a.port) !== MQTT_PORTS.has(b.port)) return MQTT_PORTS.has(a.port) ? 1 : 0;
  return a.port > b.port ? 0 : 1;
}

/** An HTTP request asking to upgrade to WebSocket (RFC 6455 4.1): "GET " and the Upgrade header's token in its first segment. */
function webSocketUpgrade(p: Uint8Array): boolean {
  if (p[0] !== 0x47 || p[1] !== 0x45 || p[2] !== 0x54 || p[3] !== 0x20) return false;
  return /^upgrade:[ \t]*websocket/im.test(String.fromCharCode(...p.subarray(0, 4096)));
}

/** "MQTT" or "MQIsdp" with its length prefix in the first bytes: a CONNECT, maybe with a broken header. */
function mentionsProtocolName(p: Uint8Array): boolean {
  for (let i = 0; i + 6 <= Math.min(p.length, 12); i++) {
    if (p[i] === 0 && p[i + 1] === 4 && p[i + 2] === 0x4d && p[i + 3] === 0x51 && p[i + 4] === 0x54 && p[i + 5] === 0x54) return true;
    if (p[i] === 0 && p[i + 1] === 6 && p[i + 2] === 0x4d && p[i + 3] === 0x51 && p[i + 4] === 0x49) return true;
  }
  return false;
}
