/**
 * Builds capture files byte by byte for edge cases no tool records on demand: any link type, IPv4/IPv6,
 * out-of-order and retransmitted segments, a capture that starts mid-stream. Layouts follow
 * https://www.tcpdump.org/linktypes.html, RFC 791/8200/9293 and the pcap/pcapng drafts.
 */

export const SYN = 0x02;
export const ACK = 0x10;
export const PSH = 0x08;
export const FIN = 0x01;
export const RST = 0x04;

export interface Segment {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  flags: number;
  payload?: Uint8Array;
}

export interface TimedFrame {
  /** Seconds since the epoch (fractions allowed). */
  time: number;
  data: Uint8Array;
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function tcpHeader(s: Segment): number[] {
  return [...u16(s.sport), ...u16(s.dport), ...u32(s.seq >>> 0), ...u32(0), 0x50, s.flags, ...u16(65535), 0, 0, 0, 0];
}

function ipv4Bytes(text: string): number[] {
  return text.split('.').map(Number);
}

function ipv6Bytes(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':').filter((x) => x !== '') : [];
  const t = tail ? tail.split(':').filter((x) => x !== '') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => u16(parseInt(g, 16)));
}

/** An IPv4 packet carrying the segment (checksums left 0: readers do not check them). */
export function ipv4(s: Segment): Uint8Array {
  const payload = s.payload ?? new Uint8Array();
  const total = 20 + 20 + payload.length;
  return Uint8Array.from([0x45, 0, ...u16(total), 0, 0, 0x40, 0, 64, 6, 0, 0, ...ipv4Bytes(s.src), ...ipv4Bytes(s.dst), ...tcpHeader(s), ...payload]);
}

/** An IPv6 packet, optionally with a hop-by-hop and a destination options header before TCP. */
export function ipv6(s: Segment, extensions = false): Uint8Array {
  const payload = s.payload ?? new Uint8Array();
  const ext = extensions ? [60, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1, 4, 0, 0, 0, 0] : [];
  const next = extensions ? 0 : 6;
  const length = ext.length + 20 + payload.length;
  return Uint8Array.from([0x60, 0, 0, 0, ...u16(length), next, 64, ...ipv6Bytes(s.src), ...ipv6Bytes(s.dst), ...ext, ...tcpHeader(s), ...payload]);
}

export const LINK = { NULL: 0, ETHERNET: 1, RAW: 101, LOOP: 108, SLL: 113, SLL2: 276 } as const;

/** Every link type the readers support, named, for test.each. */
export const LINK_CASES: [string, number][] = [
  ['Ethernet', LINK.ETHERNET],
  ['Linux SLL', LINK.SLL],
  ['Linux SLL2', LINK.SLL2],
  ['BSD null', LINK.NULL],
  ['BSD loop', LINK.LOOP],
  ['raw IP', LINK.RAW],
];

/** Wrap an IP packet in the given link layer. */
export function link(type: number, ip: Uint8Array): Uint8Array {
  const v6 = ip[0]! >> 4 === 6;
  const ethertype = v6 ? 0x86dd : 0x0800;
  switch (type) {
    case LINK.ETHERNET: {
      // With a VLAN tag on IPv6 to exercise the tag walk; Ethernet pads short frames to 60 bytes.
      const vlan = v6 ? [0x81, 0x00, 0x00, 0x2a] : [];
      const frame = [...Array(6).fill(0x02), ...Array(6).fill(0x04), ...vlan, ...u16(ethertype), ...ip];
      while (frame.length < 60) frame.push(0);
      return Uint8Array.from(frame);
    }
    case LINK.SLL:
      return Uint8Array.from([0, 0, ...u16(772), ...u16(6), 0, 0, 0, 0, 0, 0, 0, 0, ...u16(ethertype), ...ip]);
    case LINK.SLL2:
      return Uint8Array.from([...u16(ethertype), 0, 0, ...u32(1), ...u16(772), 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, ...ip]);
    case LINK.NULL: // host byte order: little-endian here; IPv6 as Linux/FreeBSD say it (28)
      return Uint8Array.from([v6 ? 28 : 2, 0, 0, 0, ...ip]);
    case LINK.LOOP: // network byte order; IPv6 as macOS says it (30)
      return Uint8Array.from([0, 0, 0, v6 ? 30 : 2, ...ip]);
    case LINK.RAW:
      return ip;
    default:
      throw new Error(`no builder for link type ${type}`);
  }
}

/** A classic pcap file. */
export function pcapFile(linkType: number, frames: readonly TimedFrame[], opts: { nano?: boolean; bigEndian?: boolean } = {}): Uint8Array {
  const le = !opts.bigEndian;
  const out: number[] = [];
  const w32 = (n: number) => out.push(...(le ? u32(n).reverse() : u32(n)));
  const w16 = (n: number) => out.push(...(le ? u16(n).reverse() : u16(n)));
  w32(opts.nano ? 0xa1b23c4d : 0xa1b2c3d4);
  w16(2);
  w16(4);
  w32(0);
  w32(0);
  w32(262144);
  w32(linkType);
  for (const f of frames) {
    const sec = Math.floor(f.time);
    const frac = Math.round((f.time - sec) * (opts.nano ? 1e9 : 1e6));
    w32(sec);
    w32(frac);
    w32(f.data.length);
    w32(f.data.length);
    out.push(...f.data);
  }
  return Uint8Array.from(out);
}

/** A pcapng file: one section, one interface per distinct link type (in order of first use), nanosecond stamps. */
export function pcapngFile(frames: readonly (TimedFrame & { linkType: number })[]): Uint8Array {
  const out: number[] = [];
  const le32 = (n: number) => u32(n).reverse();
  const le16 = (n: number) => u16(n).reverse();
  const block = (type: number, body: number[]) => {
    while (body.length % 4) body.push(0);
    const length = body.length + 12;
    out.push(...le32(type), ...le32(length), ...body, ...le32(length));
  };
  block(0x0a0d0d0a, [...le32(0x1a2b3c4d), ...le16(1), ...le16(0), ...Array(8).fill(0xff)]);
  const interfaces: number[] = [];
  for (const f of frames) {
    if (!interfaces.includes(f.linkType)) {
      interfaces.push(f.linkType);
      // if_tsresol = 9 (nanoseconds), then opt_endofopt.
      block(1, [...le16(f.linkType), 0, 0, ...le32(0), ...le16(9), ...le16(1), 9, 0, 0, 0, 0, 0, 0, 0]);
    }
  }
  for (const f of frames) {
    const ns = BigInt(Math.round(f.time * 1e6)) * 1000n;
    const high = Number(ns >> 32n);
    const low = Number(ns & 0xffffffffn);
    block(6, [...le32(interfaces.indexOf(f.linkType)), ...le32(high), ...le32(low), ...le32(f.data.length), ...le32(f.data.length), ...f.data]);
  }
  return Uint8Array.from(out);
}

/** A TCP conversation between a client and a broker, tracking sequence numbers for both sides. */
export class Conversation {
  private seq: [number, number];
  readonly segments: Segment[] = [];
  constructor(
    readonly client: { host: string; port: number },
    readonly broker: { host: string; port: number },
    isn: [number, number] = [1000, 5000],
  ) {
    this.seq = [...isn];
  }

  private seg(fromClient: boolean, flags: number, payload?: Uint8Array, seq?: number): Segment {
    const [a, b] = fromClient ? [this.client, this.broker] : [this.broker, this.client];
    return { src: a.host, dst: b.host, sport: a.port, dport: b.port, seq: seq ?? this.seq[fromClient ? 0 : 1], flags, payload };
  }

  handshake(): Segment[] {
    const s = [this.seg(true, SYN), this.seg(false, SYN | ACK)];
    this.seq = [(this.seq[0] + 1) >>> 0, (this.seq[1] + 1) >>> 0];
    s.push(this.seg(true, ACK));
    return s;
  }

  /** The bytes as segments of at most `mss` bytes, advancing the sender's sequence number. */
  send(fromClient: boolean, bytes: Uint8Array, mss = 1460): Segment[] {
    const out: Segment[] = [];
    for (let at = 0; at < bytes.length; at += mss) {
      const chunk = bytes.subarray(at, Math.min(at + mss, bytes.length));
      out.push(this.seg(fromClient, ACK | PSH, chunk));
      const i = fromClient ? 0 : 1;
      this.seq[i] = (this.seq[i] + chunk.length) >>> 0;
    }
    return out;
  }

  fin(fromClient: boolean): Segment {
    const s = this.seg(fromClient, FIN | ACK);
    const i = fromClient ? 0 : 1;
    this.seq[i] = (this.seq[i] + 1) >>> 0;
    return s;
  }
}

/** Frames one millisecond apart from t0, each segment in IPv4 or IPv6 (by its address) inside `linkType`. */
export function frames(linkType: number, segments: readonly Segment[], t0 = 1_700_000_000): (TimedFrame & { linkType: number })[] {
  return segments.map((s, i) => ({
    time: t0 + i / 1000,
    linkType,
    data: link(linkType, s.src.includes(':') ? ipv6(s, i % 2 === 1) : ipv4(s)),
  }));
}

export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

/**
 * An IPv4 packet (from ipv4()) cut into fragments of at most `size` bytes of payload each (a multiple of 8 but the
 * last), with identification `id` (RFC 791 3.2).
 */
export function fragment4(ip: Uint8Array, size: number, id = 0x1234): Uint8Array[] {
  const header = ip.subarray(0, 20);
  const body = ip.subarray(20);
  const out: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += size) {
    const part = body.subarray(at, Math.min(body.length, at + size));
    const more = at + size < body.length;
    const frag = Uint8Array.from([...header, ...part]);
    frag.set(u16(20 + part.length), 2);
    frag.set(u16(id), 4);
    frag.set(u16((more ? 0x2000 : 0) | (at / 8)), 6);
    out.push(frag);
  }
  return out;
}

/**
 * An IPv6 packet (from ipv6(), without extension headers) cut into fragments of at most `size` bytes each (a multiple
 * of 8 but the last), each with a fragment header of identification `id` (RFC 8200 4.5).
 */
export function fragment6(ip: Uint8Array, size: number, id = 0x12345678): Uint8Array[] {
  const header = ip.subarray(0, 40);
  const next = ip[6]!;
  const body = ip.subarray(40);
  const out: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += size) {
    const part = body.subarray(at, Math.min(body.length, at + size));
    const more = at + size < body.length;
    const frag = Uint8Array.from([...header, next, 0, ...u16(at | (more ? 1 : 0)), ...u32(id), ...part]);
    frag.set(u16(8 + part.length), 4);
    frag[6] = 44;
    out.push(frag);
  }
  return out;
}
