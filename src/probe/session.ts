/** The client side of one MQTT conversation over a Link: write packets, read the server's packets one by one. */
import { DecodeError } from '../errors.js';
import { readRemainingLength } from '../mqtt/decode.js';
import { Decoder, encode, type Packet } from '../mqtt/index.js';
import { WS_TEXT_FRAME, WS_TOO_LARGE, type Link, type TransportError } from './types.js';

type Arrival =
  | { readonly kind: 'packet'; readonly packet: Packet }
  /** The server closed (or the link failed) with nothing left to read. */
  | { readonly kind: 'closed'; readonly error: TransportError | null }
  /**
   * Bytes that are not the MQTT a server sends: the first bytes of the offending packet, kept to recognise what
   * answered instead. `size` and `limit` when its header announced more than a probe accepts.
   */
  | { readonly kind: 'foreign'; readonly bytes: Uint8Array; readonly size?: number; readonly limit?: number };

/** CONNACK's first byte: type 2, flags 0 [MQTT-2.2.2-2]. */
const CONNACK_BYTE = 0x20;
/**
 * The largest CONNACK, fixed header included. 3.1 and 3.1.1: Remaining Length is exactly 2 (3.1.1 §3.2.1).
 * 5.0 adds properties and sets no bound of its own; brokers send tens of bytes, so 64 KiB is far above any real one.
 */
const CONNACK_MAX: Readonly<Record<3 | 4 | 5, number>> = { 3: 4, 4: 4, 5: 64 * 1024 };
/**
 * Any later packet (SUBACK, PUBACK, the echoed message, whatever else the broker delivers). The probe's own packets
 * are under 200 bytes and cloud platforms cap messages at 256 KiB: what a hostile server can make us hold is this.
 */
const PACKET_MAX = 1024 * 1024;
/** Bytes kept of the packet being read, for recognise() and the report's preview. */
const HEAD_BYTES = 64;
/** Small chunks in the middle of a packet are gathered into arrays of this size before the decoder sees them. */
const STAGE_BYTES = 16 * 1024;

export class Session {
  /** Holds only the packet in progress and refuses one whose header is over the limit: memory stays bounded, copying linear. */
  private readonly decoder: Decoder;
  private readonly queue: Packet[] = [];
  private received = 0;
  /** Stream offset of the next chunk. */
  private streamed = 0;
  /** The first bytes (at most HEAD_BYTES) of the packet being read. */
  private head: Uint8Array = new Uint8Array(0);
  /**
   * The decoder keeps every chunk it is given until its packet completes; a server dripping one byte per segment
   * would make it hold a million small arrays (each costing far more than its byte) for one packet.
   */
  private stage = new Uint8Array(STAGE_BYTES);
  private staged = 0;
  private foreign: Extract<Arrival, { kind: 'foreign' }> | null = null;
  private ended: { error: TransportError | null } | null = null;
  private wake: () => void = () => {};

  constructor(
    private readonly link: Link,
    private readonly protocolVersion: 3 | 4 | 5,
  ) {
    this.decoder = new Decoder({ protocolVersion, maxPacketSize: PACKET_MAX });
    link.onData((bytes) => {
      this.take(bytes);
      this.wake();
    });
    link.onClose((error) => {
      this.ended = { error };
      this.wake();
    });
  }

  send(packet: Packet): void {
    this.write(encode(packet, { protocolVersion: this.protocolVersion }));
  }

  write(bytes: Uint8Array): void {
    this.link.write(bytes);
  }

  /** The next thing the server did; rejects when `signal` aborts (the caller's time bound). */
  async next(signal: AbortSignal): Promise<Arrival> {
    for (;;) {
      const packet = this.queue.shift();
      if (packet) return { kind: 'packet', packet };
      if (this.foreign) return this.foreign;
      // A close in the middle of a packet leaves bytes that were no complete MQTT answer; a WebSocket message
      // refused (for its size, or as text) is the reason, whatever came before it.
      const refused = this.ended?.error?.code === WS_TOO_LARGE || this.ended?.error?.code === WS_TEXT_FRAME;
      const partial = this.decoder.pending + this.staged > 0 && !refused;
      if (this.ended) return partial ? { kind: 'foreign', bytes: this.head } : { kind: 'closed', error: this.ended.error };
      await new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(new Error('aborted'));
        const onAbort = () => reject(new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
  }

  private take(bytes: Uint8Array): void {
    if (this.foreign || bytes.length === 0) return;
    const start = this.streamed;
    this.streamed += bytes.length;
    const before = this.decoder.offset;
    // The packet in progress goes on into this chunk, or starts with it.
    if (this.decoder.pending === 0) this.head = bytes.slice(0, HEAD_BYTES);
    else if (this.head.length < HEAD_BYTES) this.head = concat(this.head, bytes.subarray(0, HEAD_BYTES - this.head.length));
    if (this.received === 0 && !this.firstHeaderOk()) return;
    const need = this.decoder.pending > 0 ? this.need() : 0;
    if (bytes.length < STAGE_BYTES - this.staged && this.decoder.pending + this.staged + bytes.length < need) {
      // Completes nothing: copied once, handed over with the chunks after it.
      this.stage.set(bytes, this.staged);
      this.staged += bytes.length;
      return;
    }
    try {
      if (this.staged > 0) {
        const staged = this.stage.subarray(0, this.staged);
        this.stage = new Uint8Array(STAGE_BYTES);
        this.staged = 0;
        this.decoder.push(staged);
      }
      // The CONNACK alone first: the decoder returns nothing of a push that fails, and a bad packet right
      // after it must not hide the server's answer.
      const split = this.received === 0 ? this.need() - start : 0;
      for (const part of split > 0 && split < bytes.length ? [bytes.subarray(0, split), bytes.subarray(split)] : [bytes]) {
        const packets = this.decoder.push(part);
        this.received += packets.length;
        for (const { packet } of packets) this.queue.push(packet);
      }
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.keepHead(bytes, start, before);
      const { size, limit } = error.code === 'decoder.too-large' ? error.params : {};
      this.foreign = { kind: 'foreign', bytes: this.head, ...(typeof size === 'number' && typeof limit === 'number' ? { size, limit } : {}) };
      return;
    }
    this.keepHead(bytes, start, before);
  }

  /** When packets ended in this chunk, the next one starts in it too. */
  private keepHead(bytes: Uint8Array, start: number, before: number): void {
    const at = this.decoder.offset - start;
    if (this.decoder.offset !== before) this.head = bytes.slice(at, at + HEAD_BYTES);
  }

  /** The size of the packet in progress, from its header; 0 while the header is incomplete. */
  private need(): number {
    try {
      const length = readRemainingLength(this.head, 1, this.head.length, true);
      return length === undefined ? 0 : 1 + length.length + length.value;
    } catch {
      return 0;
    }
  }

  /**
   * [MQTT-3.2.0-1] the server's first packet must be a CONNACK: anything else is another kind of server. Its size is
   * judged from the fixed header alone, before a byte of the body is kept.
   */
  private firstHeaderOk(): boolean {
    if (this.head[0] !== CONNACK_BYTE) {
      this.foreign = { kind: 'foreign', bytes: this.head };
      return false;
    }
    let length: { value: number; length: number } | undefined;
    try {
      length = readRemainingLength(this.head, 1, this.head.length, true);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.foreign = { kind: 'foreign', bytes: this.head };
      return false;
    }
    if (length === undefined) return true;
    const size = 1 + length.length + length.value;
    const limit = CONNACK_MAX[this.protocolVersion];
    if (size <= limit) return true;
    this.foreign = { kind: 'foreign', bytes: this.head, size, limit };
    return false;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
