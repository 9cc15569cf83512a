/** What decoding any input yields: one MQTT packet (or a run of bytes that is not one), and where it was. */
import type { Field, Packet, ProtocolVersion } from '../mqtt/types.js';
import type { Problem } from './diagnose.js';
import { fieldsOf } from '../mqtt/decode.js';

export type Direction = 'client->broker' | 'broker->client';

export interface CapturedPacket {
  /** Running number in the output, from 0. */
  readonly index: number;
  /** TCP stream number (as Wireshark's tcp.stream); null for plain bytes. */
  readonly stream: number | null;
  readonly direction: Direction | null;
  /** Seconds since the first frame of the capture; null for plain bytes. */
  readonly time: number | null;
  /** Frame number (from 1) in which the packet was completed; null for plain bytes. */
  readonly frame: number | null;
  /** When that frame was captured, in milliseconds since the epoch (for judging expiry); null for plain bytes. */
  readonly epochMs: number | null;
  /** Byte offset in the stream (a TCP direction) or in the plain input. */
  readonly offset: number;
  readonly bytes: Uint8Array;
  readonly protocolVersion: ProtocolVersion;
  /** null when the bytes are malformed; `problems` says why. */
  readonly packet: Packet | null;
  /** The decoder's fields, offsets from the packet's first byte; computed on first access. */
  readonly fields: readonly Field[];
  readonly problems: readonly Problem[];
}

/**
 * The one object made per packet: the splitter fills what it knows, the capture reader adds where and when.
 * The fields are recorded on first access (a second decoding pass, of this packet's bytes alone).
 */
export class Captured implements CapturedPacket {
  index = 0;
  stream: number | null = null;
  direction: Direction | null = null;
  time: number | null = null;
  frame: number | null = null;
  epochMs: number | null = null;
  #fields: readonly Field[] | undefined;

  constructor(
    readonly offset: number,
    readonly bytes: Uint8Array,
    readonly protocolVersion: ProtocolVersion,
    readonly packet: Packet | null,
    readonly problems: readonly Problem[],
  ) {}

  get fields(): readonly Field[] {
    if (this.#fields === undefined) this.#fields = this.packet ? fieldsOf(this.bytes, this.protocolVersion) : [];
    return this.#fields;
  }
}
