/**
 * What the capture file readers hand on: one captured link-layer frame. Readers are push-based so a file
 * of any size streams through in chunks; `data` is a view into the reader's buffer, valid until the next push.
 */
import { MqttSignError } from '../errors.js';

export interface Frame {
  /** 1-based frame number, as Wireshark counts. */
  readonly number: number;
  /** Capture time: whole seconds since the epoch, and nanoseconds within that second. */
  readonly sec: number;
  readonly nsec: number;
  /** LINKTYPE_* value of the interface the frame came from. */
  readonly linkType: number;
  readonly data: Uint8Array;
  /** Set when the frame is shorter on file than it was on the wire: the capture's snaplen (0 when not known) cut it. */
  readonly snaplen?: number;
}

export interface FrameReader {
  /** Feed the next chunk of the file; calls onFrame for every whole record in it. */
  push(chunk: Uint8Array, onFrame: (frame: Frame) => void): void;
  /** The file ended; throws when it ended inside a record. */
  end(): void;
}

/** A capture file we cannot read on: bad header, impossible record length, cut off inside a record. Exit 1. */
export function corrupt(code: string, offset: number, detail: string | number = ''): MqttSignError {
  return new MqttSignError(code, { offset, detail }, 1);
}

/**
 * Parses the records of a file fed in chunks. `parse(buf, pos, offset)` reads the whole records of buf from pos
 * (offset = file offset of buf[0]) and returns where the first incomplete one starts. Records are parsed in the
 * chunk itself; only a record that straddles two chunks is joined, with just enough of the next chunk.
 */
export class Chunker {
  /** The incomplete record at the end of the last chunk. */
  private left: Uint8Array = new Uint8Array(0);
  /** File offset of the next chunk's first byte. */
  private offset = 0;

  feed(chunk: Uint8Array, parse: (buf: Uint8Array, pos: number, offset: number) => number): void {
    const left = this.left;
    const start = this.offset;
    this.offset += chunk.length;
    if (left.length === 0) {
      this.left = chunk.subarray(parse(chunk, 0, start));
      return;
    }
    // Join the straddling record with a prefix of the chunk, growing the prefix until the record is whole (starting
    // small: the records after it are read in the chunk itself, not in a copy).
    for (let take = Math.min(chunk.length, 1 << 12); ; take = Math.min(chunk.length, take * 4)) {
      const joined = new Uint8Array(left.length + take);
      joined.set(left, 0);
      joined.set(chunk.subarray(0, take), left.length);
      const end = parse(joined, 0, start - left.length);
      if (end >= left.length) {
        this.left = chunk.subarray(parse(chunk, end - left.length, start));
        return;
      }
      if (take === chunk.length) {
        this.left = joined.subarray(end);
        return;
      }
    }
  }

  /** Bytes of an incomplete record left over, and the file offset where it starts. */
  get rest(): { length: number; offset: number } {
    return { length: this.left.length, offset: this.offset - this.left.length };
  }
}
