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
 * Bytes not yet consumed, across chunks. Only the unread tail of one chunk is copied into the next;
 * records are parsed in place.
 */
export class Pending {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  /** File offset of buf[0], for error messages. */
  base = 0;

  append(chunk: Uint8Array): void {
    const left = this.buf.length - this.pos;
    if (left === 0) {
      this.base += this.buf.length;
      this.buf = chunk;
    } else {
      const joined = new Uint8Array(left + chunk.length);
      joined.set(this.buf.subarray(this.pos), 0);
      joined.set(chunk, left);
      this.base += this.pos;
      this.buf = joined;
    }
    this.pos = 0;
  }

  get available(): number {
    return this.buf.length - this.pos;
  }

  get offset(): number {
    return this.base + this.pos;
  }
}
