// Helpers for the codec tests: hex, reviving fixture packets from JSON, comparing with mqtt-packet's object model,
// and the field-tiling check the table renderer relies on.
import { expect } from 'vitest';
import type { Field, Packet } from '../../src/mqtt/types.js';

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/[\s:]/g, ''), 'hex'));

/**
 * JSON fixtures write bytes as {"hex": "…"} (or {"hex": null, "length", "fillByte"} for a huge fill), a long string
 * as {"$repeat": "a", "count": n} and an explicit undefined as {"$undefined": true}; this turns them back into values.
 */
export function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if ('$undefined' in record) return undefined;
  if ('$repeat' in record) return (record.$repeat as string).repeat(record.count as number);
  if ('hex' in record) {
    if (typeof record.hex === 'string') return unhex(record.hex);
    return new Uint8Array(record.length as number).fill(record.fillByte as number);
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revive(v)]));
}

/** mqtt-packet's Packet class puts these on every packet; only PUBLISH means anything by qos, dup and retain. */
const generic = ['length', 'retain', 'qos', 'dup', 'topic', 'payload'];

/**
 * An mqtt-packet packet object (parsed or written for generate) in our decoded model: bytes as plain Uint8Array,
 * no generic header keys on packets that don't use them, no undefined values, plain objects for user properties.
 */
export function normalize(packet: unknown): unknown {
  const p = packet as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined) continue;
    if (key === 'length') continue;
    if (p.cmd !== 'publish' && generic.includes(key)) continue;
    out[key] = plain(value, key);
  }
  return out;
}

/** Fields the spec makes strings, which fixtures sometimes give as bytes, and fields it makes binary. */
const textKeys = new Set(['clientId', 'username', 'topic']);
const binaryKeys = new Set(['password', 'payload', 'correlationData', 'authenticationData']);

function plain(value: unknown, key = ''): unknown {
  if (textKeys.has(key) && value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (binaryKeys.has(key) && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'utf8'));
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map((item) => plain(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v, k)]),
    );
  }
  return value;
}

/** Our decoded packet with plain objects and plain Uint8Arrays, for toEqual against normalize(). */
export function plainPacket(packet: Packet): unknown {
  return plain(packet);
}

/**
 * The fields of one packet tile its bytes: every leaf starts where the previous one ended, the first at `start`,
 * the last ending at `start + length`; bit groups of a flag byte cover all 8 bits once. Problems are collected and
 * asserted once (vitest's expect is too slow to call per field on thousands of packets).
 */
export function tilingProblems(fields: readonly Field[], start: number, length: number): string[] {
  const problems: string[] = [];
  let at = start;
  for (const field of fields) {
    if (field.name.length === 0) problems.push(`a field at ${field.offset} has no name`);
    if (field.offset !== at) problems.push(`${field.name} starts at ${field.offset}, not ${at}`);
    if (!(field.length >= 0)) problems.push(`${field.name} has length ${field.length}`);
    if (field.bits) {
      if (field.length !== 1) problems.push(`${field.name} has bits but is ${field.length} bytes`);
      let mask = 0;
      for (const b of field.bits) {
        const bits = ((1 << (b.width ?? 1)) - 1) << b.bit;
        if (mask & bits) problems.push(`${field.name}: ${b.name} overlaps another bit group`);
        mask |= bits;
      }
      if (mask !== 0xff) problems.push(`${field.name}: bits cover ${mask.toString(2)}, not the whole byte`);
    }
    at = field.offset + field.length;
  }
  if (at !== start + length) problems.push(`fields end at ${at}, the packet at ${start + length}`);
  return problems;
}

export function expectTiled(fields: readonly Field[], start: number, length: number): void {
  expect(tilingProblems(fields, start, length)).toEqual([]);
}

/** Where each packet of a stream starts, read from the fixed headers alone (the last entry is the end). */
export function packetStarts(bytes: Uint8Array): number[] {
  const starts = [0];
  let pos = 0;
  while (pos < bytes.length) {
    let value = 0;
    let i = 1;
    for (let multiplier = 1; ; multiplier *= 128, i++) {
      const byte = bytes[pos + i]!;
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) break;
    }
    pos += 1 + i + value;
    starts.push(pos);
  }
  return starts;
}
