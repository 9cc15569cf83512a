/**
 * Encode helpers shared by the packet writers: checks that name the field and the allowed values, and measuring
 * strings and binaries (validating them in the same pass) so a packet's size is known before anything is written.
 */
import { Buffer } from 'node:buffer';
import { EncodeError } from '../errors.js';
import type { Params } from '../messages.js';
import { ByteWriter, LONE_SURROGATE, NULL_CHAR, U16_MAX, VARINT_MAX, isWellFormedUtf8, utf8Length, varintLength } from '../wire.js';
import { listCodes } from './constants.js';
import { show } from './_show.js';
import type { ProtocolVersion } from './types.js';

export { show };

export function refuse(code: string, params: Params & { field: string }): never {
  throw new EncodeError(code, params);
}

/**
 * An object whose own enumerable keys are all its data: a literal, Object.create(null), JSON.parse's, another realm's.
 * Not a Map, an array or a class instance, whose entries, getters or inherited fields Object.keys does not see (they
 * were written as an empty property list). Checked only where properties are given, so packets without them pay nothing.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

/** A string field may also be given as UTF-8 bytes (mqtt-packet accepts a Buffer clientId, topic, username). */
export type Text = string | Uint8Array;

const stringRules = {
  3: { utf8: 'MQTT-1.5.3-1', nul: 'MQTT-1.5.3-2', length: 'MQTT 3.1.1 §1.5.3' },
  4: { utf8: 'MQTT-1.5.3-1', nul: 'MQTT-1.5.3-2', length: 'MQTT 3.1.1 §1.5.3' },
  5: { utf8: 'MQTT-1.5.4-1', nul: 'MQTT-1.5.4-2', length: 'MQTT 5.0 §1.5.4' },
} as const;

/** UTF-8 byte length of a string field, refusing a non-string, U+0000, a lone surrogate, or more than 65,535 bytes. */
export function measureText(value: unknown, field: string, version: ProtocolVersion): number {
  const rules = stringRules[version];
  let length: number;
  if (typeof value === 'string') {
    length = utf8Length(value);
    if (length === NULL_CHAR) refuse('codec.encode.null-char', { field, rule: rules.nul });
    if (length === LONE_SURROGATE) refuse('codec.encode.utf8', { field, rule: rules.utf8 });
  } else if (value instanceof Uint8Array) {
    if (value.includes(0)) refuse('codec.encode.null-char', { field, rule: rules.nul });
    if (!isWellFormedUtf8(value)) refuse('codec.encode.utf8', { field, rule: rules.utf8 });
    length = value.length;
  } else {
    return refuse('codec.encode.type', { field, expected: 'a string', value: show(value) });
  }
  if (length > U16_MAX) refuse('codec.encode.too-long', { field, value: length, limit: U16_MAX, rule: rules.length });
  return length;
}

/** Byte length of a binary field given as bytes or as a string (written as UTF-8). */
export function measureBytes(value: unknown, field: string, limit: number): number {
  let length: number;
  if (value instanceof Uint8Array) length = value.length;
  else if (typeof value === 'string') length = Buffer.byteLength(value);
  else return refuse('codec.encode.type', { field, expected: 'a string or Uint8Array', value: show(value) });
  if (length > limit) refuse('codec.encode.too-long', { field, value: length, limit, rule: 'MQTT 5.0 §1.5.6' });
  return length;
}

/** Writes bytes or a string already measured, without a length prefix. */
export function writeRaw(w: ByteWriter, value: Text, byteLength: number): void {
  if (typeof value === 'string') w.text(value, byteLength);
  else w.raw(value);
}

/** Writes a two-byte length, then the string or bytes. */
export function writePrefixed(w: ByteWriter, value: Text, byteLength: number): void {
  w.u16(byteLength);
  writeRaw(w, value, byteLength);
}

/** An integer in [min, max]. */
export function checkInt(value: unknown, field: string, min: number, max: number, rule: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return refuse('codec.encode.range', { field, value: show(value), allowed: `${min}–${max}`, rule });
  }
  return value;
}

export function checkBool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') refuse('codec.encode.type', { field, expected: 'true or false', value: show(value) });
  return value as boolean;
}

/** An optional boolean flag: undefined is false. */
export function flag(value: unknown, field: string): boolean {
  return value === undefined ? false : checkBool(value, field);
}

/** A Packet Identifier: 1–65535 ([MQTT-2.3.1-1]; 5.0 [MQTT-2.2.1-3]). */
export function checkPacketId(value: unknown, version: ProtocolVersion): number {
  return checkInt(value, 'messageId', 1, 0xffff, version === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1');
}

/** A code from a table of allowed codes; `allowed` describes them when the table's own list would not. */
export function checkCode(value: unknown, field: string, table: Readonly<Record<number, string>>, rule: string, allowed?: string): number {
  if (typeof value !== 'number' || table[value] === undefined) {
    refuse('codec.encode.range', { field, value: show(value), allowed: allowed ?? listCodes(table), rule });
  }
  return value as number;
}

/**
 * Where the next packet is written when encodeInto asked for a caller's buffer. encode() is synchronous and writes
 * exactly one packet, so a slot read (and cleared) by packetWriter is enough; threading a target through every
 * packet's writer would add a parameter to fifteen functions for this one caller.
 */
let target: { bytes: Uint8Array; offset: number } | undefined;

/** The next packetWriter() writes into `bytes` at `offset` (see encodeInto). */
export function writeNextInto(bytes: Uint8Array, offset: number): void {
  target = { bytes, offset };
}

/** Clears a target that no writer took (the packet was refused before its size was known). */
export function clearTarget(): void {
  target = undefined;
}

/**
 * A writer sized for the whole packet, with the fixed header written: type and flags, then the Remaining Length,
 * refused above 268,435,455 (3.1.1 §2.2.3, 5.0 §2.1.4).
 */
export function packetWriter(type: number, flags: number, remaining: number, version: ProtocolVersion): ByteWriter {
  if (remaining > VARINT_MAX) {
    refuse('codec.encode.too-large', {
      field: 'Remaining Length',
      value: remaining,
      limit: VARINT_MAX,
      rule: version === 5 ? 'MQTT 5.0 §2.1.4' : 'MQTT 3.1.1 §2.2.3',
    });
  }
  const size = 1 + varintLength(remaining) + remaining;
  const into = target;
  if (into === undefined) {
    // CONNECT (1) and AUTH (15) carry credentials: never in the shared pool another packet's .buffer shows.
    const w = new ByteWriter(size, undefined, 0, type === 1 || type === 15);
    w.u8((type << 4) | flags);
    w.varint(remaining);
    return w;
  }
  target = undefined;
  if (into.offset + size > into.bytes.length) {
    refuse('codec.encode.target-small', { field: 'target', value: size, limit: into.bytes.length - into.offset });
  }
  const w = new ByteWriter(size, into.bytes, into.offset);
  w.u8((type << 4) | flags);
  w.varint(remaining);
  return w;
}

const PLUS = 0x2b;
const HASH = 0x23;

/**
 * UTF-8 length of a Topic Name, refusing wildcards [MQTT-3.3.2-2] (`wildcardRule`: the Response Topic has its own id)
 * and, unless `allowEmpty` (a 5.0 PUBLISH that carries a Topic Alias), an empty name [MQTT-4.7.3-1].
 */
export function measureTopicName(value: unknown, field: string, version: ProtocolVersion, allowEmpty = false, wildcardRule = 'MQTT-3.3.2-2'): number {
  const length = measureText(value, field, version);
  if (length === 0 && !allowEmpty) refuse('codec.encode.topic-empty', { field, rule: 'MQTT-4.7.3-1' });
  // indexOf, not /[+#]/: the regular expression was ~25 ns of a ~470 ns small PUBLISH encode.
  const wild = typeof value === 'string' ? value.indexOf('+') !== -1 || value.indexOf('#') !== -1 : (value as Uint8Array).includes(PLUS) || (value as Uint8Array).includes(HASH);
  if (wild) refuse('codec.encode.topic-wildcard', { field, value: show(value), rule: wildcardRule });
  return length;
}
