/** What every formatter takes and returns. Formatters are pure: packets and context in, text (or bytes) out. */
import type { Lang } from '../messages.js';
import type { NamedPacket, Paint } from './types.js';

/** Where the packets go; structurally the signer's Broker. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly url: string;
  /** ws:// or wss:// URL of MQTT over WebSocket, where known (the platform's docs, or --ws-url). */
  readonly websocket?: string;
  /** The WebSocket URL is not confirmed by the platform's documentation; app formats say so. */
  readonly websocketUnverified?: boolean;
}

/** The login the packets carry; structurally the signer's Credentials. Never the device secret. */
export interface Login {
  readonly clientId: string;
  readonly username: string | null;
  readonly password: string | null;
}

export interface Notice {
  readonly code: string;
  readonly message: string;
}

export interface FormatInput {
  /** In the order they are sent. */
  readonly packets: readonly NamedPacket[];
  /** MQTT protocol level of the packets (3 = 3.1, 4 = 3.1.1, 5 = 5.0): the table decodes non-CONNECT packets with it. */
  readonly protocolVersion?: 3 | 4 | 5;
  readonly platform?: string;
  readonly broker?: Endpoint;
  readonly credentials?: Login;
  /** Platform lint and notes, already rendered in the user's language. */
  readonly warnings?: readonly Notice[];
  /** When the credential stops working, Unix seconds; null = never; absent = not known (the summary leaves it out). */
  readonly expiresAt?: number | null;
  /** Extra outputs of the signer (a mosquitto password_file line, a registration reply topic). */
  readonly extras?: Readonly<Record<string, string>>;
  /** What `c` with `runtime` writes functions for; without it, the topics of the PUBLISH packets. */
  readonly runtime?: RuntimeSpec;
}

/** The topics and payload envelopes a firmware runtime header gets writers for (see c-runtime.ts). */
export interface RuntimeSpec {
  readonly topics: readonly RuntimeTopic[];
  readonly envelopes: readonly RuntimeEnvelope[];
}

export interface RuntimeTopic {
  /** The platform's standard topic name (property-post) or the topic itself; it names the writer. */
  readonly name: string;
  readonly topic: string;
  /** QoS of the writer's variant with a Packet Identifier; 0: only the QoS 0 writer. */
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
}

/**
 * A platform envelope as text with holes: the message id (decimal), the caller's params JSON, and the params' byte
 * length as a 16-bit big-endian number (OneNET's binary `$dp` type 3).
 */
export interface RuntimeEnvelope {
  /** The standard topic name it is for. */
  readonly name: string;
  readonly parts: readonly (string | { readonly slot: 'id' | 'params' | 'length16' })[];
  /** Where the platform wraps each value (OneNET {"value":…}), a params object in that shape, for the comment. */
  readonly paramsExample?: string;
}

/** A --modem value: a dialect (raw TCP or the modem's MQTT commands) or a module name mapped to one (see at-modems.ts). */
export type Modem = string;

export interface FormatOptions {
  /** Identifier prefix for c, arduino and python (default "mqtt"). */
  readonly name?: string;
  /** hex without spaces. */
  readonly compact?: boolean;
  /** c: a firmware runtime header (publish writers, reply readers) instead of the arrays alone. */
  readonly runtime?: boolean;
  /** AT dialect or module for the `at` format, and for the `at` steps of `json`. */
  readonly modem?: Modem;
  readonly lang?: Lang;
  readonly paint?: Paint;
}

export interface Formatted {
  /** The main output: stdout, and the clipboard with --copy. */
  readonly output: string | Uint8Array;
  /**
   * The same text as `output` in pieces of a bounded size, made as they are asked for: a writer that waits for its
   * reader between pieces then never holds a large output whole. Absent: the output is one piece.
   */
  readonly pieces?: () => Iterable<string>;
  /** Size-report lines for stderr, when the report cannot sit inside the output as comments. */
  readonly report: readonly string[];
  /** Problems the format itself found (e.g. a byte a modem treats specially). */
  readonly warnings: readonly Notice[];
}

export type Formatter = (input: FormatInput, options: FormatOptions) => Formatted;
