/**
 * Decode helpers shared by the packet readers: the reading context (input, version, optional field recorder),
 * length-prefixed strings and binaries that record their two leaf fields, and the typed failure.
 */
import { Buffer } from 'node:buffer';
import { DecodeError } from '../errors.js';
import type { Params } from '../messages.js';
import { ByteReader } from '../wire.js';
import { show } from './_show.js';
import type { Field, FieldBits, ProtocolVersion } from './types.js';

/** What every packet reader gets: the bytes, the version in force, and a field list when fields are wanted. */
export interface ReadContext {
  r: ByteReader;
  version: ProtocolVersion;
  /** Present only on the recording pass; every leaf read pushes to it. */
  fields: Field[] | undefined;
}

/** Rule ids for UTF-8 strings: 3.1.1 numbers them 1.5.3-x, 5.0 numbers them 1.5.4-x. */
const utf8Rules = {
  3: { utf8: 'MQTT-1.5.3-1', nul: 'MQTT-1.5.3-2' },
  4: { utf8: 'MQTT-1.5.3-1', nul: 'MQTT-1.5.3-2' },
  5: { utf8: 'MQTT-1.5.4-1', nul: 'MQTT-1.5.4-2' },
} as const;

export function fail(code: string, params: Params & { field: string; offset: number }): never {
  throw new DecodeError(code, params);
}

export function record(ctx: ReadContext, name: string, offset: number, value: Field['value'], bits?: FieldBits[]): void {
  const field: Field = { name, offset, length: ctx.r.pos - offset, value };
  if (bits) field.bits = bits;
  ctx.fields!.push(field);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * A binary field (payload, password, …) whose value, the bytes' hex, is made when first read: readers that only want
 * where the bytes are (decode's JSON, which prints the packet's hex once) never pay for a copy of a large payload.
 * `value` is an own enumerable property all the same, so spreading, comparing and JSON.stringify see a plain field.
 */
export class BinaryField implements Field {
  declare value: string;
  constructor(
    readonly name: string,
    readonly offset: number,
    readonly length: number,
    bytes: Uint8Array,
  ) {
    let text: string | undefined;
    Object.defineProperty(this, 'value', { get: () => (text ??= hex(bytes)), enumerable: true });
  }
}

export function recordBinary(ctx: ReadContext, name: string, offset: number, bytes: Uint8Array): void {
  ctx.fields!.push(new BinaryField(name, offset, ctx.r.pos - offset, bytes));
}

export function readU8(ctx: ReadContext, name: string): number {
  const offset = ctx.r.pos;
  const value = ctx.r.u8(name);
  if (ctx.fields) record(ctx, name, offset, value);
  return value;
}

export function readU16(ctx: ReadContext, name: string): number {
  const offset = ctx.r.pos;
  const value = ctx.r.u16(name);
  if (ctx.fields) record(ctx, name, offset, value);
  return value;
}

/** "<name> Length" for the few field names there are, made once: a new string per string read showed in SUBSCRIBE decoding. */
const lengthNames: Record<string, string> = Object.create(null) as Record<string, string>;
const lengthName = (name: string): string => (lengthNames[name] ??= `${name} Length`);

/** A UTF-8 string: "<name> Length" then "<name>". */
export function readString(ctx: ReadContext, name: string): string {
  const length = readU16(ctx, lengthName(name));
  const offset = ctx.r.pos;
  const value = ctx.r.chars(length, name, utf8Rules[ctx.version]);
  if (ctx.fields) record(ctx, name, offset, value);
  return value;
}

/** Binary data: "<name> Length" then "<name>" (a view into the input, recorded as hex). */
export function readBinary(ctx: ReadContext, name: string): Uint8Array {
  const length = readU16(ctx, lengthName(name));
  const offset = ctx.r.pos;
  const value = ctx.r.raw(length, name);
  if (ctx.fields) recordBinary(ctx, name, offset, value);
  return value;
}

/**
 * A Packet Identifier: non-zero ([MQTT-2.3.1-1]; 5.0 [MQTT-2.2.1-3]). Acknowledgements echo an identifier that was
 * non-zero when sent, so 0 is refused everywhere.
 */
export function readPacketId(ctx: ReadContext): number {
  const offset = ctx.r.pos;
  const id = readU16(ctx, 'Packet Identifier');
  if (id === 0) {
    fail('codec.decode.value', {
      field: 'Packet Identifier',
      offset,
      value: 0,
      allowed: '1–65535',
      rule: ctx.version === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1',
    });
  }
  return id;
}

/** Refuses bytes left inside the packet after its last field. */
export function expectEnd(ctx: ReadContext, packet: string): void {
  if (ctx.r.remaining > 0) {
    fail('codec.decode.extra-bytes', { field: 'Remaining Length', offset: ctx.r.pos, count: ctx.r.remaining, packet });
  }
}

/** Name of a reason code field: 3.x says Return Code, 5.0 says Reason Code. */
export function codeName(version: ProtocolVersion): string {
  return version === 5 ? 'Reason Code' : 'Return Code';
}

/**
 * A Topic Name: no wildcard [MQTT-3.3.2-2] (`wildcardRule`: the Response Topic has its own id), and at least one
 * character [MQTT-4.7.3-1] unless `allowEmpty` (a 5.0 PUBLISH that carries a Topic Alias).
 */
export function checkTopicName(field: string, offset: number, topic: string, allowEmpty = false, wildcardRule = 'MQTT-3.3.2-2'): void {
  if (topic.length === 0 && !allowEmpty) fail('codec.decode.topic-empty', { field, offset, rule: 'MQTT-4.7.3-1' });
  if (topic.indexOf('+') !== -1 || topic.indexOf('#') !== -1) fail('codec.decode.topic-wildcard', { field, offset, value: show(topic), rule: wildcardRule });
}
