/**
 * CONNACK (3.1.1 §3.2, 5.0 §3.2): the server's answer to CONNECT.
 *
 *   20 RL | acknowledge flags (bit 0 Session Present) | return code (3.x) or reason code (5.0) | [5.0 properties]
 */
import { connackReturnCodes, listCodes, packetReasonCodes } from '../constants.js';
import { type ReadContext, codeName, expectEnd, fail, readU8, record } from '../_read.js';
import { checkCode, flag, packetWriter, refuse } from '../_write.js';
import { measureProperties, readProperties, refuseProperties, writeProperties } from '../properties.js';
import type { ConnackPacket, ProtocolVersion } from '../types.js';
import { varintLength } from '../../wire.js';

/** [MQTT-3.2.2-4] (5.0: [MQTT-3.2.2-6]): a refused connection has no session. */
function sessionRule(version: ProtocolVersion): string {
  return version === 5 ? 'MQTT-3.2.2-6' : 'MQTT-3.2.2-4';
}

export function encodeConnack(p: ConnackPacket, version: ProtocolVersion): Uint8Array {
  const sessionPresent = flag(p.sessionPresent, 'sessionPresent');
  let code: number;
  let propsSize = 0;
  if (version === 5) {
    code = checkCode(p.reasonCode, 'reasonCode', packetReasonCodes.connack, 'MQTT 5.0 §3.2.2.2');
    propsSize = measureProperties(p.properties, 'connack');
  } else {
    code = checkCode(p.returnCode, 'returnCode', connackReturnCodes, 'MQTT-3.2.2-6', '0–5');
    refuseProperties(p.properties, 'properties', version);
    // MQTT 3.1 has no Session Present: the whole byte is reserved.
    if (version === 3 && sessionPresent) refuse('codec.encode.range', { field: 'sessionPresent', value: true, allowed: 'false', rule: 'MQTT 3.1 §3.2' });
  }
  if (sessionPresent && code !== 0) refuse('codec.encode.session-present', { field: 'sessionPresent', value: code, rule: sessionRule(version) });

  const remaining = 2 + (version === 5 ? varintLength(propsSize) + propsSize : 0);
  const w = packetWriter(2, 0, remaining, version);
  w.u8(sessionPresent ? 1 : 0);
  w.u8(code);
  if (version === 5) writeProperties(w, p.properties, propsSize);
  return w.bytes;
}

export function readConnack(ctx: ReadContext): ConnackPacket {
  const { r, version } = ctx;
  const flagsOffset = r.pos;
  const flags = r.u8('Connect Acknowledge Flags');
  if (ctx.fields) {
    record(ctx, 'Connect Acknowledge Flags', flagsOffset, flags, [
      { bit: 1, width: 7, name: 'Reserved', value: flags >> 1 },
      { bit: 0, name: 'Session Present', value: flags & 1 },
    ]);
  }
  // Bits 7–1 are reserved (3.1.1 §3.2.2.1, 5.0 [MQTT-3.2.2-1]); 3.1 reserves the whole byte.
  if (flags & (version === 3 ? 0xff : 0xfe)) {
    const rule = version === 5 ? 'MQTT-3.2.2-1' : version === 4 ? 'MQTT 3.1.1 §3.2.2.1' : 'MQTT 3.1 §3.2';
    fail('codec.decode.reserved-bits', { field: 'Connect Acknowledge Flags', offset: flagsOffset, value: flags, rule });
  }
  const sessionPresent = (flags & 1) === 1;
  const name = codeName(version);
  const codeOffset = r.pos;
  const code = readU8(ctx, name);
  const table = version === 5 ? packetReasonCodes.connack : connackReturnCodes;
  if (table[code] === undefined) {
    const rule = version === 5 ? 'MQTT 5.0 §3.2.2.2' : 'MQTT-3.2.2-6';
    fail('codec.decode.value', { field: name, offset: codeOffset, value: code, allowed: version === 5 ? listCodes(table) : '0–5', rule });
  }
  if (sessionPresent && code !== 0) {
    fail('codec.decode.session-present', { field: 'Connect Acknowledge Flags', offset: flagsOffset, value: code, rule: sessionRule(version) });
  }
  if (version !== 5) {
    expectEnd(ctx, 'CONNACK');
    return { cmd: 'connack', sessionPresent, returnCode: code };
  }
  const packet: ConnackPacket = { cmd: 'connack', sessionPresent, reasonCode: code };
  const properties = readProperties(ctx, 'connack');
  if (properties) packet.properties = properties;
  expectEnd(ctx, 'CONNACK');
  return packet;
}
