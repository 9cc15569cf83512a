/** Parse what the user typed as a probe target: an mqtt/mqtts/ws/wss URL, or host[:port]. */
import { UsageError } from '../errors.js';
import type { ProbeTarget, TransportKind } from './types.js';
import { maskUserinfo } from '../userinfo.js';

/** Schemes other clients use for the same transports (paho: tcp/ssl), mapped onto ours. */
const schemes: Readonly<Record<string, TransportKind>> = {
  'mqtt:': 'mqtt',
  'tcp:': 'mqtt',
  'mqtts:': 'mqtts',
  'ssl:': 'mqtts',
  'tls:': 'mqtts',
  'ws:': 'ws',
  'wss:': 'wss',
};

/** IANA: 1883 MQTT, 8883 MQTT over TLS; WebSocket URLs default to the HTTP ports (RFC 6455 §3). */
export const defaultPorts: Readonly<Record<TransportKind, number>> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

/** The usual path of MQTT over WebSocket (mosquitto, EMQX, most cloud platforms). */
export const DEFAULT_WS_PATH = '/mqtt';

export function parseTarget(input: string): ProbeTarget {
  const text = input.trim();
  const invalid = () =>
    new UsageError('probe.target.invalid', { option: 'target', value: maskUserinfo(input), allowed: 'mqtt://, mqtts://, ws://, wss:// URL or host:port' });
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\//i.test(text);
  // A bare IPv6 address ("::1") gets its brackets; "[::1]:1883" already has them.
  const full = withScheme ? text : /:.*:/.test(text) && !text.startsWith('[') && !text.includes('@') ? `mqtt://[${text}]` : `mqtt://${text}`;
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    throw invalid();
  }
  const transport = schemes[url.protocol.toLowerCase()];
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!transport || host === '') throw invalid();
  // Credentials go in the CONNECT, not the URL; what the URL carried is named, its password never echoed.
  if (url.username || url.password) throw new UsageError('probe.target.userinfo', { option: 'target', value: maskUserinfo(input) });
  const port = url.port === '' ? defaultPorts[transport] : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid();
  // "ws://host:8080" has no path of its own; "ws://host:8080/" asks for "/" explicitly.
  const hasPath = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*[/?]/i.test(full);
  const path = hasPath ? `${url.pathname}${url.search}` : DEFAULT_WS_PATH;
  return { host, port, transport, path };
}

/** The target as a URL again, for reports: mqtts://host:8883, ws://[::1]:8080/mqtt. */
export function targetUrl(target: ProbeTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const path = target.transport === 'ws' || target.transport === 'wss' ? target.path : '';
  return `${target.transport}://${host}:${target.port}${path}`;
}
