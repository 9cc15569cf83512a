/**
 * Code ⇄ name tables from the specs: packet types, protocol name per level, reserved header flags, return and
 * reason codes. Reverse maps are derived, never typed twice.
 * MQTT 3.1.1: http://docs.oasis-open.org/mqtt/mqtt/v3.1.1/os/mqtt-v3.1.1-os.html
 * MQTT 5.0:   https://docs.oasis-open.org/mqtt/mqtt/v5.0/os/mqtt-v5.0-os.html
 */
import type { PacketCmd, ProtocolVersion } from './types.js';

/** Packet type (fixed header bits 7–4) → mqtt-packet's cmd. 0 is reserved; 15 (AUTH) exists only in 5.0. */
export const packetTypes: Readonly<Record<number, PacketCmd>> = {
  1: 'connect',
  2: 'connack',
  3: 'publish',
  4: 'puback',
  5: 'pubrec',
  6: 'pubrel',
  7: 'pubcomp',
  8: 'subscribe',
  9: 'suback',
  10: 'unsubscribe',
  11: 'unsuback',
  12: 'pingreq',
  13: 'pingresp',
  14: 'disconnect',
  15: 'auth',
};

const codes: Partial<Record<PacketCmd, number>> = {};
const names: Partial<Record<PacketCmd, string>> = {};
// A plain loop: every run loads this table, and entries/map/fromEntries cost a short run more than the loop.
for (let code = 1; code <= 15; code++) {
  const cmd = packetTypes[code]!;
  codes[cmd] = code;
  names[cmd] = cmd.toUpperCase();
}

export const packetCodes = codes as Readonly<Record<PacketCmd, number>>;

/** The spec's name of each packet type, as the tables print it. */
export const packetNames = names as Readonly<Record<PacketCmd, string>>;

/**
 * Fixed header bits 3–0 for every type but PUBLISH ([MQTT-2.2.2-1]; 5.0 [MQTT-2.1.3-1]): 0010 for PUBREL,
 * SUBSCRIBE and UNSUBSCRIBE, 0000 for the rest.
 */
export const requiredFlags: Readonly<Record<Exclude<PacketCmd, 'publish'>, number>> = {
  connect: 0,
  connack: 0,
  puback: 0,
  pubrec: 0,
  pubrel: 2,
  pubcomp: 0,
  subscribe: 2,
  suback: 0,
  unsubscribe: 2,
  unsuback: 0,
  pingreq: 0,
  pingresp: 0,
  disconnect: 0,
  auth: 0,
};

/** Protocol Name that goes with each Protocol Level (3.1 §3.1, 3.1.1 §3.1.2.1, 5.0 §3.1.2.1). */
export const protocolNames: Readonly<Record<ProtocolVersion, 'MQTT' | 'MQIsdp'>> = { 3: 'MQIsdp', 4: 'MQTT', 5: 'MQTT' };

/** Mosquitto's bridge extension sets bit 7 of the Protocol Level (0x83, 0x84), as mqtt-packet's bridgeMode. */
export const BRIDGE_BIT = 0x80;

/** MQTT 3.1 / 3.1.1 CONNACK return codes (3.1.1 Table 3.1); 6–255 are reserved [MQTT-3.2.2-6]. */
export const connackReturnCodes: Readonly<Record<number, string>> = {
  0: 'Connection Accepted',
  1: 'Connection Refused, unacceptable protocol version',
  2: 'Connection Refused, identifier rejected',
  3: 'Connection Refused, Server unavailable',
  4: 'Connection Refused, bad user name or password',
  5: 'Connection Refused, not authorized',
};

/** MQTT 3.1 / 3.1.1 SUBACK return codes (3.1.1 §3.9.3); anything else is reserved [MQTT-3.9.3-2]. */
export const subackReturnCodes: Readonly<Record<number, string>> = {
  0x00: 'Success - Maximum QoS 0',
  0x01: 'Success - Maximum QoS 1',
  0x02: 'Success - Maximum QoS 2',
  0x80: 'Failure',
};

/** MQTT 5.0 reason codes (Table 2-6), code → name; 0x00 is also "Normal disconnection" and "Granted QoS 0". */
export const reasonCodes: Readonly<Record<number, string>> = {
  0x00: 'Success',
  0x01: 'Granted QoS 1',
  0x02: 'Granted QoS 2',
  0x04: 'Disconnect with Will Message',
  0x10: 'No matching subscribers',
  0x11: 'No subscription existed',
  0x18: 'Continue authentication',
  0x19: 'Re-authenticate',
  0x80: 'Unspecified error',
  0x81: 'Malformed Packet',
  0x82: 'Protocol Error',
  0x83: 'Implementation specific error',
  0x84: 'Unsupported Protocol Version',
  0x85: 'Client Identifier not valid',
  0x86: 'Bad User Name or Password',
  0x87: 'Not authorized',
  0x88: 'Server unavailable',
  0x89: 'Server busy',
  0x8a: 'Banned',
  0x8b: 'Server shutting down',
  0x8c: 'Bad authentication method',
  0x8d: 'Keep Alive timeout',
  0x8e: 'Session taken over',
  0x8f: 'Topic Filter invalid',
  0x90: 'Topic Name invalid',
  0x91: 'Packet Identifier in use',
  0x92: 'Packet Identifier not found',
  0x93: 'Receive Maximum exceeded',
  0x94: 'Topic Alias invalid',
  0x95: 'Packet too large',
  0x96: 'Message rate too high',
  0x97: 'Quota exceeded',
  0x98: 'Administrative action',
  0x99: 'Payload format invalid',
  0x9a: 'Retain not supported',
  0x9b: 'QoS not supported',
  0x9c: 'Use another server',
  0x9d: 'Server moved',
  0x9e: 'Shared Subscriptions not supported',
  0x9f: 'Connection rate exceeded',
  0xa0: 'Maximum connect time',
  0xa1: 'Subscription Identifiers not supported',
  0xa2: 'Wildcard Subscriptions not supported',
};

/** The packets that carry a 5.0 reason code. */
export type ReasonCmd = 'connack' | 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'suback' | 'unsuback' | 'disconnect' | 'auth';

function pick(codes: readonly number[], rename: Readonly<Record<number, string>> = {}): Readonly<Record<number, string>> {
  return Object.fromEntries(codes.map((code) => [code, rename[code] ?? reasonCodes[code]!]));
}

const pubackCodes = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
const pubrelCodes = [0x00, 0x92];

/**
 * MQTT 5.0 reason codes each packet may carry (§3.2.2.2, 3.4.2.1, 3.5.2.1, 3.6.2.1, 3.7.2.1, 3.9.3, 3.11.3, 3.14.2.1,
 * 3.15.2.1). Each packet's table is made on its first read: most runs never read one, and building all nine at load
 * was a tenth of a millisecond of every start (issue 15).
 */
const made: Partial<Record<ReasonCmd, Readonly<Record<number, string>>>> = {};
const once = (cmd: ReasonCmd, make: () => Readonly<Record<number, string>>): Readonly<Record<number, string>> => (made[cmd] ??= make());
export const packetReasonCodes: Readonly<Record<ReasonCmd, Readonly<Record<number, string>>>> = {
  get connack() {
    return once('connack', () =>
      pick([0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f]),
    );
  },
  get puback() {
    return once('puback', () => pick(pubackCodes));
  },
  get pubrec() {
    return once('pubrec', () => pick(pubackCodes));
  },
  get pubrel() {
    return once('pubrel', () => pick(pubrelCodes));
  },
  get pubcomp() {
    return once('pubcomp', () => pick(pubrelCodes));
  },
  get suback() {
    return once('suback', () => pick([0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2], { 0x00: 'Granted QoS 0' }));
  },
  get unsuback() {
    return once('unsuback', () => pick([0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91]));
  },
  get disconnect() {
    return once('disconnect', () =>
      pick(
        [
          0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a,
          0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2,
        ],
        { 0x00: 'Normal disconnection' },
      ),
    );
  },
  get auth() {
    return once('auth', () => pick([0x00, 0x18, 0x19]));
  },
};

/** "0x87, 0x8a" style list of the codes a table allows, for error messages. */
export function listCodes(table: Readonly<Record<number, string>>): string {
  return Object.keys(table)
    .map((code) => `0x${Number(code).toString(16).padStart(2, '0')}`)
    .join(', ');
}
