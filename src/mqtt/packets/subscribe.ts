/**
 * SUBSCRIBE and SUBACK (3.1.1 §3.8–3.9, 5.0 §3.8–3.9).
 *
 *   82 RL | packet id | [5.0 properties] | (topic filter, options byte)+
 *   90 RL | packet id | [5.0 properties] | return code (3.x) or reason code (5.0), one per filter
 *
 * The options byte is Requested QoS in 3.x (bits 7–2 reserved) and Subscription Options in 5.0: Retain Handling
 * (bits 5–4), Retain As Published (3), No Local (2), Maximum QoS (1–0), bits 7–6 reserved.
 */
import { listCodes, packetReasonCodes, subackReturnCodes } from '../constants.js';
import { type ReadContext, codeName, expectEnd, fail, readPacketId, readString, readU8, record } from '../_read.js';
import { checkCode, checkInt, checkPacketId, flag, measureText, packetWriter, refuse, show, writePrefixed } from '../_write.js';
import { measureProperties, readProperties, refuseProperties, writeProperties } from '../properties.js';
import { INVALID_FILTER, scanTopicFilter, sharedSubscription, validTopicFilter } from '../topic.js';
import type { FieldBits, ProtocolVersion, QoS, SubackPacket, SubscribePacket, Subscription } from '../types.js';
import { U16_MAX, varintLength } from '../../wire.js';

const RULES_V5 = { atLeastOne: 'MQTT-3.8.3-2', reserved: 'MQTT-3.8.3-5', qos: 'MQTT 5.0 §3.8.3.1' } as const;
// The 3.1.1 standard prints this id with a dash: [MQTT-3-8.3-4].
const RULES_V3 = { atLeastOne: 'MQTT-3.8.3-3', reserved: 'MQTT-3-8.3-4', qos: 'MQTT-3-8.3-4' } as const;

function rules(version: ProtocolVersion) {
  return version === 5 ? RULES_V5 : RULES_V3;
}

/** `subscriptions[i]`, built once for the first few: a name per filter per call was most of a SUBSCRIBE's garbage. */
const SUB_FIELDS = Array.from({ length: 16 }, (_, i) => `subscriptions[${i}]`);
const subField = (i: number): string => SUB_FIELDS[i] ?? `subscriptions[${i}]`;
const SUB_TOPIC_FIELDS = SUB_FIELDS.map((f) => `${f}.topic`);
const subTopicField = (i: number): string => SUB_TOPIC_FIELDS[i] ?? `subscriptions[${i}].topic`;

/** A 5.0 shared subscription may not set No Local [MQTT-3.8.3-4]; its ShareName follows [MQTT-4.8.2-1]. */
const SHARED_NO_LOCAL = 'MQTT-3.8.3-4';

export function encodeSubscribe(p: SubscribePacket, version: ProtocolVersion): Uint8Array {
  const messageId = checkPacketId(p.messageId, version);
  const subs = p.subscriptions;
  if (!Array.isArray(subs)) refuse('codec.encode.type', { field: 'subscriptions', expected: 'an array', value: show(subs) });
  if (subs.length === 0) refuse('codec.encode.empty-list', { field: 'subscriptions', rule: rules(version).atLeastOne });
  let propsSize = 0;
  if (version === 5) propsSize = measureProperties(p.properties, 'subscribe');
  else refuseProperties(p.properties, 'properties', version);

  let remaining = 2 + (version === 5 ? varintLength(propsSize) + propsSize : 0);
  const count = subs.length;
  const lengths = new Array<number>(count);
  const options = new Array<number>(count);
  const qosRule = rules(version).qos;
  for (let i = 0; i < count; i++) {
    const sub = subs[i]!;
    if (typeof sub !== 'object' || sub === null) refuse('codec.encode.type', { field: subField(i), expected: 'an object', value: show(sub) });
    const topicField = subTopicField(i);
    if (typeof sub.topic !== 'string') refuse('codec.encode.type', { field: topicField, expected: 'a string', value: show(sub.topic) });
    // An all-ASCII valid filter is measured by its validity scan; anything else takes the full string checks.
    const scanned = scanTopicFilter(sub.topic);
    const length = scanned >= 0 && scanned <= U16_MAX ? scanned : measureText(sub.topic, topicField, version);
    if (scanned === INVALID_FILTER) refuse('codec.encode.topic-filter', { field: topicField, value: show(sub.topic), rule: 'MQTT 3.1.1 §4.7.1' });
    // Field names are built only on the way to a refusal.
    const qos = sub.qos === 0 || sub.qos === 1 || sub.qos === 2 ? sub.qos : checkInt(sub.qos, `${subField(i)}.qos`, 0, 2, qosRule);
    const nl = sub.nl === undefined ? false : flag(sub.nl, `${subField(i)}.nl`);
    const rap = sub.rap === undefined ? false : flag(sub.rap, `${subField(i)}.rap`);
    const rh = sub.rh === undefined ? 0 : checkInt(sub.rh, `${subField(i)}.rh`, 0, 2, 'MQTT 5.0 §3.8.3.1');
    const field = subField(i);
    if (version === 5) {
      const shared = sharedSubscription(sub.topic);
      if (shared === null) refuse('codec.encode.topic-filter', { field: topicField, value: show(sub.topic), rule: 'MQTT-4.8.2-1' });
      if (shared && nl) refuse('codec.encode.shared-no-local', { field: `${field}.nl`, rule: SHARED_NO_LOCAL });
    } else if (nl || rap || rh !== 0) {
      refuse('codec.encode.needs-v5', { field: nl ? `${field}.nl` : rap ? `${field}.rap` : `${field}.rh`, value: version });
    }
    lengths[i] = length;
    options[i] = qos | (nl ? 0x04 : 0) | (rap ? 0x08 : 0) | (rh << 4);
    remaining += 2 + length + 1;
  }

  const w = packetWriter(8, 2, remaining, version);
  w.u16(messageId);
  if (version === 5) writeProperties(w, p.properties, propsSize);
  for (let i = 0; i < count; i++) {
    writePrefixed(w, subs[i]!.topic, lengths[i]!);
    w.u8(options[i]!);
  }
  return w.bytes;
}

function optionBits(options: number, version: ProtocolVersion): FieldBits[] {
  if (version !== 5) {
    return [
      { bit: 2, width: 6, name: 'Reserved', value: options >> 2 },
      { bit: 0, width: 2, name: 'QoS', value: options & 3 },
    ];
  }
  return [
    { bit: 6, width: 2, name: 'Reserved', value: options >> 6 },
    { bit: 4, width: 2, name: 'Retain Handling', value: (options >> 4) & 3 },
    { bit: 3, name: 'Retain As Published', value: (options >> 3) & 1 },
    { bit: 2, name: 'No Local', value: (options >> 2) & 1 },
    { bit: 0, width: 2, name: 'Maximum QoS', value: options & 3 },
  ];
}

export function readSubscribe(ctx: ReadContext): SubscribePacket {
  const { r, version } = ctx;
  const rule = rules(version);
  const packet: SubscribePacket = { cmd: 'subscribe', messageId: readPacketId(ctx), subscriptions: [] };
  if (version === 5) {
    const properties = readProperties(ctx, 'subscribe');
    if (properties) packet.properties = properties;
  }
  if (r.remaining === 0) fail('codec.decode.empty-list', { field: 'Topic Filter', offset: r.pos, rule: rule.atLeastOne });
  while (r.remaining > 0) {
    const topicOffset = r.pos + 2;
    const topic = readString(ctx, 'Topic Filter');
    if (!validTopicFilter(topic)) fail('codec.decode.topic-filter', { field: 'Topic Filter', offset: topicOffset, value: show(topic), rule: 'MQTT 3.1.1 §4.7.1' });
    const name = version === 5 ? 'Subscription Options' : 'Requested QoS';
    const offset = r.pos;
    const options = r.u8(name);
    if (ctx.fields) record(ctx, name, offset, options, optionBits(options, version));
    if (options & (version === 5 ? 0xc0 : 0xfc)) fail('codec.decode.reserved-bits', { field: name, offset, value: options, rule: rule.reserved });
    const qos = options & 3;
    if (qos === 3) fail('codec.decode.value', { field: name, offset, value: qos, allowed: '0, 1, 2', rule: rule.qos });
    const sub: Subscription = { topic, qos: qos as QoS };
    if (version === 5) {
      const rh = (options >> 4) & 3;
      if (rh === 3) fail('codec.decode.value', { field: 'Retain Handling', offset, value: rh, allowed: '0, 1, 2', rule: 'MQTT 5.0 §3.8.3.1' });
      sub.nl = (options & 0x04) !== 0;
      sub.rap = (options & 0x08) !== 0;
      sub.rh = rh;
      const shared = sharedSubscription(topic);
      if (shared === null) fail('codec.decode.topic-filter', { field: 'Topic Filter', offset: topicOffset, value: show(topic), rule: 'MQTT-4.8.2-1' });
      if (shared && sub.nl) fail('codec.decode.shared-no-local', { field: name, offset, rule: SHARED_NO_LOCAL });
    }
    packet.subscriptions.push(sub);
  }
  return packet;
}

const subackCodes = {
  v3: { table: subackReturnCodes, rule: 'MQTT-3.9.3-2' },
  v5: { table: packetReasonCodes.suback, rule: 'MQTT 5.0 §3.9.3' },
} as const;

export function encodeSuback(p: SubackPacket, version: ProtocolVersion): Uint8Array {
  const messageId = checkPacketId(p.messageId, version);
  const granted = p.granted;
  if (!Array.isArray(granted)) refuse('codec.encode.type', { field: 'granted', expected: 'an array', value: show(granted) });
  if (granted.length === 0) refuse('codec.encode.empty-list', { field: 'granted', rule: 'MQTT 3.1.1 §3.9.3' });
  const { table, rule } = version === 5 ? subackCodes.v5 : subackCodes.v3;
  // An index loop, not forEach: forEach skips the holes of a sparse array, which were then written as 0x00.
  for (let i = 0; i < granted.length; i++) {
    const code = granted[i];
    if (typeof code !== 'number' || table[code] === undefined) checkCode(code, `granted[${i}]`, table, rule);
  }
  let propsSize = 0;
  if (version === 5) propsSize = measureProperties(p.properties, 'suback');
  else refuseProperties(p.properties, 'properties', version);

  const w = packetWriter(9, 0, 2 + (version === 5 ? varintLength(propsSize) + propsSize : 0) + granted.length, version);
  w.u16(messageId);
  if (version === 5) writeProperties(w, p.properties, propsSize);
  for (const code of granted) w.u8(code);
  return w.bytes;
}

export function readSuback(ctx: ReadContext): SubackPacket {
  const { r, version } = ctx;
  const packet: SubackPacket = { cmd: 'suback', messageId: readPacketId(ctx), granted: [] };
  if (version === 5) {
    const properties = readProperties(ctx, 'suback');
    if (properties) packet.properties = properties;
  }
  const name = codeName(version);
  if (r.remaining === 0) fail('codec.decode.empty-list', { field: name, offset: r.pos, rule: 'MQTT 3.1.1 §3.9.3' });
  const { table, rule } = version === 5 ? subackCodes.v5 : subackCodes.v3;
  while (r.remaining > 0) {
    const offset = r.pos;
    const code = readU8(ctx, name);
    if (table[code] === undefined) fail('codec.decode.value', { field: name, offset, value: code, allowed: listCodes(table), rule });
    packet.granted.push(code);
  }
  expectEnd(ctx, 'SUBACK');
  return packet;
}
