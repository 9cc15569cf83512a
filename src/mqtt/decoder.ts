/**
 * A streaming decoder: push chunks as they arrive (from a socket, a file, a capture), get back the packets they complete.
 *
 * What it holds: the chunks of the one packet that is still incomplete, as the caller's own arrays (no copy). A packet
 * that lies inside one chunk is decoded from a view of that chunk; only a packet that straddles chunks is copied, once,
 * into an array of its own size, and only when its last byte has arrived. The exception is a packet arriving in many
 * small chunks (a serial line, a trickle of 1-byte segments): a view costs ~100 bytes of heap whatever its length, so
 * past MAX_VIEWS small ones their bytes are gathered into one array grown by doubling, at most the packet's size.
 *
 * Before any body byte is kept, the fixed header is checked (packet type, flags, Remaining Length) and the packet's
 * size is compared with `maxPacketSize`, so a header claiming 256 MiB is refused at once and nothing is allocated for it.
 *
 * After an error the decoder is failed: where the next packet starts is no longer known, so every later push()
 * and end() throws the same error. Packets completed earlier in the same push() are not returned (as with decodeAll).
 */
import { DecodeError } from '../errors.js';
import { asBytes, checkFirstByte, decodeFrame, readRemainingLength, versionOption } from './decode.js';
import type { Decoded, ProtocolVersion } from './types.js';

/** The largest MQTT packet: 1 type byte, a 4-byte Remaining Length and 268,435,455 bytes after it (3.1.1 §2.2.3, 5.0 §1.5.5). */
const LARGEST_PACKET = 1 + 4 + 268_435_455;

/** Views kept of one packet's chunks before small chunks are gathered into an array instead (see #keep). */
const MAX_VIEWS = 64;
/** Chunks shorter than this on average are gathered: a view's own cost is then over a tenth of the bytes it holds. */
const SMALL_CHUNK = 1024;

export interface DecoderOptions {
  /** For every packet until a CONNECT, which carries its own version; the version then stays in force. Defaults to 4. */
  protocolVersion?: ProtocolVersion;
  /**
   * The largest packet accepted, in bytes, fixed header included (as MQTT 5.0's Maximum Packet Size counts it, §3.1.2.11.4).
   * Defaults to the largest packet MQTT allows (268,435,460).
   */
  maxPacketSize?: number;
}

export class Decoder {
  #version: ProtocolVersion;
  readonly #max: number;
  /** The incomplete packet's bytes: a view of the unread tail of each chunk it has reached so far. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** When set (many small chunks), the incomplete packet's first #pendingBytes bytes are here and #pending is empty. */
  #gathered: Uint8Array | undefined;
  /** The incomplete packet's whole size once its fixed header has arrived, else 0. */
  #need = 0;
  /** Stream offset of the first byte not yet returned in a packet: where the pending packet starts. */
  #offset = 0;
  #error: DecodeError | undefined;

  constructor(opts?: DecoderOptions) {
    this.#version = versionOption(opts);
    const max = opts?.maxPacketSize ?? LARGEST_PACKET;
    if (!Number.isInteger(max) || max < 2) {
      throw new DecodeError('decoder.max-size-option', { field: 'maxPacketSize', offset: 0, value: String(max) });
    }
    this.#max = max;
  }

  /** The version packets are read in now: the option's, or the last CONNECT's. */
  get protocolVersion(): ProtocolVersion {
    return this.#version;
  }

  /** Bytes received but not yet returned: the start of an incomplete packet. */
  get pending(): number {
    return this.#pendingBytes;
  }

  /** Stream offset of the next packet (bytes of all packets returned so far). */
  get offset(): number {
    return this.#offset;
  }

  /**
   * Takes the next chunk of the stream and returns the packets it completes, in order. Keeps a reference to the chunk
   * while a packet in it is incomplete; a packet returned from inside one chunk is a view of it too (its payload, and its
   * `fields`, read from those bytes when first asked for), so a caller that reuses its buffer copies the packets first
   * (Node's sockets give a fresh Buffer per chunk).
   * Throws DecodeError, with the offset counted from the start of the stream.
   */
  push(chunk: Uint8Array): Decoded[] {
    if (this.#error) throw this.#error;
    try {
      return this.#push(asBytes(chunk, 'chunk', this.#offset + this.#pendingBytes));
    } catch (error) {
      this.#error = error instanceof DecodeError ? error : new DecodeError('codec.decode.input', { field: 'chunk', offset: this.#offset });
      throw this.#error;
    }
  }

  /** Call when the stream ends: throws if it ended inside a packet (or the decoder had failed). */
  end(): void {
    if (this.#error) throw this.#error;
    if (this.#pendingBytes > 0) {
      this.#error = new DecodeError('decoder.ended-inside', { field: 'Packet Type', offset: this.#offset, have: this.#pendingBytes });
      throw this.#error;
    }
  }

  #push(chunk: Uint8Array): Decoded[] {
    const out: Decoded[] = [];
    if (chunk.length === 0) return out;
    let pos = 0;
    if (this.#pendingBytes > 0) {
      pos = this.#finishPending(chunk, out);
      if (pos < 0) return out;
    }
    // No packet pending: packets wholly inside the chunk are decoded from views of it.
    while (pos < chunk.length) {
      const size = this.#header(chunk, pos, chunk.length);
      if (size === undefined || size > chunk.length - pos) {
        this.#need = size ?? 0;
        this.#pending.push(chunk.subarray(pos));
        this.#pendingBytes = chunk.length - pos;
        return out;
      }
      this.#emit(chunk.subarray(pos, pos + size), out);
      pos += size;
    }
    return out;
  }

  /** Adds the chunk to the pending packet; returns where in the chunk the packets after it start, or -1 if it is still incomplete. */
  #finishPending(chunk: Uint8Array, out: Decoded[]): number {
    if (this.#need === 0) {
      // The fixed header itself was cut: at most 5 bytes, gathered from the pending views and the new chunk.
      const head = new Uint8Array(5);
      let n = 0;
      for (const part of [...this.#pending, chunk]) {
        for (let i = 0; i < part.length && n < 5; i++) head[n++] = part[i]!;
        if (n === 5) break;
      }
      this.#need = this.#header(head, 0, n) ?? 0;
    }
    const total = this.#pendingBytes + chunk.length;
    if (this.#need === 0 || total < this.#need) {
      this.#keep(chunk, total);
      return -1;
    }
    // The straddling packet is complete: copy just its bytes, once (gathered ones may already fill an array of its size).
    const gathered = this.#gathered;
    const have = this.#pendingBytes;
    let packet: Uint8Array;
    if (gathered !== undefined && gathered.length === this.#need) {
      packet = gathered;
    } else {
      packet = new Uint8Array(this.#need);
      if (gathered !== undefined) packet.set(gathered.subarray(0, have));
      let at = 0;
      for (const part of this.#pending) {
        packet.set(part, at);
        at += part.length;
      }
    }
    const used = this.#need - have;
    packet.set(chunk.subarray(0, used), have);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#gathered = undefined;
    this.#need = 0;
    this.#emit(packet, out);
    return used;
  }

  /**
   * Keeps a chunk of the incomplete packet (whose size is known, or whose header is at most 4 bytes in), `total` bytes
   * with it. As a view while there are few, or they are large; past MAX_VIEWS small ones, gathered: what is held then
   * stays within twice what arrived (and within the packet's size), not ~100 bytes per chunk.
   */
  #keep(chunk: Uint8Array, total: number): void {
    let gathered = this.#gathered;
    if (gathered === undefined) {
      this.#pending.push(chunk);
      this.#pendingBytes = total;
      if (this.#need === 0 || this.#pending.length <= MAX_VIEWS || total >= this.#pending.length * SMALL_CHUNK) return;
      gathered = new Uint8Array(Math.min(this.#need, 2 * total));
      let at = 0;
      for (const part of this.#pending) {
        gathered.set(part, at);
        at += part.length;
      }
      this.#pending = [];
      this.#gathered = gathered;
      return;
    }
    if (total > gathered.length) {
      const grown = new Uint8Array(Math.min(this.#need, Math.max(2 * gathered.length, total)));
      grown.set(gathered.subarray(0, this.#pendingBytes));
      this.#gathered = gathered = grown;
    }
    gathered.set(chunk, this.#pendingBytes);
    this.#pendingBytes = total;
  }

  /**
   * Checks the fixed header at `pos` and returns the packet's whole size, or undefined while the Remaining Length is
   * still incomplete. A bad type, bad flags, a malformed Remaining Length or a size over the limit throws at once.
   */
  #header(bytes: Uint8Array, pos: number, end: number): number | undefined {
    const base = this.#offset - pos;
    try {
      checkFirstByte(bytes[pos]!, pos, this.#version);
      const rl = readRemainingLength(bytes, pos + 1, end, true);
      if (rl === undefined) return undefined;
      const size = 1 + rl.length + rl.value;
      if (size > this.#max) {
        throw new DecodeError('decoder.too-large', { field: 'Remaining Length', offset: pos + 1, size, limit: this.#max });
      }
      return size;
    } catch (error) {
      throw rebased(error, base);
    }
  }

  #emit(bytes: Uint8Array, out: Decoded[]): void {
    try {
      const { decoded, version } = decodeFrame(bytes, this.#version);
      out.push(decoded);
      this.#version = version;
      this.#offset += bytes.length;
    } catch (error) {
      throw rebased(error, this.#offset);
    }
  }
}

/** The same error with its offset counted from the start of the stream rather than of the array it was read from. */
function rebased(error: unknown, base: number): unknown {
  if (!(error instanceof DecodeError) || base === 0) return error;
  return new DecodeError(error.code, { ...error.params, field: error.field, offset: error.offset + base });
}
