/**
 * Packet flags → the packets to print, in the order a device sends them: CONNECT, SUBSCRIBE, UNSUBSCRIBE,
 * PUBLISH, PINGREQ, DISCONNECT. The CONNECT comes from connectFrom(), every packet's bytes from encode(), so
 * the codec's checks (QoS, topic wildcards, lengths) apply to what the user asked for.
 */
import { EncodeError, UsageError } from '../errors.js';
import { message, type Lang } from '../messages.js';
import { connectFrom } from '../mqtt/connect-from.js';
import { encode } from '../mqtt/encode.js';
import type { Packet, ProtocolVersion, QoS, Subscription } from '../mqtt/types.js';
import type { NamedPacket } from '../format/types.js';
import type { Credentials, PlatformRules, PlatformTopic, Warning } from '../platforms/types.js';
import { resolveTopic, type TopicUse } from './topic-names.js';

/** The packet options as commander parsed them (strings, switches, repeatable lists). */
export interface PacketFlags {
  readonly protocol: string;
  readonly keepalive?: string;
  readonly clean: boolean;
  readonly willTopic?: string;
  readonly willPayload?: string;
  readonly willQos?: string;
  readonly willRetain?: boolean;
  readonly publish?: string;
  readonly payload?: string;
  readonly envelope: boolean;
  readonly qos?: string;
  readonly retain?: boolean;
  readonly messageId?: string;
  readonly subscribe: readonly string[];
  readonly unsubscribe: readonly string[];
  readonly ping?: boolean;
  readonly disconnect?: boolean;
}

/** What the flags say about the connection before anything is signed: enough for the platform lint. */
export interface Plan {
  readonly protocolVersion: ProtocolVersion;
  /** Undefined: the platform's default. */
  readonly keepalive: number | undefined;
  readonly clean: boolean;
  readonly will: { readonly topic: string; readonly qos: QoS; readonly retain: boolean } | undefined;
  readonly publish: { readonly qos: QoS; readonly retain: boolean; readonly messageId: number } | undefined;
  readonly subscriptions: readonly { readonly filter: string; readonly qos: QoS }[];
  /** The QoS of the will and the PUBLISH, for the lint. */
  readonly qos: readonly QoS[];
  /** The QoS each SUBSCRIBE asks for, for the lint (some platforms ignore it). */
  readonly subscribeQos: readonly QoS[];
}

const VERSIONS: Readonly<Record<string, ProtocolVersion>> = { '3.1': 3, '3.1.1': 4, '5': 5 };

/** Check the flags that need no credentials; throws UsageError naming the option. */
export function plan(flags: PacketFlags): Plan {
  const needs = (option: string, given: unknown, other: string): void => {
    if (given !== undefined && given !== false) throw new UsageError('cli.option.needs', { option, other });
  };
  if (flags.publish === undefined) {
    needs('--payload', flags.payload, '--publish');
    needs('--qos', flags.qos, '--publish');
    needs('--retain', flags.retain, '--publish');
    needs('--message-id', flags.messageId, '--publish');
    needs('--no-envelope', flags.envelope ? undefined : true, '--publish');
  }
  if (flags.willTopic === undefined) {
    needs('--will-payload', flags.willPayload, '--will-topic');
    needs('--will-qos', flags.willQos, '--will-topic');
    needs('--will-retain', flags.willRetain, '--will-topic');
  }
  const protocolVersion = VERSIONS[flags.protocol];
  if (protocolVersion === undefined) {
    throw new UsageError('platform.param.choice', { option: '--protocol', value: flags.protocol, allowed: Object.keys(VERSIONS).join(', ') });
  }
  const will = flags.willTopic === undefined
    ? undefined
    : { topic: flags.willTopic, qos: qos('--will-qos', flags.willQos), retain: flags.willRetain === true };
  const publish = flags.publish === undefined
    ? undefined
    : { qos: qos('--qos', flags.qos), retain: flags.retain === true, messageId: integer('--message-id', flags.messageId, 1, 65535) ?? 1 };
  const subscriptions = flags.subscribe.map(parseSubscription);
  return {
    protocolVersion,
    keepalive: integer('--keepalive', flags.keepalive, 0, 65535),
    clean: flags.clean,
    will,
    publish,
    subscriptions,
    qos: [...(will ? [will.qos] : []), ...(publish ? [publish.qos] : [])],
    subscribeQos: subscriptions.map((s) => s.qos),
  };
}

/** What building the packets needs besides the flags: the signed login, the platform's topics, and file/envelope access. */
interface PacketContext {
  readonly credentials: Credentials;
  readonly rules: PlatformRules;
  readonly topics: readonly PlatformTopic[];
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** The platform envelope for a standard topic name; undefined when the platform has none. */
  readonly envelope?: (topicName: string, properties: unknown, messageId: string) => string | Uint8Array;
  /** The top-level keys of the platform's envelope on a topic (the signer's payloadEnvelopes), to spot a payload already in it. */
  readonly envelopeKeys?: (topic: string) => readonly string[] | undefined;
  /** Notes and warnings about the packets (a name used against its direction, a payload sent as is) are pushed here. */
  readonly notes?: Warning[];
}

export async function buildPackets(flags: PacketFlags, p: Plan, ctx: PacketContext): Promise<NamedPacket[]> {
  const version = p.protocolVersion;
  const notes = ctx.notes ?? [];
  const topicOf = (option: TopicUse['option']) => (value: string): string => resolveTopic({ option, value }, ctx.topics, ctx.rules, notes);
  const will = p.will && {
    topic: p.will.topic,
    payload: flags.willPayload === undefined ? new Uint8Array() : await payloadBytes('--will-payload', flags.willPayload, ctx.readFile),
    qos: p.will.qos,
    retain: p.will.retain,
  };
  const connect = connectFrom(ctx.credentials, {
    protocolVersion: version,
    keepalive: p.keepalive ?? ctx.rules.keepalive.default,
    clean: p.clean,
    ...(will ? { will } : {}),
  });
  const packets: [string, Packet][] = [['connect', connect]];

  // SUBSCRIBE and UNSUBSCRIBE take the lowest ids the PUBLISH does not use, so no two packets share one.
  const publishId = p.publish && p.publish.qos > 0 ? p.publish.messageId : undefined;
  let nextId = 0;
  const freeId = (): number => {
    nextId += 1;
    if (nextId === publishId) nextId += 1;
    return nextId;
  };
  if (p.subscriptions.length > 0) {
    const subscriptions: Subscription[] = p.subscriptions.map((s) => ({ topic: topicOf('--subscribe')(s.filter), qos: s.qos }));
    packets.push(['subscribe', { cmd: 'subscribe', messageId: freeId(), subscriptions }]);
  }
  if (flags.unsubscribe.length > 0) {
    packets.push(['unsubscribe', { cmd: 'unsubscribe', messageId: freeId(), unsubscriptions: flags.unsubscribe.map(topicOf('--unsubscribe')) }]);
  }
  if (p.publish && flags.publish !== undefined) {
    const standard = ctx.topics.find((t) => t.name === flags.publish);
    // The payload first: a bad @file or hex: is reported whatever the topic.
    const payload = await publishPayload(flags, standard, p.publish.messageId, ctx);
    const topic = topicOf('--publish')(flags.publish);
    packets.push(['publish', {
      cmd: 'publish',
      topic,
      payload,
      qos: p.publish.qos,
      retain: p.publish.retain,
      ...(publishId !== undefined ? { messageId: publishId } : {}),
    }]);
  }
  if (flags.ping) packets.push(['pingreq', { cmd: 'pingreq' }]);
  if (flags.disconnect) packets.push(['disconnect', { cmd: 'disconnect' }]);
  return packets.map(([name, packet]) => ({ name, bytes: encodeNamingFlag(packet, version) }));
}

/** Which flag set each packet field the encoder may refuse, so the error names what the user typed. */
const FLAG_OF_FIELD: readonly [RegExp, string][] = [
  [/^subscriptions\b/, '--subscribe'],
  [/^unsubscriptions\b/, '--unsubscribe'],
  [/^will\.topic\b/, '--will-topic'],
  [/^will\.payload\b/, '--will-payload'],
  [/^topic\b/, '--publish'],
  [/^payload\b/, '--payload'],
  [/^messageId\b/, '--message-id'],
  [/^keepalive\b/, '--keepalive'],
  // The login: typed as such for generic; a platform derives them from its own flags, which check their lengths first.
  [/^clientId\b/, '--client-id'],
  [/^username\b/, '--username'],
  [/^password\b/, '--password'],
];

function encodeNamingFlag(packet: Packet, version: ProtocolVersion): Uint8Array {
  try {
    return encode(packet, { protocolVersion: version });
  } catch (err) {
    const flag = err instanceof EncodeError ? FLAG_OF_FIELD.find(([field]) => field.test(err.field))?.[1] : undefined;
    if (flag === undefined || !(err instanceof EncodeError)) throw err;
    throw new FlagError(flag, err);
  }
}

/** The encoder's refusal, in the user's language, led by the flag that set the refused field. */
class FlagError extends UsageError {
  constructor(
    readonly option: string,
    readonly refusal: EncodeError,
  ) {
    super(refusal.code, refusal.params, { cause: refusal });
  }

  override localized(lang: Lang, terminal = false): { message: string; hint: string | undefined } {
    const { message, hint } = this.refusal.localized(lang, terminal);
    return { message: `${this.option}: ${message}`, hint };
  }
}

/**
 * The PUBLISH payload. For a platform's standard topic, text that is JSON is taken as the properties and wrapped
 * in the platform's envelope (Alink, OneJSON, …), unless --no-envelope; topics without an envelope send it as is.
 */
async function publishPayload(flags: PacketFlags, standard: PlatformTopic | undefined, messageId: number, ctx: PacketContext): Promise<string | Uint8Array> {
  const given = flags.payload;
  if (given === undefined) return new Uint8Array();
  const bytes = await payloadBytes('--payload', given, ctx.readFile);
  if (!standard || !flags.envelope || !ctx.envelope || !isText(given)) return bytes;
  let properties: unknown;
  try {
    properties = JSON.parse(given);
  } catch (err) {
    throw new UsageError('cli.payload.json', { option: '--payload', topic: standard.name, reason: (err as Error).message });
  }
  const state = envelopeState(properties, ctx.envelopeKeys?.(standard.topic));
  if (state === 'whole') {
    ctx.notes?.push({ code: 'cli.envelope.asIs', level: 'info', message: message('cli.envelope.asIs', { topic: standard.name }), params: { topic: standard.name } });
    return bytes;
  }
  if (state !== undefined) throw new UsageError('cli.envelope.half', { option: '--payload', topic: standard.name, missing: state.missing, present: state.present });
  try {
    return ctx.envelope(standard.name, properties, String(messageId));
  } catch (err) {
    // A standard topic without an envelope (e.g. raw data up) takes the payload as it is.
    if (err instanceof UsageError && err.code === 'platform.envelope.unknown') return bytes;
    throw err;
  }
}

/**
 * A payload already in the envelope ('whole': sent as it is), half of one (a key named by the envelope is there but
 * another is missing), or plain properties (undefined). "id" alone does not count: a device may have a property "id".
 */
function envelopeState(value: unknown, keys: readonly string[] | undefined): 'whole' | { missing: string; present: string } | undefined {
  if (keys === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const present = keys.filter((k) => Object.hasOwn(value, k));
  if (present.length === keys.length) return 'whole';
  if (!present.some((k) => k !== 'id')) return undefined;
  return { missing: keys.find((k) => !present.includes(k))!, present: present.join(', ') };
}

/** Plain text, as opposed to @file or hex:… */
function isText(value: string): boolean {
  return !value.startsWith('@') && !value.startsWith('hex:');
}

/** `text`, `@file` (its bytes) or `hex:..` (any spacing; also 0x.. lists). */
async function payloadBytes(option: string, value: string, readFile: (path: string) => Promise<Uint8Array>): Promise<Uint8Array> {
  if (value.startsWith('@')) {
    const path = value.slice(1);
    if (path === '') throw new UsageError('cli.file.none', { option });
    try {
      return await readFile(path);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new UsageError('cli.file.unreadable', { option, path, reason });
    }
  }
  if (value.startsWith('hex:')) {
    const digits = value.slice(4).replace(/0x/gi, '').replace(/[\s,:-]/g, '');
    if (digits === '') return new Uint8Array();
    if (!/^[0-9a-f]*$/i.test(digits)) throw new UsageError('cli.payload.hex', { option, reason: 'only 0-9 a-f' });
    if (digits.length % 2 !== 0) throw new UsageError('cli.payload.hex', { option, reason: `${digits.length} digits, not whole bytes` });
    return Uint8Array.from(digits.match(/../g)!, (h) => parseInt(h, 16));
  }
  return new TextEncoder().encode(value);
}

/**
 * `filter` or `filter=Q` with Q 0, 1 or 2. Filters may contain "=" themselves (Huawei's request_id=…), so only a
 * trailing "=" followed by something QoS-like is read as one: a digit, "qos1", "q1", or nothing; anything else after
 * the last "=" belongs to the filter.
 */
function parseSubscription(value: string): { filter: string; qos: QoS } {
  const match = /^(.*)=([^=]*)$/.exec(value);
  if (!match) return { filter: value, qos: 0 };
  const q = match[2]!;
  if (/^[0-2]$/.test(q)) return { filter: match[1]!, qos: Number(q) as QoS };
  if (/^(?:q(?:os)?)?\s*\d*$/i.test(q)) throw new UsageError('cli.subscribe.qos', { option: '--subscribe', value });
  return { filter: value, qos: 0 };
}

function qos(option: string, value: string | undefined): QoS {
  return (integer(option, value, 0, 2) ?? 0) as QoS;
}

function integer(option: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError('cli.integer', { option, value, min, max });
  return n;
}
