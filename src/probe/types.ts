/**
 * The shapes of a probe: what the edge hands in (Transport, Clock, options) and what comes back (steps).
 * The dialogue never opens a socket itself; every byte goes through a Link the Transport made.
 */
import type { Params } from '../messages.js';

export type TransportKind = 'mqtt' | 'mqtts' | 'ws' | 'wss';
export type StepName = 'dns' | 'tcp' | 'tls' | 'websocket' | 'mqtt' | 'roundtrip';

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  readonly transport: TransportKind;
  /** WebSocket path, e.g. "/mqtt"; unused for mqtt/mqtts. */
  readonly path: string;
}

/** One open byte stream: TCP, TLS over TCP, or WebSocket messages over either. */
export interface Link {
  write(bytes: Uint8Array): void;
  /** Bytes as they arrive; the Transport buffers nothing for a link nobody listens to. */
  onData(listener: (bytes: Uint8Array) => void): void;
  /** Called once when the peer closes or the link fails; `error` is null for an orderly close. */
  onClose(listener: (error: TransportError | null) => void): void;
  /** Release the link at once (destroy, not a graceful shutdown). Idempotent. */
  close(): void;
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** What the TLS handshake showed. Chain and hostname are checked by the edge, judged by the core. */
export interface TlsFacts {
  /** e.g. "TLSv1.3". */
  readonly protocol: string | null;
  /** The SNI sent; null for an IP address (SNI carries names only, RFC 6066 §3). */
  readonly servername: string | null;
  /** OpenSSL's verdict on the chain (e.g. CERT_HAS_EXPIRED), null when the chain is trusted. */
  readonly chainError: string | null;
  /** Why the certificate does not cover the host we asked for (checkServerIdentity), null when it does. */
  readonly hostnameError: string | null;
  readonly certificate: {
    readonly subject: string;
    readonly issuer: string;
    /** The subjectAltName list as text, e.g. "DNS:localhost, IP Address:127.0.0.1". */
    readonly altNames: string;
    /** Epoch milliseconds. */
    readonly validFrom: number;
    readonly validTo: number;
  } | null;
}

export interface TlsOptions {
  /** SNI and the name checked against the certificate. */
  readonly host: string;
  /** Extra trusted CA certificates (PEM); the platform's default roots otherwise. */
  readonly ca?: Uint8Array | string;
}

export interface WebSocketOptions {
  /** ws:// or wss:// URL, for the Host header and the request path. */
  readonly url: string;
  /** Sec-WebSocket-Protocol to ask for; MQTT over WebSocket uses "mqtt" [MQTT-6.0.0-3]. */
  readonly protocol: string;
}

/**
 * Sockets, as the edge provides them. Every method must honour `signal`: when it aborts, release what it
 * opened and reject. Failures reject with a TransportError whose code the core maps to a cause.
 */
export interface Transport {
  /** The addresses the system resolver gives for host (A and AAAA), in the order a client would try them. */
  resolve(host: string, signal: AbortSignal): Promise<readonly ResolvedAddress[]>;
  tcp(address: ResolvedAddress, port: number, signal: AbortSignal): Promise<Link>;
  /** Upgrade a fresh TCP link to TLS. Never rejects for an untrusted certificate: reports it in TlsFacts. */
  tls(link: Link, options: TlsOptions, signal: AbortSignal): Promise<{ link: Link; facts: TlsFacts }>;
  /** Perform the WebSocket upgrade over a TCP or TLS link; the result carries binary messages. */
  websocket(link: Link, options: WebSocketOptions, signal: AbortSignal): Promise<Link>;
}

/**
 * A failure a Transport reports. `code` is a Node/OpenSSL error code (ECONNREFUSED, ENOTFOUND, ECONNRESET,
 * ERR_SSL_WRONG_VERSION_NUMBER, …) or one of the WS_* codes below; `status`/`server` describe an HTTP answer.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: string;
  readonly status: number | undefined;
  readonly server: string | undefined;
  /** The first bytes of what the server sent, when that is the error (WS_TEXT_FRAME): enough to recognise it. */
  readonly head: Uint8Array | undefined;
  /** Where an HTTP redirect (3xx) pointed, which WebSocket clients do not follow. */
  readonly location: string | undefined;
  constructor(code: string, message: string, extra: { status?: number; server?: string; head?: Uint8Array; location?: string } = {}) {
    super(message);
    this.code = code;
    this.status = extra.status;
    this.server = extra.server;
    this.head = extra.head;
    this.location = extra.location;
  }
}

/** WebSocket upgrade failures, named by the Transport. */
export const WS_HTTP_STATUS = 'WS_HTTP_STATUS';
export const WS_BAD_SUBPROTOCOL = 'WS_BAD_SUBPROTOCOL';
export const WS_NOT_HTTP = 'WS_NOT_HTTP';
export const WS_BAD_UPGRADE = 'WS_BAD_UPGRADE';
/** After the upgrade: the server sent a message over WS_MESSAGE_MAX; the Transport closed the link with this error. */
export const WS_TOO_LARGE = 'WS_TOO_LARGE';
/** After the upgrade: the server sent a text message, which an MQTT client must close the connection on [MQTT-6.0.0-1]. */
export const WS_TEXT_FRAME = 'WS_TEXT_FRAME';
/**
 * The largest WebSocket message a probe takes. The session holds at most a 1 MiB packet; a broker sends each packet
 * as its own message (mosquitto one lws_write per packet), so twice that leaves room and still bounds what a hostile
 * server can make us hold (ws alone would gather 100 MiB, its default maxPayload, before a byte reached the session).
 */
export const WS_MESSAGE_MAX = 2 * 1024 * 1024;

export interface Clock {
  /** Monotonic milliseconds, for step durations. */
  elapsed(): number;
  /** Run fn after ms; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

export interface ProbeCredentials {
  readonly clientId: string;
  readonly username: string | null;
  readonly password: string | null;
}

export interface ProbeOptions {
  /** Credentials to log in with; anonymous with a generated clientId when absent. */
  readonly credentials?: ProbeCredentials;
  /** Platform id whose CONNACK meanings apply (aliyun, onenet, huawei, …); "generic" when absent. */
  readonly platform?: string;
  /** Bound for every step, milliseconds. */
  readonly timeoutMs: number;
  /** MQTT protocol level: 3 (3.1), 4 (3.1.1, default) or 5. */
  readonly protocolVersion?: 3 | 4 | 5;
  readonly keepalive?: number;
  readonly roundtrip?: boolean;
  /** Topic for the round trip; mqtt-sign/probe/<nonce> when absent. */
  readonly topic?: string;
  /** Trusted CA certificates for TLS, PEM. */
  readonly ca?: Uint8Array | string;
  /** Accept an untrusted, expired or misnamed certificate (report it, but go on). */
  readonly insecure?: boolean;
  /** Caller-supplied randomness (hex or alphanumerics): the anonymous clientId, topic and payload nonce. */
  readonly random: string;
  readonly clock: Clock;
  /** Abort the probe (Ctrl-C); everything opened is released. */
  readonly signal?: AbortSignal;
}

/** A catalogue code and its params: rendered in the user's language at the edge. */
export interface Text {
  readonly code: string;
  readonly params?: Params;
}

export interface StepResult {
  readonly step: StepName;
  readonly ok: boolean;
  /** Milliseconds the step took. */
  readonly ms: number;
  readonly detail: Text;
  /** The likely cause when the step failed; the catalogue's `<code>.hint` says what to do. */
  readonly cause: Text | null;
}

export interface ProbeResult {
  readonly ok: boolean;
  readonly target: ProbeTarget;
  readonly steps: readonly StepResult[];
  /** The CONNACK return code (3.1/3.1.1) or reason code (5.0), with its meaning, when one arrived. */
  readonly connack: { readonly code: number; readonly meaning: Text } | null;
  /** True when the probe was aborted (Ctrl-C) before it finished. */
  readonly aborted: boolean;
}
