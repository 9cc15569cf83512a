/**
 * The real Transport and Clock for probe: node:dns, node:net, node:tls, and the `ws` package (loaded only when a
 * probe upgrades to WebSocket). Each layer wraps the one below, so the core can time and judge every step.
 * Every method honours its AbortSignal: on abort the socket is destroyed and the promise rejects.
 */
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { createConnection } from 'node:net';
import type { Clock, Link, ResolvedAddress, TlsFacts, Transport } from '../probe/index.js';
import { TransportError, WS_BAD_SUBPROTOCOL, WS_BAD_UPGRADE, WS_HTTP_STATUS, WS_MESSAGE_MAX, WS_NOT_HTTP, WS_TEXT_FRAME, WS_TOO_LARGE } from '../probe/index.js';

const ABORTED = () => new TransportError('ABORTED', 'aborted');

function toTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const code = error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' ? error.code : 'UNKNOWN';
  return new TransportError(code, error instanceof Error ? error.message : String(error));
}

function bytesOf(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** A TCP or TLS socket as a Link. Reading starts only when someone listens, so a socket can still be wrapped in TLS. */
class SocketLink implements Link {
  private error: TransportError | null = null;
  /** The TLS socket running over this one, once upgraded: it must be destroyed first (Node 20 crashes otherwise). */
  wrapper: TLSSocket | null = null;
  constructor(readonly socket: Socket) {
    // Always listen for 'error': an unheard one would crash the process. The cause is reported by onClose.
    socket.on('error', (error) => (this.error = toTransportError(error)));
  }
  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }
  onData(listener: (bytes: Uint8Array) => void): void {
    this.socket.on('data', listener);
  }
  onClose(listener: (error: TransportError | null) => void): void {
    if (this.socket.closed) queueMicrotask(() => listener(this.error));
    else this.socket.once('close', () => listener(this.error));
  }
  close(): void {
    this.wrapper?.destroy();
    this.socket.destroy();
  }
}

/** Settle a promise from socket events; `destroy` runs when the signal aborts first or the events reject. */
function pending<T>(signal: AbortSignal, destroy: () => void, start: (resolve: (value: T) => void, reject: (error: unknown) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      destroy();
      reject(ABORTED());
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    start(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        destroy();
        reject(toTransportError(error));
      },
    );
  });
}

function socketLink(link: Link): SocketLink {
  if (!(link instanceof SocketLink)) throw new TypeError('this transport can only upgrade its own links');
  return link;
}

/** "CN=broker, O=Example" from a certificate subject or issuer. */
function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

function tlsFacts(socket: TLSSocket, host: string, servername: string | null): TlsFacts {
  const cert = socket.getPeerCertificate();
  const present = cert && Object.keys(cert).length > 0;
  const identity = present ? checkServerIdentity(host, cert) : undefined;
  return {
    protocol: socket.getProtocol(),
    servername,
    chainError: socket.authorized ? null : String(socket.authorizationError ?? 'UNKNOWN'),
    hostnameError: identity ? identity.message : null,
    certificate: present
      ? {
          subject: distinguishedName(cert.subject),
          issuer: distinguishedName(cert.issuer),
          altNames: cert.subjectaltname ?? '',
          validFrom: Date.parse(cert.valid_from),
          validTo: Date.parse(cert.valid_to),
        }
      : null,
  };
}

/** ws emits these as plain Errors; their messages are the only way to tell them apart (ws 8, lib/websocket.js). */
function wsFailure(error: Error & { code?: string }): TransportError {
  if (/subprotocol/i.test(error.message)) return new TransportError(WS_BAD_SUBPROTOCOL, error.message);
  if (/Sec-WebSocket-Accept|Upgrade header|Sec-WebSocket-Extensions/.test(error.message)) return new TransportError(WS_BAD_UPGRADE, error.message);
  // llhttp parse errors: the server answered with bytes that are not an HTTP response.
  if (error.code?.startsWith('HPE_')) return new TransportError(WS_NOT_HTTP, error.message);
  return toTransportError(error);
}

export function realTransport(): Transport {
  return {
    async resolve(host, signal) {
      // getaddrinfo, as devices and most clients resolve: it honours /etc/hosts. It cannot be cancelled, but holds no socket.
      const found = await pending<{ address: string; family: number }[]>(
        signal,
        () => {},
        (resolve, reject) => void lookup(host, { all: true, verbatim: true }).then(resolve, reject),
      );
      return found.map((a): ResolvedAddress => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    },

    tcp(address, port, signal) {
      const socket = netConnect({ host: address.address, port, family: address.family, noDelay: true });
      return pending(signal, () => socket.destroy(), (resolve, reject) => {
        socket.once('error', reject);
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve(new SocketLink(socket));
        });
      });
    },

    tls(link, options, signal) {
      // SNI carries host names only (RFC 6066 §3); for an IP address none is sent.
      const servername = isIP(options.host) ? null : options.host;
      const below = socketLink(link);
      const socket = tlsConnect({
        socket: below.socket,
        ...(servername ? { servername } : {}),
        ...(options.ca === undefined ? {} : { ca: [Buffer.from(options.ca)] }),
        // Judged by the core from TlsFacts, so every problem is named rather than the first one thrown.
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
      });
      below.wrapper = socket;
      return pending(signal, () => socket.destroy(), (resolve, reject) => {
        socket.once('error', reject);
        socket.once('secureConnect', () => {
          socket.off('error', reject);
          resolve({ link: new SocketLink(socket), facts: tlsFacts(socket, options.host, servername) });
        });
      });
    },

    async websocket(link, options, signal) {
      const { socket } = socketLink(link);
      const { WebSocket } = await import('ws');
      if (signal.aborted) throw ABORTED();
      const ws = new WebSocket(options.url, [options.protocol], {
        // The TCP (and TLS) connection is already made and timed; ws only speaks HTTP over it.
        createConnection: (() => socket) as unknown as typeof createConnection,
        perMessageDeflate: false,
        followRedirects: false,
        // Checked at each frame header, fragments summed: refused before the body is held.
        maxPayload: WS_MESSAGE_MAX,
      });
      // One 'error' listener for the socket's whole life: ws may emit more after a failed handshake is torn down.
      let onError: (error: Error & { code?: string }) => void = () => {};
      ws.on('error', (error) => onError(error));
      return pending(signal, () => ws.terminate(), (resolve, reject) => {
        onError = (error) => reject(wsFailure(error));
        ws.once('unexpected-response', (request, response) => {
          const server = [response.headers.server].flat()[0];
          const location = [response.headers.location].flat()[0];
          reject(new TransportError(WS_HTTP_STATUS, `HTTP ${response.statusCode}`, { status: response.statusCode ?? 0, ...(server ? { server } : {}), ...(location ? { location } : {}) }));
          request.destroy();
        });
        ws.once('open', () => {
          const link = new WebSocketLink(ws);
          onError = (error) => link.failed(error);
          resolve(link);
        });
      });
    },
  };
}

type WebSocketInstance = InstanceType<(typeof import('ws'))['WebSocket']>;

/** MQTT over WebSocket: each MQTT byte run travels in binary messages [MQTT-6.0.0-1]. */
class WebSocketLink implements Link {
  private error: TransportError | null = null;
  private readonly listeners: ((bytes: Uint8Array) => void)[] = [];
  /**
   * Messages from before anyone listened. Unlike a socket, ws emits what came in the 101's segment on the next tick,
   * listener or not: a server that speaks first (a greeting, an early CONNACK) would be lost and look silent.
   * Only what arrives while the probe's microtasks run is held, each message under maxPayload.
   */
  private early: Uint8Array[] | null = [];
  constructor(private readonly ws: WebSocketInstance) {
    ws.on('message', (data, isBinary) => {
      // "If any other type of data frame is received the recipient MUST close the Network Connection" [MQTT-6.0.0-1]:
      // mqtt.js and the mini program clients do, so a text message is no answer, whatever it holds.
      if (!isBinary) {
        this.error ??= new TransportError(WS_TEXT_FRAME, 'text message', { head: bytesOf(data).slice(0, 17) });
        ws.terminate();
        return;
      }
      const bytes = bytesOf(data);
      if (this.early) this.early.push(bytes);
      else for (const listener of this.listeners) listener(bytes);
    });
  }
  failed(error: unknown): void {
    const tooLarge = error instanceof Error && 'code' in error && error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
    this.error = tooLarge ? new TransportError(WS_TOO_LARGE, error.message) : toTransportError(error);
  }
  write(bytes: Uint8Array): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(bytes, { binary: true });
  }
  onData(listener: (bytes: Uint8Array) => void): void {
    this.listeners.push(listener);
    const early = this.early ?? [];
    this.early = null;
    for (const bytes of early) listener(bytes);
  }
  onClose(listener: (error: TransportError | null) => void): void {
    if (this.ws.readyState === this.ws.CLOSED) queueMicrotask(() => listener(this.error));
    else this.ws.once('close', () => listener(this.error));
  }
  close(): void {
    this.ws.terminate();
  }
}

/** Monotonic time for durations (certificate dates are OpenSSL's to judge), and real timers. */
export function realClock(): Clock {
  return {
    elapsed: () => performance.now(),
    setTimer(ms, fn) {
      const timer = setTimeout(fn, ms);
      return () => clearTimeout(timer);
    },
  };
}
