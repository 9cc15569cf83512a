/**
 * Classic libpcap files, read as a stream of records.
 * Format: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html (24-byte file header, 16-byte record headers).
 */
import { Chunker, corrupt, type Frame, type FrameReader, type Parsed } from './frame.js';

/** Magic numbers as read big-endian: microsecond and nanosecond files, in either byte order. */
export const PCAP_MAGIC = [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1] as const;

/**
 * The largest record we accept. Real snap lengths are at most 256 KiB (tcpdump's and Wireshark's default, and
 * libpcap's own maximum), so more means a corrupt length field; the cap also bounds what a record held across chunks
 * may cost in memory, whatever the file claims.
 */
const MAX_RECORD = 16 << 20;

export class PcapReader implements FrameReader {
  private readonly chunks = new Chunker();
  private header: { little: boolean; nano: boolean; linkType: number; snaplen: number } | null = null;
  private count = 0;

  push(chunk: Uint8Array, onFrame: (frame: Frame) => void): void {
    this.chunks.feed(chunk, (buf, pos, offset) => this.parse(buf, pos, offset, onFrame));
  }

  private parse(buf: Uint8Array, pos: number, offset: number, onFrame: (frame: Frame) => void): Parsed {
    if (!this.header) {
      if (buf.length - pos < 24) return { end: pos, need: 24 };
      this.header = readHeader(buf, pos);
      pos += 24;
    }
    const { little, nano, linkType } = this.header;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (buf.length - pos >= 16) {
      const incl = view.getUint32(pos + 8, little);
      if (incl > MAX_RECORD) throw corrupt('capture.file.record', offset + pos, incl);
      if (buf.length - pos - 16 < incl) return { end: pos, need: 16 + incl };
      const frac = view.getUint32(pos + 4, little);
      const frame: Frame = {
        number: ++this.count,
        sec: view.getUint32(pos, little),
        nsec: nano ? frac : frac * 1000,
        linkType,
        data: buf.subarray(pos + 16, pos + 16 + incl),
      };
      // orig_len > incl_len: the snaplen cut the frame.
      onFrame(view.getUint32(pos + 12, little) > incl ? { ...frame, snaplen: this.header.snaplen } : frame);
      pos += 16 + incl;
    }
    return { end: pos, need: 16 };
  }

  end(): void {
    if (!this.header) throw corrupt('capture.file.header', 0, 'pcap');
    const rest = this.chunks.rest;
    if (rest.length > 0) throw corrupt('capture.file.truncated', rest.offset);
  }
}

function readHeader(buf: Uint8Array, pos: number): { little: boolean; nano: boolean; linkType: number; snaplen: number } {
  const view = new DataView(buf.buffer, buf.byteOffset + pos, 24);
  const magic = view.getUint32(0, false);
  const index = (PCAP_MAGIC as readonly number[]).indexOf(magic);
  if (index === -1) throw corrupt('capture.file.header', 0, 'pcap');
  const little = index === 1 || index === 3;
  // The upper bits of the link type field carry FCS information; the type is the low 16 bits.
  return { little, nano: index >= 2, linkType: view.getUint32(20, little) & 0xffff, snaplen: view.getUint32(16, little) };
}
