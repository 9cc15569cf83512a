/** The client side of one MQTT conversation over a Link: write packets, read the server's packets one by one. */
import { DecodeError } from '../errors.js';
import { decodeAll, encode, type Packet } from '../mqtt/index.js';
import type { Link, TransportError } from './types.js';

export type Arrival =
  | { readonly kind: 'packet'; readonly packet: Packet }
  /** The server closed (or the link failed) with nothing left to read. */
  | { readonly kind: 'closed'; readonly error: TransportError | null }
  /** Bytes that are not the MQTT a server sends; kept to recognise what answered instead. */
  | { readonly kind: 'foreign'; readonly bytes: Uint8Array };

/** CONNACK's first byte: type 2, flags 0 [MQTT-2.2.2-2]. */
const CONNACK_BYTE = 0x20;

export class Session {
  private buffer: Uint8Array = new Uint8Array(0);
  private readonly queue: Packet[] = [];
  private received = 0;
  private foreign: Uint8Array | null = null;
  private ended: { error: TransportError | null } | null = null;
  private wake: () => void = () => {};

  constructor(
    private readonly link: Link,
    private readonly protocolVersion: 3 | 4 | 5,
  ) {
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
      if (this.foreign) return { kind: 'foreign', bytes: this.foreign };
      // A close in the middle of a packet leaves bytes that were no complete MQTT answer.
      if (this.ended) return this.buffer.length > 0 ? { kind: 'foreign', bytes: this.buffer } : { kind: 'closed', error: this.ended.error };
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
    if (this.foreign) return;
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.length);
    this.buffer = joined;
    // [MQTT-3.2.0-1] the server's first packet must be a CONNACK: anything else is another kind of server.
    if (this.received === 0 && this.buffer[0] !== CONNACK_BYTE) {
      this.foreign = this.buffer;
      return;
    }
    try {
      const { packets, rest } = decodeAll(this.buffer, { protocolVersion: this.protocolVersion });
      this.received += packets.length;
      this.queue.push(...packets);
      this.buffer = rest;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.foreign = this.buffer;
    }
  }
}
