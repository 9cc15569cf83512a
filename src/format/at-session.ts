/**
 * What a modem's MQTT commands need, read back from the packets this tool built: the login and connection flags
 * from the CONNECT, then the subscriptions, unsubscriptions and publishes in order. Reading the packets (rather
 * than the flags) means the modem script says exactly what the byte formats say, for every platform.
 */
import { UsageError } from '../errors.js';
import { decode } from '../mqtt/decode.js';
import type { ConnectPacket, Packet, ProtocolVersion, QoS } from '../mqtt/types.js';
import type { NamedPacket } from './types.js';
import { UNTYPEABLE } from './at-escape.js';

interface SessionWill {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: QoS;
  readonly retain: boolean;
}

type SessionAction =
  | { readonly kind: 'subscribe'; readonly messageId: number; readonly subscriptions: readonly { readonly topic: string; readonly qos: QoS }[] }
  | { readonly kind: 'unsubscribe'; readonly messageId: number; readonly topics: readonly string[] }
  | { readonly kind: 'publish'; readonly topic: string; readonly payload: Uint8Array; readonly qos: QoS; readonly retain: boolean; readonly messageId: number }
  | { readonly kind: 'ping' }
  | { readonly kind: 'disconnect' };

export interface Session {
  readonly version: ProtocolVersion;
  readonly clientId: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly keepalive: number;
  readonly clean: boolean;
  readonly will: SessionWill | undefined;
  readonly actions: readonly SessionAction[];
}

const bytesOf = (value: string | Uint8Array | undefined): Uint8Array =>
  value === undefined ? new Uint8Array() : typeof value === 'string' ? new TextEncoder().encode(value) : value;

/** The session the packets describe; throws when the first packet is not a CONNECT or a 5.0 feature is used. */
export function sessionOf(packets: readonly NamedPacket[], modem: string): Session {
  const first = packets[0];
  const connect = first && (decode(first.bytes).packet as Packet);
  if (!connect || connect.cmd !== 'connect') throw new UsageError('modem.connect.first', { modem });
  const c = connect as ConnectPacket;
  const version = c.protocolVersion ?? 4;
  if (version === 5) throw new UsageError('modem.protocol5', { modem, option: '--protocol' });
  const actions: SessionAction[] = [];
  for (const p of packets.slice(1)) {
    const packet = decode(p.bytes, { protocolVersion: version }).packet;
    if (packet.cmd === 'subscribe') {
      actions.push({ kind: 'subscribe', messageId: packet.messageId, subscriptions: packet.subscriptions.map((s) => ({ topic: s.topic, qos: s.qos })) });
    } else if (packet.cmd === 'unsubscribe') {
      actions.push({ kind: 'unsubscribe', messageId: packet.messageId, topics: packet.unsubscriptions });
    } else if (packet.cmd === 'publish') {
      actions.push({ kind: 'publish', topic: packet.topic, payload: bytesOf(packet.payload), qos: packet.qos ?? 0, retain: packet.retain === true, messageId: packet.messageId ?? 0 });
    } else if (packet.cmd === 'pingreq') {
      actions.push({ kind: 'ping' });
    } else if (packet.cmd === 'disconnect') {
      actions.push({ kind: 'disconnect' });
    } else {
      throw new UsageError('modem.packet', { modem, name: p.name });
    }
  }
  const password = c.password === undefined ? null : typeof c.password === 'string' ? c.password : new TextDecoder().decode(c.password);
  return {
    version,
    clientId: c.clientId,
    username: c.username ?? null,
    password,
    keepalive: c.keepalive ?? 0,
    clean: c.clean !== false,
    will: c.will && { topic: c.will.topic, payload: bytesOf(c.will.payload), qos: c.will.qos ?? 0, retain: c.will.retain === true },
    actions,
  };
}

/** True when the bytes are UTF-8 text a modem can take inside a quoted parameter (no controls, no DEL). */
export function typeableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return UNTYPEABLE.test(text) ? undefined : text;
}

/** UTF-8 byte length: every modem limit counts bytes. */
export const byteLength = (text: string): number => new TextEncoder().encode(text).length;
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
