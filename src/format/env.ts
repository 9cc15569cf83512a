/**
 * `env`: MQTT_HOST=… lines for a .env file or CI variables. Values are single-quoted where needed, so the file is
 * both a dotenv file and safe to load in a POSIX shell (`set -a; . ./mqtt.env; set +a`).
 */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { message } from '../messages.js';
import { shellSession, shellQuote, passwordText } from './_session.js';
import { websocketListener } from './_websocket.js';

export function formatEnv(input: FormatInput, options: FormatOptions = {}): Formatted {
  const { broker, connect } = shellSession(input, 'env', true);
  const password = passwordText(connect);
  // MQTT_HOST and MQTT_PORT alone read like a TCP address; at a WebSocket listener a client needs the URL, and
  // MQTT_URL is that URL (a client reads it whole: mqtts:// at Aliyun's WebSocket port 443 gets no CONNACK).
  const listener = websocketListener(broker);
  const rows: [string, string | number | boolean | undefined][] = [
    ['MQTT_HOST', broker.host],
    ['MQTT_PORT', broker.port],
    ['MQTT_TLS', broker.tls],
    ['MQTT_URL', listener?.url ?? broker.url],
    ['MQTT_WS_URL', broker.websocket],
    ['MQTT_CLIENT_ID', connect.clientId],
    ['MQTT_USERNAME', connect.username],
    ['MQTT_PASSWORD', password],
    ['MQTT_KEEPALIVE', connect.keepalive ?? 0],
    ['MQTT_PROTOCOL_VERSION', connect.protocolVersion ?? 4],
    ['MQTT_CLEAN', connect.clean !== false],
  ];
  const lines = [`# ${message('format.env.title', { url: broker.url }, options.lang ?? 'en')}`];
  if (broker.websocket !== undefined && broker.websocketUnverified) lines.push(`# [unverified] ${message('format.app.unverified', { url: broker.websocket }, options.lang ?? 'en')}`);
  if (listener !== undefined) lines.push(`# ${message('format.env.websocket', { url: listener.url }, options.lang ?? 'en')}`);
  for (const [name, value] of rows) if (value !== undefined) lines.push(`${name}=${shellQuote(String(value))}`);
  return { output: `${lines.join('\n')}\n`, report: [], warnings: [] };
}
