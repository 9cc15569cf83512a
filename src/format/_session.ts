/**
 * What the app formats (mqttjs, mqttx, mosquitto, env) need, read back from the packets themselves: the CONNECT's
 * login, keepalive, clean flag and version, and each PUBLISH and SUBSCRIBE. Reading the bytes (rather than the flags)
 * keeps every format saying exactly what the C array says.
 */
import { decode } from '../mqtt/decode.js';
import type { ConnectPacket, PublishPacket, Subscription } from '../mqtt/types.js';
import { UsageError } from '../errors.js';
import type { Endpoint, FormatInput } from './formatter.js';

export interface Session {
  readonly broker: Endpoint;
  readonly connect: ConnectPacket;
  readonly publishes: readonly PublishPacket[];
  readonly subscriptions: readonly Subscription[];
}

export function session(input: FormatInput, format: string): Session {
  const broker = input.broker;
  if (broker === undefined) throw new UsageError('format.app.broker', { format });
  const opts = { protocolVersion: input.protocolVersion ?? 4 } as const;
  let connect: ConnectPacket | undefined;
  const publishes: PublishPacket[] = [];
  const subscriptions: Subscription[] = [];
  for (const p of input.packets) {
    const packet = decode(p.bytes, opts).packet;
    if (packet.cmd === 'connect') connect = packet;
    else if (packet.cmd === 'publish') publishes.push(packet);
    else if (packet.cmd === 'subscribe') subscriptions.push(...packet.subscriptions);
  }
  if (connect === undefined) throw new UsageError('format.app.broker', { format });
  return { broker, connect, publishes, subscriptions };
}

/**
 * Characters a printed command line or .env line cannot show as themselves: C0 but tab and line feed, DEL, C1 (ESC
 * starts colour and title sequences, U+009B is a one-byte CSI), format characters (bidi overrides, zero-width), line
 * and paragraph separators, lone surrogates. Single quotes keep the shell from expanding them, not the terminal
 * that shows the line from acting on them.
 */
const UNSHOWABLE = /[\0-\x08\x0b-\x1f\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/**
 * session() for the formats printed as shell or .env lines (mosquitto, mqttx, env): every value they print is
 * checked (env prints only the login), and one that holds a character no such line can show is refused naming its
 * option and the character's 1-based position (the json, mqttjs, c and hex formats carry it escaped).
 */
export function shellSession(input: FormatInput, format: string, loginOnly = false): Session {
  const s = session(input, format);
  const { connect, broker } = s;
  const values: [string | undefined, string, string][] = [
    [broker.host, 'host', '--host'],
    [broker.websocket, 'WebSocket URL', '--ws-url'],
    [connect.clientId, 'client id', '--client-id'],
    [connect.username, 'username', '--username'],
    [passwordText(connect), 'password', '--password'],
    [connect.will?.topic, 'will topic', '--will-topic'],
    [connect.will === undefined ? undefined : (payloadText(connect.will.payload) ?? undefined), 'will payload', '--will-payload'],
    ...(loginOnly ? [] : s.subscriptions.map((x): [string, string, string] => [x.topic, 'topic', '--subscribe'])),
    ...(loginOnly ? [] : s.publishes).flatMap((p): [string | undefined, string, string][] => [
      [p.topic, 'topic', '--publish'],
      [payloadText(p.payload) ?? undefined, 'payload', '--payload'],
    ]),
  ];
  for (const [value, field, option] of values) {
    const bad = value === undefined ? null : UNSHOWABLE.exec(value);
    if (bad) {
      const code = bad[0].codePointAt(0)!;
      throw new UsageError('format.app.control', { option, field, format, index: [...value!.slice(0, bad.index)].length + 1, char: code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}` });
    }
  }
  return s;
}

/** A payload as text, or null when it is not UTF-8 without NUL (a shell argument or .env value cannot carry it). */
export function payloadText(payload: string | Uint8Array): string | null {
  if (typeof payload === 'string') return payload.includes('\u0000') ? null : payload;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

/** POSIX shell single quoting: nothing inside is expanded; a ' becomes '\\''. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The CONNECT's password as text (the signers' passwords are text). */
export function passwordText(connect: ConnectPacket): string | undefined {
  const p = connect.password;
  return p === undefined ? undefined : typeof p === 'string' ? p : Buffer.from(p).toString('utf8');
}

/** The MQTT version names the tools use. */
export function versionOf(connect: ConnectPacket): 3 | 4 | 5 {
  return connect.protocolVersion ?? 4;
}

/** ws(s)://host:port/path split for tools that take the parts (mqttx --path). */
export function wsParts(url: string): { tls: boolean; host: string; port: number; path: string } {
  const u = new URL(url);
  const tls = u.protocol === 'wss:';
  return { tls, host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port === '' ? (tls ? 443 : 80) : Number(u.port), path: `${u.pathname}${u.search}` || '/' };
}
