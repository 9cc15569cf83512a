/**
 * Whether the broker's own host and port are a WebSocket listener. There the MQTT bytes must travel inside
 * WebSocket binary frames after an HTTP upgrade; a client that opens TCP (or TLS) and sends them bare gets an
 * HTTP error or a closed socket. Formats that print such a client refuse it; the others say so or use WebSocket.
 */
import type { Endpoint } from './formatter.js';

export interface WebsocketListener {
  /** The WebSocket URL of the broker's host and port. */
  readonly url: string;
  /** What put it there, for an error to name: a ws:// or wss:// --host, or a port the platform documents for WebSocket. */
  readonly option: string;
}

/** The listener, or undefined when the broker's host and port speak MQTT itself. */
export function websocketListener(broker: Endpoint): WebsocketListener | undefined {
  // A ws:// or wss:// --host makes the broker's url that WebSocket URL (platforms/_endpoint.ts). String tests, not a
  // regular expression or a URL: every signing run asks this, and their first use costs a short run ~0.2 ms.
  const scheme = broker.url.slice(0, broker.url.indexOf('://')).toLowerCase();
  if (scheme === 'ws' || scheme === 'wss') return { url: broker.url, option: '--host' };
  if (broker.websocket === undefined) return undefined;
  // The WebSocket URL can name the broker's port only by writing it, or by leaving out 80 or 443.
  if (broker.port !== 80 && broker.port !== 443 && !broker.websocket.includes(`:${broker.port}`)) return undefined;
  let url: URL;
  try {
    url = new URL(broker.websocket);
  } catch {
    return undefined;
  }
  const port = url.port === '' ? (url.protocol === 'wss:' ? 443 : 80) : Number(url.port);
  const same = url.hostname.replace(/^\[(.*)\]$/, '$1') === broker.host.toLowerCase() && port === broker.port;
  // Aliyun's or Huawei's WebSocket port 443 given as the MQTT port: --host host:443 or --port 443.
  return same ? { url: broker.websocket, option: '--host/--port' } : undefined;
}

/** host:port as a socket would name it, brackets around IPv6. */
export function hostPort(broker: Endpoint): string {
  return `${broker.host.includes(':') ? `[${broker.host}]` : broker.host}:${broker.port}`;
}
