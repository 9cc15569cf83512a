/**
 * PINGREQ, PINGRESP (§3.12–3.13), DISCONNECT (§3.14) and the 5.0 AUTH (§3.15): packets with no packet id.
 *
 *   c0 00 | d0 00 | e0 00 (3.x)
 *   e0 RL | [reason code | [properties]]   5.0: RL 0 means Normal disconnection, RL 1 a reason code alone (§3.14.2.2.1)
 *   f0 RL | [reason code | properties]     5.0: RL 0 means Success (§3.15.2.1)
 *
 * Encoding follows mqtt-packet: a 5.0 DISCONNECT or AUTH always carries its reason code and a Property Length. An AUTH
 * also carries its Authentication Method (omitting it is a Protocol Error, §3.15.2.2.2), except a Success with no
 * properties at all: §3.15.2.1 lets that one drop even its Property Length (f0 00), so f0 02 00 00, mqtt-packet's way of
 * writing it, says the same and is taken too.
 */
import { listCodes, packetReasonCodes } from '../constants.js';
import { type ReadContext, expectEnd, fail, readU8 } from '../_read.js';
import { checkCode, packetWriter, refuse } from '../_write.js';
import { measureProperties, readProperties, refuseProperties, writeProperties } from '../properties.js';
import type { AuthPacket, DisconnectPacket, PingreqPacket, PingrespPacket, ProtocolVersion } from '../types.js';
import { varintLength } from '../../wire.js';

const sections = { disconnect: 'MQTT 5.0 §3.14.2.1', auth: 'MQTT 5.0 §3.15.2.1' } as const;

/** "It is a Protocol Error to omit the Authentication Method or to include it more than once." */
const AUTH_METHOD_RULE = 'MQTT 5.0 §3.15.2.2.2';

export function encodePing(p: PingreqPacket | PingrespPacket, version: ProtocolVersion): Uint8Array {
  return packetWriter(p.cmd === 'pingreq' ? 12 : 13, 0, 0, version).bytes;
}

export function readPing(ctx: ReadContext, cmd: 'pingreq' | 'pingresp'): PingreqPacket | PingrespPacket {
  expectEnd(ctx, cmd.toUpperCase());
  return { cmd };
}

export function encodeDisconnectOrAuth(p: DisconnectPacket | AuthPacket, version: ProtocolVersion): Uint8Array {
  const type = p.cmd === 'disconnect' ? 14 : 15;
  if (version !== 5) {
    if (p.cmd === 'auth') refuse('codec.encode.needs-v5', { field: 'cmd', value: version });
    refuseProperties(p.properties, 'properties', version);
    if (p.reasonCode !== undefined && p.reasonCode !== 0) refuse('codec.encode.needs-v5', { field: 'reasonCode', value: version });
    return packetWriter(type, 0, 0, version).bytes;
  }
  const table = packetReasonCodes[p.cmd];
  const code = p.reasonCode === undefined ? 0 : checkCode(p.reasonCode, 'reasonCode', table, sections[p.cmd]);
  const propsSize = measureProperties(p.properties, p.cmd);
  if (p.cmd === 'auth') {
    if (!(code === 0 && propsSize === 0) && (p.properties as AuthPacket['properties'] | null)?.authenticationMethod === undefined) {
      refuse('codec.encode.auth-method-missing', { field: 'properties.authenticationMethod', rule: AUTH_METHOD_RULE });
    }
  }
  const w = packetWriter(type, 0, 1 + varintLength(propsSize) + propsSize, version);
  w.u8(code);
  writeProperties(w, p.properties, propsSize);
  return w.bytes;
}

export function readDisconnectOrAuth(ctx: ReadContext, cmd: 'disconnect' | 'auth'): DisconnectPacket | AuthPacket {
  const { r } = ctx;
  const name = cmd.toUpperCase();
  if (ctx.version !== 5) {
    expectEnd(ctx, name);
    return { cmd } as DisconnectPacket;
  }
  const packet: DisconnectPacket | AuthPacket = { cmd, reasonCode: 0 };
  if (r.remaining === 0) return packet;
  const offset = r.pos;
  const code = readU8(ctx, 'Reason Code');
  const table = packetReasonCodes[cmd];
  if (table[code] === undefined) fail('codec.decode.value', { field: 'Reason Code', offset, value: code, allowed: listCodes(table), rule: sections[cmd] });
  packet.reasonCode = code;
  // DISCONNECT may stop after its reason code (§3.14.2.2.1); AUTH may not (§3.15.2.2.1 has no such clause).
  if (cmd === 'auth' || r.remaining > 0) {
    const propertiesAt = r.pos;
    const properties = readProperties(ctx, cmd);
    if (properties) packet.properties = properties;
    // Only a Success without properties may leave the Authentication Method out (written short above, or long).
    if (cmd === 'auth' && properties?.authenticationMethod === undefined && !(code === 0 && properties === undefined)) {
      fail('codec.decode.auth-method-missing', { field: 'Authentication Method', offset: propertiesAt, rule: AUTH_METHOD_RULE });
    }
  }
  expectEnd(ctx, name);
  return packet;
}
