/**
 * Byte primitives: big-endian integers, the variable byte integer, length-prefixed UTF-8 strings and binary data.
 * The only MQTT knowledge here is the variable byte integer's limits (4 bytes, minimal form).
 * Readers check that the bytes are there before touching them, and throw DecodeError naming the field and offset.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { DecodeError } from './errors.js';

/** The largest value a four-byte variable byte integer holds (MQTT 3.1.1 §2.2.3, 5.0 §1.5.5). */
export const VARINT_MAX = 268_435_455;

/** The longest UTF-8 string or binary field: its length is a two-byte integer. */
export const U16_MAX = 0xffff;

/** Bytes a variable byte integer takes for `value` (0 ≤ value ≤ VARINT_MAX). */
export function varintLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : 4;
}

/** Why a string cannot be written as an MQTT UTF-8 string: it holds U+0000 or a lone UTF-16 surrogate. */
export const NULL_CHAR = -1;
export const LONE_SURROGATE = -2;

/**
 * UTF-8 byte length of a string, or NULL_CHAR / LONE_SURROGATE when it may not be written as a UTF-8 string
 * ([MQTT-1.5.3-1], [MQTT-1.5.3-2]; 5.0 [MQTT-1.5.4-1], [MQTT-1.5.4-2]). One pass measures and validates.
 */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0) return NULL_CHAR;
      length += 1;
    } else if (c < 0x800) {
      length += 2;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return LONE_SURROGATE;
      length += 4;
      i++;
    } else {
      length += 3;
    }
  }
  return length;
}

/** Whether `bytes` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF). */
export function isWellFormedUtf8(bytes: Uint8Array): boolean {
  return isUtf8(bytes);
}

/**
 * Small packets are carved from a shared 8 KiB ArrayBuffer, as Node's Buffer.allocUnsafe does: one view per packet
 * instead of a fresh ArrayBuffer, which is several times faster. A packet's bytes are never shared with another's, but
 * its `.buffer` is the pool's: the pool starts zeroed (no memory of the process shows through it), a packet with
 * credentials (CONNECT, AUTH: `own`) gets a buffer of its own, and a pool whose buffer the caller transferred
 * (postMessage, structuredClone; it is then detached) is replaced rather than written into.
 */
const POOL_SIZE = 8 * 1024;
// Made for the first small packet: a run that only decodes never needs it.
let pool: Buffer | undefined;
let poolOffset = POOL_SIZE;

/** Writes into one buffer of a size computed beforehand; the caller has validated every value. */
export class ByteWriter {
  /** A Buffer over the whole backing store, for its native string writer; positions in it are absolute. */
  private readonly buf: Buffer;
  private readonly view: Uint8Array;
  private readonly start: number;
  private pos: number;

  constructor(size: number, target?: Uint8Array, offset = 0, own = false) {
    if (target) {
      // encodeInto: the caller's buffer, already checked to hold `size` bytes from `offset`; no allocation at all.
      this.buf = Buffer.from(target.buffer, target.byteOffset, target.byteLength);
      this.start = offset;
    } else if (size > POOL_SIZE >>> 2) {
      // Written whole (its size is computed beforehand), so nothing uninitialised is left in it.
      this.buf = Buffer.allocUnsafeSlow(size);
      this.start = 0;
    } else if (own) {
      this.buf = Buffer.alloc(size);
      this.start = 0;
    } else {
      if (pool === undefined || poolOffset + size > POOL_SIZE || pool.buffer.byteLength === 0) {
        pool = Buffer.alloc(POOL_SIZE);
        poolOffset = 0;
      }
      this.buf = pool;
      this.start = poolOffset;
      // Keep the next packet 8-byte aligned, as Node's pool does.
      poolOffset = (poolOffset + size + 7) & ~7;
    }
    this.pos = this.start;
    this.view = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.start, size);
  }

  /** The bytes written so far: a plain Uint8Array (for a small packet, a view of the pool; slice() it to own it). */
  get bytes(): Uint8Array {
    const written = this.pos - this.start;
    return written === this.view.length ? this.view : this.view.subarray(0, written);
  }

  u8(value: number): void {
    this.buf[this.pos++] = value;
  }

  u16(value: number): void {
    this.buf[this.pos++] = value >>> 8;
    this.buf[this.pos++] = value & 0xff;
  }

  u32(value: number): void {
    this.buf.writeUInt32BE(value, this.pos);
    this.pos += 4;
  }

  varint(value: number): void {
    do {
      let byte = value % 0x80;
      value = Math.floor(value / 0x80);
      if (value > 0) byte |= 0x80;
      this.buf[this.pos++] = byte;
    } while (value > 0);
  }

  /** A string without its length prefix; `byteLength` is its UTF-8 length, measured by the caller. */
  text(value: string, byteLength: number): void {
    if (byteLength === value.length && byteLength < 1024) {
      // ASCII: a loop beats crossing into the native encoder for the strings MQTT packets carry.
      for (let i = 0; i < byteLength; i++) this.buf[this.pos + i] = value.charCodeAt(i);
    } else {
      this.buf.write(value, this.pos, byteLength, 'utf8');
    }
    this.pos += byteLength;
  }

  /** A two-byte length, then the string. */
  utf8(value: string, byteLength: number): void {
    this.u16(byteLength);
    this.text(value, byteLength);
  }

  raw(bytes: Uint8Array): void {
    if (bytes.length < 48) {
      for (let i = 0; i < bytes.length; i++) this.buf[this.pos + i] = bytes[i]!;
    } else {
      this.buf.set(bytes, this.pos);
    }
    this.pos += bytes.length;
  }

  /** A two-byte length, then the bytes. */
  binary(bytes: Uint8Array): void {
    this.u16(bytes.length);
    this.raw(bytes);
  }
}

/** Why a varint could not be read, for framing code that must tell "incomplete" from "malformed". */
type VarintPeek = { value: number; length: number } | 'incomplete' | 'too-long' | 'not-minimal';

/** Reads a variable byte integer at `pos` without throwing; `end` bounds the data available. */
export function peekVarint(bytes: Uint8Array, pos: number, end: number): VarintPeek {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    if (pos + i >= end) return 'incomplete';
    const byte = bytes[pos + i]!;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      // [MQTT-1.5.5-1] the fewest bytes: a last byte of 0 after a continuation means a longer form than needed.
      if (i > 0 && byte === 0) return 'not-minimal';
      return { value, length: i + 1 };
    }
    multiplier *= 0x80;
  }
  return 'too-long';
}

/**
 * Reads fields from `bytes` between `pos` and `end`. Every read checks the bytes are there first, so nothing is
 * allocated by a length from the input before the data behind it has been seen.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;
  private text: Buffer | undefined;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `count` bytes are left for `field`. */
  need(count: number, field: string): void {
    if (this.end - this.pos < count) {
      throw new DecodeError('codec.decode.truncated', { field, offset: this.pos, need: count, have: this.end - this.pos });
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const value = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return value;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return b[p]! * 0x100_0000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  varint(field: string): number {
    const peek = peekVarint(this.bytes, this.pos, this.end);
    if (typeof peek === 'object') {
      this.pos += peek.length;
      return peek.value;
    }
    if (peek === 'incomplete') {
      throw new DecodeError('codec.decode.truncated', { field, offset: this.pos, need: this.remaining + 1, have: this.remaining });
    }
    const code = peek === 'too-long' ? 'codec.decode.varint-too-long' : 'codec.decode.varint-not-minimal';
    throw new DecodeError(code, { field, offset: this.pos, rule: 'MQTT-1.5.5-1' });
  }

  /** `length` bytes as a view into the input (no copy). */
  raw(length: number, field: string): Uint8Array {
    this.need(length, field);
    const start = this.pos;
    this.pos += length;
    return this.bytes.subarray(start, start + length);
  }

  /**
   * `length` bytes as a string. Ill-formed UTF-8 and U+0000 are refused with the version's rule ids, passed in
   * because the two specs number them differently. A BOM is kept, as [MQTT-1.5.4-3] asks.
   */
  chars(length: number, field: string, rules: { utf8: string; nul: string }): string {
    this.need(length, field);
    const b = this.bytes;
    const start = this.pos;
    const stop = start + length;
    let ascii = true;
    for (let i = start; i < stop; i++) {
      const c = b[i]!;
      if (c === 0) throw new DecodeError('codec.decode.null-char', { field, offset: i, rule: rules.nul });
      if (c >= 0x80) ascii = false;
    }
    this.pos = stop;
    if (length === 0) return '';
    if (ascii && length < 24) return String.fromCharCode.apply(null, b.subarray(start, stop) as unknown as number[]);
    this.text ??= Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    if (ascii) return this.text.toString('latin1', start, stop);
    if (!isUtf8(b.subarray(start, stop))) {
      throw new DecodeError('codec.decode.utf8', { field, offset: start, rule: rules.utf8 });
    }
    return this.text.toString('utf8', start, stop);
  }
}

/** The same bytes in the same order. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The same memory as a plain Uint8Array. A Node Buffer (what file and pipe streams give) is a Uint8Array whose
 * `slice()` returns a view, not a copy: code that copies with `slice()` to change the copy would change the input.
 */
export function asUint8Array(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
