/**
 * PUBACK, PUBREC, PUBREL, PUBCOMP (3.1.1 §3.4–3.7, 5.0 §3.4–3.7): the QoS 1 and 2 handshakes.
 *
 *   40|50|62|70 RL | packet id | [5.0 reason code | properties]
 *
 * In 5.0 the reason code and properties may be left out (RL 2 means Success), and the Property Length may be left
 * out when RL is 3 (§3.4.2.2.1). Encoding follows mqtt-packet: the short form for Success without properties,
 * otherwise the reason code and a Property Length.
 */
import { listCodes, packetCodes, packetReasonCodes, requiredFlags } from '../constants.js';
import { type ReadContext, expectEnd, fail, readPacketId, readU8 } from '../_read.js';
import { checkCode, checkPacketId, packetWriter, refuse } from '../_write.js';
import { measureProperties, readProperties, refuseProperties, writeProperties } from '../properties.js';
import type { PubackPacket, PubcompPacket, PubrecPacket, PubrelPacket, ProtocolVersion } from '../types.js';
import { varintLength } from '../../wire.js';

type Ack = PubackPacket | PubrecPacket | PubrelPacket | PubcompPacket;

/** Sections that list each acknowledgement's reason codes. */
const reasonRule = { puback: 'MQTT 5.0 §3.4.2.1', pubrec: 'MQTT 5.0 §3.5.2.1', pubrel: 'MQTT 5.0 §3.6.2.1', pubcomp: 'MQTT 5.0 §3.7.2.1' } as const;

export function encodeAck(p: Ack, version: ProtocolVersion): Uint8Array {
  const messageId = checkPacketId(p.messageId, version);
  const type = packetCodes[p.cmd];
  const flags = requiredFlags[p.cmd];
  if (version !== 5) {
    refuseProperties(p.properties, 'properties', version);
    if (p.reasonCode !== undefined && p.reasonCode !== 0) refuse('codec.encode.needs-v5', { field: 'reasonCode', value: version });
    const w = packetWriter(type, flags, 2, version);
    w.u16(messageId);
    return w.bytes;
  }
  const table = packetReasonCodes[p.cmd];
  const code = p.reasonCode === undefined ? 0 : checkCode(p.reasonCode, 'reasonCode', table, reasonRule[p.cmd]);
  const hasProps = p.properties !== undefined && p.properties !== null;
  if (code === 0 && !hasProps) {
    const w = packetWriter(type, flags, 2, version);
    w.u16(messageId);
    return w.bytes;
  }
  const propsSize = measureProperties(p.properties, p.cmd);
  const w = packetWriter(type, flags, 3 + varintLength(propsSize) + propsSize, version);
  w.u16(messageId);
  w.u8(code);
  writeProperties(w, p.properties, propsSize);
  return w.bytes;
}

export function readAck(ctx: ReadContext, cmd: Ack['cmd']): Ack {
  const messageId = readPacketId(ctx);
  const name = cmd.toUpperCase();
  if (ctx.version !== 5) {
    expectEnd(ctx, name);
    return { cmd, messageId };
  }
  const packet: Ack = { cmd, messageId, reasonCode: 0 };
  if (ctx.r.remaining > 0) {
    const offset = ctx.r.pos;
    const code = readU8(ctx, 'Reason Code');
    const table = packetReasonCodes[cmd];
    if (table[code] === undefined) {
      fail('codec.decode.value', { field: 'Reason Code', offset, value: code, allowed: listCodes(table), rule: reasonRule[cmd] });
    }
    packet.reasonCode = code;
  }
  if (ctx.r.remaining > 0) {
    const properties = readProperties(ctx, cmd);
    if (properties) packet.properties = properties;
  }
  expectEnd(ctx, name);
  return packet;
}
