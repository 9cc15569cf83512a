/**
 * UNSUBSCRIBE and UNSUBACK (3.1.1 §3.10–3.11, 5.0 §3.10–3.11).
 *
 *   a2 RL | packet id | [5.0 properties] | topic filter+
 *   b0 RL | packet id | [5.0 properties | reason code per filter]
 */
import { listCodes, packetReasonCodes } from '../constants.js';
import { type ReadContext, expectEnd, fail, readPacketId, readString, readU8 } from '../_read.js';
import { checkCode, checkPacketId, measureText, packetWriter, refuse, show, writePrefixed } from '../_write.js';
import { measureProperties, readProperties, refuseProperties, writeProperties } from '../properties.js';
import { sharedSubscription, validTopicFilter } from '../topic.js';
import type { ProtocolVersion, UnsubackPacket, UnsubscribePacket } from '../types.js';
import { varintLength } from '../../wire.js';

/** [MQTT-3.10.3-2] at least one topic filter. */
const AT_LEAST_ONE = 'MQTT-3.10.3-2';

function filterProblem(topic: string, version: ProtocolVersion): string | undefined {
  if (!validTopicFilter(topic)) return 'MQTT 3.1.1 §4.7.1';
  if (version === 5 && sharedSubscription(topic) === null) return 'MQTT-4.8.2-1';
  return undefined;
}

export function encodeUnsubscribe(p: UnsubscribePacket, version: ProtocolVersion): Uint8Array {
  const messageId = checkPacketId(p.messageId, version);
  const list = p.unsubscriptions;
  if (!Array.isArray(list)) refuse('codec.encode.type', { field: 'unsubscriptions', expected: 'an array', value: show(list) });
  if (list.length === 0) refuse('codec.encode.empty-list', { field: 'unsubscriptions', rule: AT_LEAST_ONE });
  let propsSize = 0;
  if (version === 5) propsSize = measureProperties(p.properties, 'unsubscribe');
  else refuseProperties(p.properties, 'properties', version);
  let remaining = 2 + (version === 5 ? varintLength(propsSize) + propsSize : 0);
  // An index loop, not map: map skips the holes of a sparse array, and a packet without its filters was written.
  const lengths = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) {
    const topic = list[i];
    const field = `unsubscriptions[${i}]`;
    if (typeof topic !== 'string') refuse('codec.encode.type', { field, expected: 'a string', value: show(topic) });
    const length = measureText(topic, field, version);
    const rule = filterProblem(topic, version);
    if (rule) refuse('codec.encode.topic-filter', { field, value: show(topic), rule });
    remaining += 2 + length;
    lengths[i] = length;
  }

  const w = packetWriter(10, 2, remaining, version);
  w.u16(messageId);
  if (version === 5) writeProperties(w, p.properties, propsSize);
  list.forEach((topic, i) => writePrefixed(w, topic, lengths[i]!));
  return w.bytes;
}

export function readUnsubscribe(ctx: ReadContext): UnsubscribePacket {
  const { r, version } = ctx;
  const packet: UnsubscribePacket = { cmd: 'unsubscribe', messageId: readPacketId(ctx), unsubscriptions: [] };
  if (version === 5) {
    const properties = readProperties(ctx, 'unsubscribe');
    if (properties) packet.properties = properties;
  }
  if (r.remaining === 0) fail('codec.decode.empty-list', { field: 'Topic Filter', offset: r.pos, rule: AT_LEAST_ONE });
  while (r.remaining > 0) {
    const offset = r.pos + 2;
    const topic = readString(ctx, 'Topic Filter');
    const rule = filterProblem(topic, version);
    if (rule) fail('codec.decode.topic-filter', { field: 'Topic Filter', offset, value: show(topic), rule });
    packet.unsubscriptions.push(topic);
  }
  return packet;
}

const UNSUBACK_RULE = 'MQTT 5.0 §3.11.3';

export function encodeUnsuback(p: UnsubackPacket, version: ProtocolVersion): Uint8Array {
  const messageId = checkPacketId(p.messageId, version);
  if (version !== 5) {
    refuseProperties(p.properties, 'properties', version);
    // 3.x UNSUBACK has no codes: none (undefined or null, as for properties) or an empty list is fine, a code needs 5.0.
    // Anything else is not a list at all: null threw a TypeError, and a number or a string went through unseen.
    const granted: unknown = p.granted;
    if (granted !== undefined && granted !== null) {
      if (!Array.isArray(granted)) refuse('codec.encode.type', { field: 'granted', expected: 'an array', value: show(granted) });
      if (granted.length > 0) refuse('codec.encode.needs-v5', { field: 'granted', value: version });
    }
    const w = packetWriter(11, 0, 2, version);
    w.u16(messageId);
    return w.bytes;
  }
  const granted = p.granted;
  if (!Array.isArray(granted)) refuse('codec.encode.type', { field: 'granted', expected: 'an array', value: show(granted) });
  if (granted.length === 0) refuse('codec.encode.empty-list', { field: 'granted', rule: UNSUBACK_RULE });
  const table = packetReasonCodes.unsuback;
  // An index loop, not forEach: forEach skips the holes of a sparse array, which were then written as 0x00.
  for (let i = 0; i < granted.length; i++) {
    const code = granted[i];
    if (typeof code !== 'number' || table[code] === undefined) checkCode(code, `granted[${i}]`, table, UNSUBACK_RULE);
  }
  const propsSize = measureProperties(p.properties, 'unsuback');
  const w = packetWriter(11, 0, 2 + varintLength(propsSize) + propsSize + granted.length, version);
  w.u16(messageId);
  writeProperties(w, p.properties, propsSize);
  for (const code of granted) w.u8(code);
  return w.bytes;
}

export function readUnsuback(ctx: ReadContext): UnsubackPacket {
  const { r, version } = ctx;
  const messageId = readPacketId(ctx);
  if (version !== 5) {
    expectEnd(ctx, 'UNSUBACK');
    return { cmd: 'unsuback', messageId };
  }
  const packet: UnsubackPacket = { cmd: 'unsuback', messageId, granted: [] };
  const properties = readProperties(ctx, 'unsuback');
  if (properties) packet.properties = properties;
  if (r.remaining === 0) fail('codec.decode.empty-list', { field: 'Reason Code', offset: r.pos, rule: UNSUBACK_RULE });
  const table = packetReasonCodes.unsuback;
  while (r.remaining > 0) {
    const offset = r.pos;
    const code = readU8(ctx, 'Reason Code');
    if (table[code] === undefined) fail('codec.decode.value', { field: 'Reason Code', offset, value: code, allowed: listCodes(table), rule: UNSUBACK_RULE });
    packet.granted!.push(code);
  }
  return packet;
}
