/**
 * The summary block: what a serial-tool or MQTTX user types in first (host, port, TLS, WebSocket URL, client id,
 * username, the derived password in full, keep alive, expiry). `table` starts with it; the CLI prints it as `#`
 * lines beside `hex`. Never the device secret: FormatInput carries only the credentials that go on the wire.
 * Values are the user's and the platform's text, so they pass through termSafe (never cut: they are pasted).
 */
import { message, type Lang } from '../messages.js';
import { decode } from '../mqtt/decode.js';
import { termSafe } from '../terminal-text.js';
import type { FormatInput } from './formatter.js';
import { websocketListener } from './_websocket.js';

/** The block's lines, "Label: value", in the user's language; empty without a broker and credentials. */
export function summaryLines(input: FormatInput, lang: Lang = 'en'): string[] {
  const { broker, credentials } = input;
  if (!broker || !credentials) return [];
  const line = (key: string, value: string | number) => message(`summary.${key}`, { value: termSafe(String(value), Infinity) }, lang);
  const none = message('summary.none', {}, lang);
  // Host and port read like a TCP address; a serial tool's TCP client there gets no MQTT answer from a WebSocket listener.
  const port = websocketListener(broker) === undefined ? 'port' : 'port.websocket';
  const lines = [line('host', broker.host), line(port, broker.port), line('tls', message(broker.tls ? 'summary.yes' : 'summary.no', {}, lang))];
  if (broker.websocket) lines.push(line('websocket', broker.websocket));
  lines.push(line('clientId', credentials.clientId === '' ? message('summary.empty', {}, lang) : credentials.clientId));
  lines.push(line('username', credentials.username ?? none));
  lines.push(line('password', credentials.password ?? none));
  const keepalive = keepaliveOf(input);
  if (keepalive !== undefined) lines.push(line('keepalive', message('summary.seconds', { value: keepalive }, lang)));
  if (input.expiresAt !== undefined) {
    lines.push(line('expires', input.expiresAt === null ? message('summary.never', {}, lang) : expiry(input.expiresAt)));
  }
  return lines;
}

/** The Keep Alive the CONNECT among the packets carries. */
function keepaliveOf(input: FormatInput): number | undefined {
  for (const p of input.packets) {
    if ((p.bytes[0] ?? 0) >> 4 !== 1) continue;
    const packet = decode(p.bytes).packet;
    return packet.cmd === 'connect' ? packet.keepalive : undefined;
  }
  return undefined;
}

/** ISO 8601 UTC and the Unix seconds the platform checks (Tencent's never-expire value is out of Date's range). */
function expiry(seconds: number): string {
  const ms = seconds * 1000;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? `${new Date(ms).toISOString().replace('.000Z', 'Z')} (${seconds})` : String(seconds);
}
