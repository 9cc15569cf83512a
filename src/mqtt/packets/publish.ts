/**
 * PUBLISH (3.1.1 §3.3, 5.0 §3.3): an application message.
 *
 *   3x RL (x = DUP·8 + QoS·2 + RETAIN) | topic name | [packet id if QoS > 0] | [5.0 properties] | payload (the rest)
 */
import { type ReadContext, checkTopicName, readPacketId, readString, recordBinary } from '../_read.js';
import {
  checkInt,
  checkPacketId,
  flag,
  measureBytes,
  measureTopicName,
  packetWriter,
  refuse,
  writePrefixed,
  writeRaw,
} from '../_write.js';
import { measureProperties, readProperties, refuseProperties, writeProperties } from '../properties.js';
import type { ProtocolVersion, PublishPacket, QoS } from '../types.js';
import { VARINT_MAX, varintLength } from '../../wire.js';

const EMPTY = new Uint8Array(0);

export function encodePublish(p: PublishPacket, version: ProtocolVersion): Uint8Array {
  const qos = (p.qos === undefined ? 0 : checkInt(p.qos, 'qos', 0, 2, 'MQTT-3.3.1-4')) as QoS;
  const dup = flag(p.dup, 'dup');
  // [MQTT-3.3.1-2] DUP must be 0 for QoS 0.
  if (dup && qos === 0) refuse('codec.encode.dup-qos0', { field: 'dup', rule: 'MQTT-3.3.1-2' });
  const retain = flag(p.retain, 'retain');
  const messageId = qos > 0 ? checkPacketId(p.messageId, version) : 0;

  let propsSize = 0;
  if (version === 5) propsSize = measureProperties(p.properties, 'publish');
  else refuseProperties(p.properties, 'properties', version);
  // 5.0 §3.3.2.1: an empty Topic Name is allowed when a Topic Alias stands for it.
  const aliased = version === 5 && p.properties?.topicAlias !== undefined;
  const topicLength = measureTopicName(p.topic, 'topic', version, aliased);
  const payload = p.payload ?? '';
  const payloadLength = measureBytes(payload, 'payload', VARINT_MAX);

  const remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + (version === 5 ? varintLength(propsSize) + propsSize : 0) + payloadLength;
  const w = packetWriter(3, (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0), remaining, version);
  writePrefixed(w, p.topic, topicLength);
  if (qos > 0) w.u16(messageId);
  if (version === 5) writeProperties(w, p.properties, propsSize);
  writeRaw(w, payload, payloadLength);
  return w.bytes;
}

/** `flags` are the fixed header's low four bits, already checked for QoS 3 and DUP on QoS 0. */
export function readPublish(ctx: ReadContext, flags: number): PublishPacket {
  const { r, version } = ctx;
  const qos = ((flags >> 1) & 3) as QoS;
  const topicOffset = r.pos + 2;
  const topic = readString(ctx, 'Topic Name');
  const packet: PublishPacket = { cmd: 'publish', topic, payload: EMPTY, qos, dup: (flags & 8) !== 0, retain: (flags & 1) !== 0 };
  if (qos > 0) packet.messageId = readPacketId(ctx);
  if (version === 5) {
    const properties = readProperties(ctx, 'publish');
    if (properties) packet.properties = properties;
  }
  checkTopicName('Topic Name', topicOffset, topic, version === 5 && packet.properties?.topicAlias !== undefined);
  const offset = r.pos;
  packet.payload = r.raw(r.remaining, 'Payload');
  if (ctx.fields) recordBinary(ctx, 'Payload', offset, packet.payload);
  return packet;
}
