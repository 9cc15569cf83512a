/**
 * A second look at a port that did not answer as expected: connect again, plain or with TLS (certificate not
 * judged), send an MQTT CONNECT and keep the first bytes that come back. The caller names the server from them.
 */
import type { ResolvedAddress, Transport } from './types.js';

export interface SniffOptions {
  /** CONNECT bytes to send once connected. */
  readonly connect: Uint8Array;
  /** Handshake TLS first (with this SNI host) and report success as soon as it completes. */
  readonly tls: { readonly host: string } | null;
}

/**
 * Plain: resolves with the first bytes the server sent (null when it closed without a word).
 * TLS: resolves with an empty array once the handshake completes; rejects when it does not.
 * Always closes what it opened.
 */
export async function sniff(
  transport: Transport,
  address: ResolvedAddress,
  port: number,
  options: SniffOptions,
  signal: AbortSignal,
): Promise<Uint8Array | null> {
  const tcp = await transport.tcp(address, port, signal);
  try {
    if (options.tls) {
      const { link } = await transport.tls(tcp, { host: options.tls.host }, signal);
      link.close();
      return new Uint8Array(0);
    }
    return await new Promise<Uint8Array | null>((resolve, reject) => {
      const onAbort = () => reject(new Error('aborted'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (value: Uint8Array | null) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      tcp.onData((bytes) => done(bytes));
      tcp.onClose(() => done(null));
      tcp.write(options.connect);
    });
  } finally {
    tcp.close();
  }
}
