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

/** What a record parser returns: where the first incomplete record starts, and how long that record is. */
export interface Parsed {
  /** Position in buf of the first record that is not whole (buf.length when all were). */
  end: number;
  /**
   * Bytes the record at `end` needs in all, as far as its header tells: the header's own size while it is cut, the
   * whole record's once the header is read. Must exceed what buf holds from `end`.
   */
  need: number;
}

/**
 * Parses the records of a file fed in chunks. `parse(buf, pos, offset)` reads the whole records of buf from pos
 * (offset = file offset of buf[0]). Records are parsed in the chunk itself; the pieces of a record that straddles
 * chunks are kept as they come and joined once, when the record is whole: a 16 MiB record in 64 KiB chunks is
 * copied once, not once per chunk. What is held is at most that one record (the readers cap its length).
 */
export class Chunker {
  /** The pieces of the incomplete record at the end of the last chunk. */
  private pieces: Uint8Array[] = [];
  private held = 0;
  /** Bytes that record needs in all (its header's size until the header is whole). */
  private need = 0;
  /** File offset of the next chunk's first byte. */
  private offset = 0;

  feed(chunk: Uint8Array, parse: (buf: Uint8Array, pos: number, offset: number) => Parsed): void {
    let start = this.offset;
    this.offset += chunk.length;
    while (this.held > 0) {
      const missing = this.need - this.held;
      if (chunk.length < missing) {
        this.hold(chunk);
        return;
      }
      const joined = new Uint8Array(this.need);
      let at = 0;
      for (const piece of this.pieces) {
        joined.set(piece, at);
        at += piece.length;
      }
      joined.set(chunk.subarray(0, missing), at);
      const joinedStart = start - this.held;
      this.pieces = [];
      this.held = 0;
      chunk = chunk.subarray(missing);
      start += missing;
      const r = parse(joined, 0, joinedStart);
      // Whole: read on in the chunk itself. Not yet (only its header was whole): hold it with the length it now says.
      if (r.end < joined.length) this.hold(joined.subarray(r.end), r.need);
    }
    const r = parse(chunk, 0, start);
    if (r.end < chunk.length) this.hold(chunk.subarray(r.end), r.need);
  }

  private hold(piece: Uint8Array, need = this.need): void {
    if (piece.length === 0) return;
    this.pieces.push(piece);
    this.held += piece.length;
    // A parser that asks for no more than it has would never be answered; one byte more at least.
    this.need = Math.max(need, this.held + 1);
  }

  /** Bytes of an incomplete record left over, and the file offset where it starts. */
  get rest(): { length: number; offset: number } {
    return { length: this.held, offset: this.offset - this.held };
  }
}
