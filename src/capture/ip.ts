/**
 * From a captured frame to a TCP segment: the link layer (Ethernet, Linux cooked SLL/SLL2, BSD null/loopback,
 * raw IP), then IPv4 (RFC 791) or IPv6 (RFC 8200), their fragments reassembled (fragments.ts), then TCP (RFC 9293).
 * Anything else returns null.
 */

import type { Defragmenter } from './fragments.js';

/** LINKTYPE_* values (https://www.tcpdump.org/linktypes.html). */
const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  /**
   * DLT_RAW as libpcap before 0.9 wrote it into pcap files: 12 on most systems, 14 on OpenBSD (the list at
   * https://www.tcpdump.org/linktypes.html gives LINKTYPE_RAW 101 for files and DLT_RAW as 12 or 14). Both are raw IP.
   */
  RAW_DLT: 12,
  RAW_OPENBSD: 14,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

/** An IP address: IPv4 as its 32-bit number (cheap to key a map by), IPv6 as RFC 5952 text. */
type Address = number | string;

export interface Segment {
  readonly src: Address;
  readonly dst: Address;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly flags: number;
  /** The TCP payload, trimmed to the IP length (Ethernet pads short frames). A view into the frame. */
  readonly payload: Uint8Array;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8, 0x9100];

/** Whether frames of this link type are read (segmentOf gives nothing for any other, so decode says how many it left). */
export function linkTypeRead(linkType: number): boolean {
  return ipOffset(linkType, LINK_PROBE) !== -2;
}
const LINK_PROBE = new Uint8Array(0);

/**
 * The TCP segment in a frame of the given link type, or null when the frame carries no TCP. A fragment of TCP goes to
 * `fragments` (captured at `now`, capture seconds), and the segment comes out of the frame that completes its datagram;
 * without `fragments`, fragments give nothing.
 */
export function segmentOf(linkType: number, data: Uint8Array, fragments?: Defragmenter, now = 0): Segment | null {
  const at = ipOffset(linkType, data);
  if (at < 0 || at >= data.length) return null;
  const version = data[at]! >> 4;
  if (version === 4) return ipv4(data, at, fragments, now);
  if (version === 6) return ipv6(data, at, fragments, now);
  return null;
}

/** Where the IP header starts, -1 when the frame is not IP, -2 when the link type is not one we read. */
function ipOffset(linkType: number, d: Uint8Array): number {
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      let at = 12;
      let type = u16(d, at);
      while (ETHERTYPE_VLAN.includes(type)) {
        at += 4;
        type = u16(d, at);
      }
      return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? at + 2 : -1;
    }
    case LINKTYPE.LINUX_SLL: {
      // 16-byte header; protocol (an EtherType) in its last two bytes.
      const type = u16(d, 14);
      return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? 16 : -1;
    }
    case LINKTYPE.LINUX_SLL2: {
      // 20-byte header; protocol first.
      const type = u16(d, 0);
      return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? 20 : -1;
    }
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP:
      // A 4-byte address family (host order for NULL, network order for LOOP). IPv4 is 2 everywhere; IPv6 is
      // 24, 28 or 30 depending on the BSD. The IP version nibble tells us the rest, so just skip the family.
      return d.length > 4 ? 4 : -1;
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_DLT:
    case LINKTYPE.RAW_OPENBSD:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
      return 0;
    default:
      return -2;
  }
}

function ipv4(d: Uint8Array, at: number, fragments: Defragmenter | undefined, now: number): Segment | null {
  if (d.length < at + 20) return null;
  const ihl = (d[at]! & 0x0f) * 4;
  const total = u16(d, at + 2);
  if (d[at + 9] !== 6 || ihl < 20) return null;
  // total 0 happens with TCP segmentation offload on the capturing host: the frame length is the truth.
  const end = total === 0 ? d.length : Math.min(d.length, at + total);
  const src = ((d[at + 12]! << 24) | (d[at + 13]! << 16) | (d[at + 14]! << 8) | d[at + 15]!) >>> 0;
  const dst = ((d[at + 16]! << 24) | (d[at + 17]! << 16) | (d[at + 18]! << 8) | d[at + 19]!) >>> 0;
  // More fragments, or an offset: a fragment, reassembled by (source, destination, identification; protocol is TCP).
  const frag = u16(d, at + 6);
  if ((frag & 0x3fff) !== 0) {
    if (!fragments || at + ihl > end) return null;
    const whole = fragments.add(`${src}|${dst}|${u16(d, at + 4)}`, (frag & 0x1fff) * 8, (frag & 0x2000) !== 0, d.subarray(at + ihl, end), 6, now);
    return whole && tcp(whole.data, 0, whole.data.length, src, dst);
  }
  return tcp(d, at + ihl, end, src, dst);
}

function ipv6(d: Uint8Array, at: number, fragments: Defragmenter | undefined, now: number): Segment | null {
  if (d.length < at + 40) return null;
  const payloadLength = u16(d, at + 4);
  const pos = at + 40;
  const end = payloadLength === 0 ? d.length : Math.min(d.length, pos + payloadLength);
  return ipv6Payload(d, pos, end, d[at + 6]!, at, fragments, now);
}

/**
 * Walk the extension headers from `pos` to TCP: hop-by-hop 0, routing 43, destination options 60 (length in 8-byte
 * units beyond the first 8), and the Authentication Header 51 (RFC 4302: length in 4-byte units, minus 2). A fragment
 * header (44) hands what follows it to `fragments`; the reassembled part is walked on from the fragment header's place
 * (no `fragments` then: a fragment header inside a fragment is not read).
 */
function ipv6Payload(d: Uint8Array, pos: number, end: number, next: number, at: number, fragments: Defragmenter | undefined, now: number, header: Uint8Array = d): Segment | null {
  while (next === 0 || next === 43 || next === 60 || next === 51) {
    if (pos + 8 > end) return null;
    const length = next === 51 ? (d[pos + 1]! + 2) * 4 : 8 + d[pos + 1]! * 8;
    next = d[pos]!;
    pos += length;
  }
  // Only a fragment whose part starts with TCP or a header that may lead to it: fragmented UDP or ICMPv6 is no MQTT,
  // and held or counted it would crowd out TCP's and be reported as TCP data missing.
  if (next === 44 && fragments && pos + 8 <= end && FRAGMENT_NEXT.has(d[pos]!)) {
    // Next Header, reserved, offset (13 bits, in 8-byte units) with the M flag last, 32-bit identification.
    const field = u16(d, pos + 2);
    const key = `${ipv6Text(header, at + 8)}|${ipv6Text(header, at + 24)}|${u16(d, pos + 4) * 65536 + u16(d, pos + 6)}`;
    const whole = fragments.add(key, field & 0xfff8, (field & 1) !== 0, d.subarray(pos + 8, end), d[pos]!, now);
    if (!whole) return null;
    return ipv6Payload(whole.data, 0, whole.data.length, whole.next, at, undefined, now, header);
  }
  if (next !== 6) return null;
  return tcp(d, pos, end, ipv6Text(header, at + 8), ipv6Text(header, at + 24));
}

/** Next Headers after an IPv6 fragment header that may lead to TCP: TCP, routing, destination options, AH. */
const FRAGMENT_NEXT = new Set([6, 43, 60, 51]);

function tcp(d: Uint8Array, at: number, end: number, src: Address, dst: Address): Segment | null {
  if (end < at + 20) return null;
  const dataOffset = (d[at + 12]! >> 4) * 4;
  if (dataOffset < 20 || at + dataOffset > end) return null;
  return {
    src,
    dst,
    srcPort: u16(d, at),
    dstPort: u16(d, at + 2),
    seq: ((d[at + 4]! << 24) | (d[at + 5]! << 16) | (d[at + 6]! << 8) | d[at + 7]!) >>> 0,
    flags: d[at + 13]!,
    payload: d.subarray(at + dataOffset, end),
  };
}

/** An address as people write it: dotted quad for IPv4, RFC 5952 for IPv6. */
export function addressText(address: Address): string {
  if (typeof address === 'string') return address;
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/** RFC 5952 text form: lowercase, leading zeros dropped, the longest run of zero groups as "::". */
function ipv6Text(d: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(u16(d, at + i));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function u16(d: Uint8Array, at: number): number {
  return ((d[at] ?? 0) << 8) | (d[at + 1] ?? 0);
}
