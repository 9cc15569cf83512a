/**
 * CONNECT (3.1.1 §3.1, 5.0 §3.1): the first packet on a connection; it carries its own protocol version.
 *
 *   10 RL | 00 04 'MQTT' | level | connect flags | keep alive | [5.0 properties]
 *   | client id | [will properties, will topic, will payload] | [user name] | [password]
 */
import { BRIDGE_BIT, protocolNames } from '../constants.js';
import {
  type ReadContext,
  checkTopicName,
  expectEnd,
  fail,
  readBinary,
  readString,
  readU16,
  record,
} from '../_read.js';
import {
  type Text,
  checkBool,
  checkInt,
  flag,
  measureBytes,
  measureText,
  measureTopicName,
  packetWriter,
  refuse,
  show,
  writePrefixed,
} from '../_write.js';
import { measureProperties, readProperties, refuseProperties, writeProperties } from '../properties.js';
import type { ConnectPacket, FieldBits, ProtocolVersion, QoS, Will } from '../types.js';
import { varintLength } from '../../wire.js';

const USERNAME = 0x80;
const PASSWORD = 0x40;
const WILL_RETAIN = 0x20;
const WILL_QOS_SHIFT = 3;
const WILL = 0x04;
const CLEAN = 0x02;
const RESERVED = 0x01;

/** Rule ids for the Will bits: 5.0 renumbered them. */
function willRules(version: ProtocolVersion): { qosWithoutWill: string; qos3: string; retainWithoutWill: string } {
  return version === 5
    ? { qosWithoutWill: 'MQTT-3.1.2-11', qos3: 'MQTT-3.1.2-12', retainWithoutWill: 'MQTT-3.1.2-13' }
    : { qosWithoutWill: 'MQTT-3.1.2-13', qos3: 'MQTT-3.1.2-14', retainWithoutWill: 'MQTT-3.1.2-15' };
}

export function encodeConnect(p: ConnectPacket): Uint8Array {
  const version = p.protocolVersion ?? 4;
  if (version !== 3 && version !== 4 && version !== 5) {
    refuse('codec.encode.version-option', { field: 'protocolVersion', value: show(version) });
  }
  const protocolId = p.protocolId ?? protocolNames[version];
  if (protocolId !== protocolNames[version]) {
    refuse('codec.encode.protocol-mismatch', { field: 'protocolId', value: show(protocolId), expected: protocolNames[version], version, rule: 'MQTT-3.1.2-1' });
  }
  const bridge = flag(p.bridgeMode, 'bridgeMode');
  if (bridge && version === 5) refuse('codec.encode.bridge-v5', { field: 'bridgeMode' });
  const clean = p.clean === undefined ? true : checkBool(p.clean, 'clean');
  const keepalive = p.keepalive === undefined ? 0 : checkInt(p.keepalive, 'keepalive', 0, 0xffff, version === 5 ? 'MQTT 5.0 §3.1.2.10' : 'MQTT 3.1.1 §3.1.2.10');
  const clientId: Text = p.clientId ?? '';
  const clientIdLength = measureText(clientId, 'clientId', version);
  if (clientIdLength === 0 && version === 3) refuse('codec.encode.client-id-required', { field: 'clientId', rule: 'MQTT 3.1 §3.1' });
  if (clientIdLength === 0 && version === 4 && !clean) refuse('codec.encode.client-id-required', { field: 'clientId', rule: 'MQTT-3.1.3-7' });

  // Remaining Length, term by term.
  let remaining = 2 + protocolId.length; // Protocol Name
  remaining += 1 + 1 + 2; // Protocol Level, Connect Flags, Keep Alive
  let propsSize = 0;
  if (version === 5) {
    propsSize = measureProperties(p.properties, 'connect');
    remaining += varintLength(propsSize) + propsSize;
  } else {
    refuseProperties(p.properties, 'properties', version);
  }
  remaining += 2 + clientIdLength;

  const will = checkWill(p.will, version);
  if (will) remaining += (version === 5 ? varintLength(will.propsSize) + will.propsSize : 0) + 2 + will.topicLength + 2 + will.payloadLength;

  const hasUsername = p.username !== undefined && p.username !== null;
  const usernameLength = hasUsername ? measureText(p.username, 'username', version) : 0;
  if (hasUsername) remaining += 2 + usernameLength;
  const hasPassword = p.password !== undefined && p.password !== null;
  if (hasPassword && !hasUsername && version !== 5) {
    refuse('codec.encode.password-without-username', { field: 'password', rule: 'MQTT-3.1.2-22' });
  }
  const passwordLength = hasPassword ? measureBytes(p.password, 'password', 0xffff) : 0;
  if (hasPassword) remaining += 2 + passwordLength;

  let flags = clean ? CLEAN : 0;
  if (hasUsername) flags |= USERNAME;
  if (hasPassword) flags |= PASSWORD;
  if (will) flags |= WILL | (will.qos << WILL_QOS_SHIFT) | (will.retain ? WILL_RETAIN : 0);

  const w = packetWriter(1, 0, remaining, version);
  w.utf8(protocolId, protocolId.length);
  w.u8(bridge ? version | BRIDGE_BIT : version);
  w.u8(flags);
  w.u16(keepalive);
  if (version === 5) writeProperties(w, p.properties, propsSize);
  writePrefixed(w, clientId, clientIdLength);
  if (will) {
    if (version === 5) writeProperties(w, will.properties, will.propsSize);
    writePrefixed(w, will.topic, will.topicLength);
    writePrefixed(w, will.payload, will.payloadLength);
  }
  if (hasUsername) writePrefixed(w, p.username!, usernameLength);
  if (hasPassword) writePrefixed(w, p.password!, passwordLength);
  return w.bytes;
}

interface CheckedWill {
  topic: Text;
  topicLength: number;
  payload: Text;
  payloadLength: number;
  qos: QoS;
  retain: boolean;
  properties: unknown;
  propsSize: number;
}

function checkWill(will: Will | undefined | null, version: ProtocolVersion): CheckedWill | undefined {
  if (will === undefined || will === null) return undefined;
  if (typeof will !== 'object') refuse('codec.encode.type', { field: 'will', expected: 'an object', value: show(will) });
  const topicLength = measureTopicName(will.topic, 'will.topic', version);
  const payload: Text = will.payload ?? '';
  const payloadLength = measureBytes(payload, 'will.payload', 0xffff);
  const qos = (will.qos === undefined ? 0 : checkInt(will.qos, 'will.qos', 0, 2, willRules(version).qos3)) as QoS;
  const retain = flag(will.retain, 'will.retain');
  let propsSize = 0;
  if (version === 5) propsSize = measureProperties(will.properties, 'will', 'will.properties');
  else refuseProperties(will.properties, 'will.properties', version);
  return { topic: will.topic, topicLength, payload, payloadLength, qos, retain, properties: will.properties, propsSize };
}

function connectFlagBits(flags: number, version: ProtocolVersion): FieldBits[] {
  return [
    { bit: 7, name: 'User Name Flag', value: (flags >> 7) & 1 },
    { bit: 6, name: 'Password Flag', value: (flags >> 6) & 1 },
    { bit: 5, name: 'Will Retain', value: (flags >> 5) & 1 },
    { bit: 3, width: 2, name: 'Will QoS', value: (flags >> 3) & 3 },
    { bit: 2, name: 'Will Flag', value: (flags >> 2) & 1 },
    { bit: 1, name: version === 5 ? 'Clean Start' : 'Clean Session', value: (flags >> 1) & 1 },
    { bit: 0, name: 'Reserved', value: flags & 1 },
  ];
}

export function readConnect(ctx: ReadContext): ConnectPacket {
  const { r } = ctx;
  const nameOffset = r.pos + 2;
  const protocolId = readString(ctx, 'Protocol Name');
  if (protocolId !== 'MQTT' && protocolId !== 'MQIsdp') {
    fail('codec.decode.protocol-name', { field: 'Protocol Name', offset: nameOffset, value: show(protocolId), rule: 'MQTT-3.1.2-1' });
  }
  const levelOffset = r.pos;
  const level = r.u8('Protocol Level');
  const bridgeMode = (level & BRIDGE_BIT) !== 0 && ((level & 0x7f) === 3 || (level & 0x7f) === 4);
  const version = (bridgeMode ? level & 0x7f : level) as ProtocolVersion;
  if (version !== 3 && version !== 4 && version !== 5) {
    fail('codec.decode.protocol-level', { field: 'Protocol Level', offset: levelOffset, value: level, rule: 'MQTT-3.1.2-2' });
  }
  if (protocolNames[version] !== protocolId) {
    fail('codec.decode.protocol-mismatch', { field: 'Protocol Name', offset: nameOffset, value: protocolId, level, expected: protocolNames[version], rule: 'MQTT-3.1.2-1' });
  }
  ctx.version = version;
  if (ctx.fields) record(ctx, version === 5 ? 'Protocol Version' : 'Protocol Level', levelOffset, level);

  const flagsOffset = r.pos;
  const flags = r.u8('Connect Flags');
  if (ctx.fields) record(ctx, 'Connect Flags', flagsOffset, flags, connectFlagBits(flags, version));
  // [MQTT-3.1.2-3] the reserved bit must be 0.
  if (flags & RESERVED) fail('codec.decode.reserved-bits', { field: 'Connect Flags', offset: flagsOffset, value: 1, rule: 'MQTT-3.1.2-3' });
  const hasWill = (flags & WILL) !== 0;
  const willQos = (flags >> WILL_QOS_SHIFT) & 3;
  const willRetain = (flags & WILL_RETAIN) !== 0;
  const rules = willRules(version);
  if (!hasWill && willQos !== 0) fail('codec.decode.will-flags', { field: 'Connect Flags', offset: flagsOffset, flag: 'Will QoS', rule: rules.qosWithoutWill });
  if (!hasWill && willRetain) fail('codec.decode.will-flags', { field: 'Connect Flags', offset: flagsOffset, flag: 'Will Retain', rule: rules.retainWithoutWill });
  if (willQos === 3) fail('codec.decode.value', { field: 'Will QoS', offset: flagsOffset, value: 3, allowed: '0, 1, 2', rule: rules.qos3 });
  const hasUsername = (flags & USERNAME) !== 0;
  const hasPassword = (flags & PASSWORD) !== 0;
  // [MQTT-3.1.2-22] before 5.0 a password needs a user name.
  if (hasPassword && !hasUsername && version !== 5) {
    fail('codec.decode.password-without-username', { field: 'Connect Flags', offset: flagsOffset, rule: 'MQTT-3.1.2-22' });
  }

  const keepalive = readU16(ctx, 'Keep Alive');
  const packet: ConnectPacket = { cmd: 'connect', protocolId, protocolVersion: version, clean: (flags & CLEAN) !== 0, keepalive, clientId: '' };
  if (bridgeMode) packet.bridgeMode = true;
  if (version === 5) {
    const properties = readProperties(ctx, 'connect');
    if (properties) packet.properties = properties;
  }
  packet.clientId = readString(ctx, 'Client Identifier');
  if (hasWill) {
    const properties = version === 5 ? readProperties(ctx, 'will') : undefined;
    const topicOffset = r.pos + 2;
    const topic = readString(ctx, 'Will Topic');
    checkTopicName('Will Topic', topicOffset, topic);
    const payload = readBinary(ctx, version === 5 ? 'Will Payload' : 'Will Message');
    const will: Will = { topic, payload, qos: willQos as QoS, retain: willRetain };
    if (properties) will.properties = properties;
    packet.will = will;
  }
  if (hasUsername) packet.username = readString(ctx, 'User Name');
  if (hasPassword) packet.password = readBinary(ctx, 'Password');
  expectEnd(ctx, 'CONNECT');
  return packet;
}
