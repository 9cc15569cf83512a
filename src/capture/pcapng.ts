/**
 * pcapng files, read as a stream of blocks. Sections, several interfaces with their own link type and
 * timestamp resolution, Enhanced, Simple and (obsolete) Packet Blocks.
 * Format: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html
 */
import { MqttSignError } from '../errors.js';
import { Chunker, corrupt, type Frame, type FrameReader, type Parsed } from './frame.js';

export const PCAPNG_MAGIC = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const SHB = PCAPNG_MAGIC;
const IDB = 1;
const PB = 2;
const SPB = 3;
const EPB = 6;

/** The least length of each block type that carries fixed fields: header, fields, trailing length (the spec's figures). */
const MIN_LENGTH: Readonly<Record<number, number>> = { [SHB]: 28, [IDB]: 20, [PB]: 32, [SPB]: 16, [EPB]: 32 };

/**
 * Blocks larger than this mean a corrupt length field: a packet block holds one frame (snap lengths are at most
 * 256 KiB in tcpdump, dumpcap and libpcap). The cap also bounds what a block held across chunks may cost in memory.
 */
const MAX_BLOCK = 16 << 20;

interface Interface {
  readonly linkType: number;
  /** The interface's snaplen (0: no limit given). */
  readonly snaplen: number;
  /** Timestamp units per second (10^6 unless if_tsresol says otherwise). */
  readonly units: number;
  /** if_tsoffset: seconds added to every timestamp. */
  readonly offset: number;
  /** Cache for the high 32 bits of the last timestamp, which change only every few seconds. */
  high: number;
  highSec: number;
  highRem: number;
}

export class PcapngReader implements FrameReader {
  private readonly chunks = new Chunker();
  private little = true;
  private started = false;
  private interfaces: Interface[] = [];
  private count = 0;

  push(chunk: Uint8Array, onFrame: (frame: Frame) => void): void {
    this.chunks.feed(chunk, (buf, pos, offset) => this.parse(buf, pos, offset, onFrame));
  }

  private parse(buf: Uint8Array, pos: number, offset: number, onFrame: (frame: Frame) => void): Parsed {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (buf.length - pos >= 12) {
      if (view.getUint32(pos, false) === SHB) {
        // The byte order of a section comes from its own header, so read it before the block length.
        const bom = view.getUint32(pos + 8, false);
        if (bom === BYTE_ORDER_MAGIC) this.little = false;
        else if (bom === 0x4d3c2b1a) this.little = true;
        else throw corrupt('capture.file.header', offset + pos, 'pcapng');
      } else if (!this.started) {
        throw corrupt('capture.file.header', offset + pos, 'pcapng');
      }
      const little = this.little;
      const type = view.getUint32(pos, little);
      const length = view.getUint32(pos + 4, little);
      if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK) throw corrupt('capture.file.block', offset + pos, length);
      if (buf.length - pos < length) return { end: pos, need: length };
      // The fixed part of each block type must fit in the block, or reading it would run past the block's end.
      const least = MIN_LENGTH[type];
      if (least !== undefined && length < least) throw corrupt('capture.file.block', offset + pos, length);
      // Every block repeats its length at its end: a mismatch means the length (or the block) is damaged, and reading
      // on from it would frame the rest of the file wrongly.
      const trailer = view.getUint32(pos + length - 4, little);
      if (trailer !== length) throw new MqttSignError('capture.file.trailer', { offset: offset + pos, detail: length, trailer }, 1);
      if (type === SHB) {
        this.started = true;
        this.interfaces = [];
      } else if (type === IDB) {
        this.interfaces.push(readInterface(view, pos, length, little));
      } else if (type === EPB || type === PB) {
        const ifId = type === EPB ? view.getUint32(pos + 8, little) : view.getUint16(pos + 8, little);
        const iface = this.interfaces[ifId];
        if (!iface) throw corrupt('capture.file.interface', offset + pos, ifId);
        const captured = view.getUint32(pos + 20, little);
        if (28 + captured > length - 4) throw corrupt('capture.file.block', offset + pos, length);
        const { sec, nsec } = timestamp(iface, view.getUint32(pos + 12, little), view.getUint32(pos + 16, little));
        const frame: Frame = { number: ++this.count, sec, nsec, linkType: iface.linkType, data: buf.subarray(pos + 28, pos + 28 + captured) };
        onFrame(view.getUint32(pos + 24, little) > captured ? { ...frame, snaplen: iface.snaplen } : frame);
      } else if (type === SPB) {
        const iface = this.interfaces[0];
        if (!iface) throw corrupt('capture.file.interface', offset + pos, 0);
        // A Simple Packet Block has no timestamp and its captured length is implied by the block length.
        const original = view.getUint32(pos + 8, little);
        const captured = Math.min(original, length - 16);
        const frame: Frame = { number: ++this.count, sec: 0, nsec: 0, linkType: iface.linkType, data: buf.subarray(pos + 12, pos + 12 + captured) };
        onFrame(original > captured ? { ...frame, snaplen: iface.snaplen } : frame);
      }
      // Other blocks (name resolution, statistics, custom, decryption secrets) carry no frames.
      pos += length;
    }
    return { end: pos, need: 12 };
  }

  end(): void {
    if (!this.started) throw corrupt('capture.file.header', 0, 'pcapng');
    const rest = this.chunks.rest;
    if (rest.length > 0) throw corrupt('capture.file.truncated', rest.offset);
  }
}

function readInterface(view: DataView, pos: number, length: number, little: boolean): Interface {
  const linkType = view.getUint16(pos + 8, little);
  const snaplen = view.getUint32(pos + 12, little);
  let units = 1e6;
  let offset = 0;
  // Options: code (2), length (2), value padded to 4; they end at the trailing block length.
  let at = pos + 16;
  const end = pos + length - 4;
  while (at + 4 <= end) {
    const code = view.getUint16(at, little);
    const len = view.getUint16(at + 2, little);
    if (code === 0 || at + 4 + len > end) break;
    if (code === 9 && len >= 1) {
      const v = view.getUint8(at + 4);
      // if_tsresol: high bit clear = 10^-v, set = 2^-v.
      units = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
    } else if (code === 14 && len >= 8) {
      offset = Number(view.getBigInt64(at + 4, little));
    }
    at += 4 + Math.ceil(len / 4) * 4;
  }
  return { linkType, snaplen, units, offset, high: -1, highSec: 0, highRem: 0 };
}

/** A 64-bit count of units → seconds and nanoseconds, exact even where the count exceeds 2^53. */
function timestamp(iface: Interface, high: number, low: number): { sec: number; nsec: number } {
  if (iface.high !== high) {
    const base = BigInt(high) << 32n;
    const units = BigInt(iface.units);
    iface.high = high;
    iface.highSec = Number(base / units);
    iface.highRem = Number(base % units);
  }
  const total = iface.highRem + low;
  const extra = Math.floor(total / iface.units);
  const rem = total - extra * iface.units;
  return { sec: iface.highSec + extra + iface.offset, nsec: Math.round((rem * 1e9) / iface.units) };
}
