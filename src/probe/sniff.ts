/**
 * A second look at a port that did not answer as expected: connect again and either send a plain MQTT CONNECT
 * (keeping the first bytes that come back) or try a TLS handshake (certificate not judged). The caller names the
 * server from what it learns. Both close what they open.
 */
import type { ResolvedAddress, Transport } from './types.js';

/** The first bytes the server sends in reply to `connect` on plain TCP; null when it closes without a word. */
export async function firstBytes(transport: Transport, address: ResolvedAddress, port: number, connect: Uint8Array, signal: AbortSignal): Promise<Uint8Array | null> {
  const tcp = await transport.tcp(address, port, signal);
  try {
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
      tcp.write(connect);
    });
  } finally {
    tcp.close();
  }
}

/** Whether the port completes a TLS handshake for `host`; rejects when it does not. */
export async function handshakes(transport: Transport, address: ResolvedAddress, port: number, host: string, signal: AbortSignal): Promise<true> {
  const tcp = await transport.tcp(address, port, signal);
  try {
    const { link } = await transport.tls(tcp, { host }, signal);
    link.close();
    return true;
  } finally {
    tcp.close();
  }
}
