/**
 * MQTT 5.0 properties (§2.2.2), driven by one table: identifier, mqtt-packet's name, the spec's name, data type,
 * value range, the packets that may carry it, and where it may repeat. Reading and writing both walk this table.
 */
import { Buffer } from 'node:buffer';
import { type ByteWriter, VARINT_MAX, utf8Length, varintLength } from '../wire.js';
import { type ReadContext, checkTopicName, fail, readBinary, readString, record } from './_read.js';
import { type Text, checkBool, checkInt, isPlainObject, measureBytes, measureText, measureTopicName, refuse, show, writePrefixed } from './_write.js';
import type { Properties, ProtocolVersion } from './types.js';

/** Where a property list sits: a packet type, or the Will Properties of a CONNECT. */
type PropertyContext =
  | 'connect'
  | 'will'
  | 'connack'
  | 'publish'
  | 'puback'
  | 'pubrec'
  | 'pubrel'
  | 'pubcomp'
  | 'subscribe'
  | 'suback'
  | 'unsubscribe'
  | 'unsuback'
  | 'disconnect'
  | 'auth';

type PropertyType = 'bool' | 'u8' | 'u16' | 'u32' | 'varint' | 'string' | 'binary' | 'pair';

interface PropertyDef {
  readonly id: number;
  readonly key: keyof Properties;
  /** The spec's name (Table 2-4), used for fields and errors. */
  readonly name: string;
  readonly type: PropertyType;
  /** Smallest allowed value for numbers, where 0 is a Protocol Error. */
  readonly min?: number;
  /** Largest allowed value for numbers when narrower than the type. */
  readonly max?: number;
  readonly in: readonly PropertyContext[];
  /** Where the property may appear more than once (User Property everywhere, Subscription Identifier in PUBLISH). */
  readonly repeat?: readonly PropertyContext[];
  /** A string that is a Topic Name (the Response Topic): no wildcard, not empty. */
  readonly topicName?: true;
}

const acks: PropertyContext[] = ['puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback'];
const all: PropertyContext[] = ['connect', 'will', 'connack', 'publish', 'subscribe', 'unsubscribe', 'disconnect', 'auth', ...acks];

/** MQTT 5.0 Table 2-4, in identifier order; ranges from each property's section (e.g. §3.1.2.11.3 Receive Maximum ≠ 0). */
const propertyTable: readonly PropertyDef[] = [
  { id: 0x01, key: 'payloadFormatIndicator', name: 'Payload Format Indicator', type: 'bool', in: ['publish', 'will'] },
  { id: 0x02, key: 'messageExpiryInterval', name: 'Message Expiry Interval', type: 'u32', in: ['publish', 'will'] },
  { id: 0x03, key: 'contentType', name: 'Content Type', type: 'string', in: ['publish', 'will'] },
  { id: 0x08, key: 'responseTopic', name: 'Response Topic', type: 'string', topicName: true, in: ['publish', 'will'] },
  { id: 0x09, key: 'correlationData', name: 'Correlation Data', type: 'binary', in: ['publish', 'will'] },
  {
    id: 0x0b,
    key: 'subscriptionIdentifier',
    name: 'Subscription Identifier',
    type: 'varint',
    min: 1,
    in: ['publish', 'subscribe'],
    repeat: ['publish'],
  },
  { id: 0x11, key: 'sessionExpiryInterval', name: 'Session Expiry Interval', type: 'u32', in: ['connect', 'connack', 'disconnect'] },
  { id: 0x12, key: 'assignedClientIdentifier', name: 'Assigned Client Identifier', type: 'string', in: ['connack'] },
  { id: 0x13, key: 'serverKeepAlive', name: 'Server Keep Alive', type: 'u16', in: ['connack'] },
  { id: 0x15, key: 'authenticationMethod', name: 'Authentication Method', type: 'string', in: ['connect', 'connack', 'auth'] },
  { id: 0x16, key: 'authenticationData', name: 'Authentication Data', type: 'binary', in: ['connect', 'connack', 'auth'] },
  { id: 0x17, key: 'requestProblemInformation', name: 'Request Problem Information', type: 'bool', in: ['connect'] },
  { id: 0x18, key: 'willDelayInterval', name: 'Will Delay Interval', type: 'u32', in: ['will'] },
  { id: 0x19, key: 'requestResponseInformation', name: 'Request Response Information', type: 'bool', in: ['connect'] },
  { id: 0x1a, key: 'responseInformation', name: 'Response Information', type: 'string', in: ['connack'] },
  { id: 0x1c, key: 'serverReference', name: 'Server Reference', type: 'string', in: ['connack', 'disconnect'] },
  { id: 0x1f, key: 'reasonString', name: 'Reason String', type: 'string', in: ['connack', 'disconnect', 'auth', ...acks] },
  { id: 0x21, key: 'receiveMaximum', name: 'Receive Maximum', type: 'u16', min: 1, in: ['connect', 'connack'] },
  { id: 0x22, key: 'topicAliasMaximum', name: 'Topic Alias Maximum', type: 'u16', in: ['connect', 'connack'] },
  { id: 0x23, key: 'topicAlias', name: 'Topic Alias', type: 'u16', min: 1, in: ['publish'] },
  { id: 0x24, key: 'maximumQoS', name: 'Maximum QoS', type: 'u8', max: 1, in: ['connack'] },
  { id: 0x25, key: 'retainAvailable', name: 'Retain Available', type: 'bool', in: ['connack'] },
  { id: 0x26, key: 'userProperties', name: 'User Property', type: 'pair', in: all, repeat: all },
  { id: 0x27, key: 'maximumPacketSize', name: 'Maximum Packet Size', type: 'u32', min: 1, in: ['connect', 'connack'] },
  { id: 0x28, key: 'wildcardSubscriptionAvailable', name: 'Wildcard Subscription Available', type: 'bool', in: ['connack'] },
  { id: 0x29, key: 'subscriptionIdentifiersAvailable', name: 'Subscription Identifier Available', type: 'bool', in: ['connack'] },
  { id: 0x2a, key: 'sharedSubscriptionAvailable', name: 'Shared Subscription Available', type: 'bool', in: ['connack'] },
];

const byId: ReadonlyArray<PropertyDef | undefined> = (() => {
  const table: Array<PropertyDef | undefined> = new Array(256).fill(undefined);
  for (const def of propertyTable) table[def.id] = def;
  return table;
})();
const byKey: ReadonlyMap<string, PropertyDef> = new Map(propertyTable.map((def) => [def.key, def]));

/** The largest value of each fixed-size number type. */
const typeMax: Readonly<Record<'u8' | 'u16' | 'u32' | 'varint', number>> = { u8: 0xff, u16: 0xffff, u32: 0xffff_ffff, varint: VARINT_MAX };

const RULE = 'MQTT 5.0 §2.2.2.2';

const AUTH_DATA = 0x16;

/**
 * Where Authentication Data without an Authentication Method is a Protocol Error: CONNECT §3.1.2.11.10; AUTH, which
 * must carry a method, §3.15.2.2.2. (CONNACK §3.2.2.3 has no such sentence.)
 */
const authDataRules: Partial<Record<PropertyContext, string>> = { connect: 'MQTT 5.0 §3.1.2.11.10', auth: 'MQTT 5.0 §3.15.2.2.2' };

/** [MQTT-3.3.2-14] the Response Topic (also a Will's: it becomes a PUBLISH) must not contain wildcards. */
const RESPONSE_TOPIC_RULE = 'MQTT-3.3.2-14';

function contextName(where: PropertyContext): string {
  return where === 'will' ? 'Will Properties' : where.toUpperCase();
}

// ---- reading -------------------------------------------------------------------------------------------------------

/**
 * Reads a Property Length and the properties after it. Returns undefined for an empty list, as mqtt-packet does.
 * Reads are bounded by the Property Length, so a property that runs past it is reported where it starts.
 */
export function readProperties(ctx: ReadContext, where: PropertyContext): Properties | undefined {
  const { r } = ctx;
  const lengthName = where === 'will' ? 'Will Property Length' : 'Property Length';
  const lengthOffset = r.pos;
  const length = r.varint(lengthName);
  if (ctx.fields) record(ctx, lengthName, lengthOffset, length);
  if (length === 0) return undefined;
  if (length > r.remaining) fail('codec.decode.truncated', { field: lengthName, offset: lengthOffset, need: length, have: r.remaining });
  const outerEnd = r.end;
  const end = r.pos + length;
  r.end = end;
  const props: Record<string, unknown> = {};
  let authDataAt = 0;
  while (r.pos < end) {
    const offset = r.pos;
    const id = r.u8('Property Identifier');
    const def = byId[id];
    if (def === undefined) fail('codec.decode.property-unknown', { field: 'Property Identifier', offset, value: id, rule: RULE });
    if (ctx.fields) record(ctx, 'Property Identifier', offset, def.name);
    if (!def.in.includes(where)) {
      fail('codec.decode.property-not-allowed', { field: def.name, offset, packet: contextName(where), rule: RULE });
    }
    if (def.type === 'pair') {
      const users = (props.userProperties ??= Object.create(null)) as Record<string, string | string[]>;
      const name = readString(ctx, 'User Property Name');
      const value = readString(ctx, 'User Property Value');
      const before = users[name];
      if (before === undefined) users[name] = value;
      else if (Array.isArray(before)) before.push(value);
      else users[name] = [before, value];
      continue;
    }
    const value = readValue(ctx, def);
    if (def.id === AUTH_DATA) authDataAt = offset;
    const before = props[def.key];
    if (before === undefined) props[def.key] = value;
    else if (def.repeat?.includes(where)) {
      if (Array.isArray(before)) before.push(value);
      else props[def.key] = [before, value];
    }
    else fail('codec.decode.property-repeated', { field: def.name, offset, packet: contextName(where), rule: RULE });
  }
  r.end = outerEnd;
  if (props.authenticationData !== undefined && props.authenticationMethod === undefined && authDataRules[where] !== undefined) {
    fail('codec.decode.auth-data-without-method', { field: 'Authentication Data', offset: authDataAt, packet: contextName(where), rule: authDataRules[where] });
  }
  return props as Properties;
}

function readValue(ctx: ReadContext, def: PropertyDef): unknown {
  const { r } = ctx;
  const offset = r.pos;
  let value: number;
  switch (def.type) {
    case 'string': {
      const text = readString(ctx, def.name);
      if (def.topicName) checkTopicName(def.name, offset + 2, text, false, RESPONSE_TOPIC_RULE);
      return text;
    }
    case 'binary':
      return readBinary(ctx, def.name);
    case 'bool':
    case 'u8':
      value = r.u8(def.name);
      break;
    case 'u16':
      value = r.u16(def.name);
      break;
    case 'u32':
      value = r.u32(def.name);
      break;
    default:
      value = r.varint(def.name);
  }
  const max = def.type === 'bool' ? 1 : (def.max ?? typeMax[def.type as keyof typeof typeMax]);
  const min = def.min ?? 0;
  if (value < min || value > max) {
    fail('codec.decode.value', { field: def.name, offset, value, allowed: `${min}–${max}`, rule: RULE });
  }
  const result = def.type === 'bool' ? value === 1 : value;
  if (ctx.fields) record(ctx, def.name, offset, result);
  return result;
}

// ---- writing -------------------------------------------------------------------------------------------------------

/** Refuses properties on a 3.x packet: there is no room for them on the wire. */
export function refuseProperties(props: unknown, field: string, version: ProtocolVersion): void {
  if (props === undefined || props === null) return;
  // A Map's entries are not its values: refused by type, as in 5.0, rather than passed as empty.
  if (typeof props === 'object' && !isPlainObject(props)) refuse('codec.encode.type', { field, expected: 'a plain object', value: show(props) });
  if (typeof props !== 'object' || Object.values(props).some((value) => value !== undefined)) {
    refuse('codec.encode.needs-v5', { field, value: version });
  }
}

/**
 * Checks a property object for `where` and returns the byte size of its property list, Property Length excluded.
 * Keys are written in the object's own order, as mqtt-packet writes them, so both produce the same bytes.
 */
export function measureProperties(props: unknown, where: PropertyContext, field = 'properties'): number {
  if (props === undefined || props === null) return 0;
  if (!isPlainObject(props)) refuse('codec.encode.type', { field, expected: 'a plain object', value: show(props) });
  let size = 0;
  for (const key of Object.keys(props)) {
    const value = props[key];
    if (value === undefined) continue;
    const def = byKey.get(key);
    const path = `${field}.${key}`;
    if (def === undefined) refuse('codec.encode.property-unknown', { field: path, allowed: [...byKey.keys()].join(', ') });
    if (!def.in.includes(where)) refuse('codec.encode.property-not-allowed', { field: path, packet: contextName(where) });
    if (def.type === 'pair') {
      size += measurePairs(value, path);
    } else if (Array.isArray(value)) {
      if (!def.repeat?.includes(where) || value.length === 0) {
        refuse('codec.encode.property-repeated', { field: path, packet: contextName(where) });
      }
      for (const item of value) size += 1 + measureValue(def, item, path);
    } else {
      size += 1 + measureValue(def, value, path);
    }
  }
  const given = props as Properties;
  if (given.authenticationData !== undefined && given.authenticationMethod === undefined && authDataRules[where] !== undefined) {
    refuse('codec.encode.auth-data-without-method', { field: `${field}.authenticationData`, packet: contextName(where), rule: authDataRules[where] });
  }
  return size;
}

function measureValue(def: PropertyDef, value: unknown, field: string): number {
  switch (def.type) {
    case 'bool':
      checkBool(value, field);
      return 1;
    case 'string':
      return 2 + (def.topicName ? measureTopicName(value, field, 5, false, RESPONSE_TOPIC_RULE) : measureText(value, field, 5));
    case 'binary':
      return 2 + measureBytes(value, field, 0xffff);
    default: {
      const max = def.max ?? typeMax[def.type as keyof typeof typeMax];
      const n = checkInt(value, field, def.min ?? 0, max, RULE);
      return def.type === 'u8' ? 1 : def.type === 'u16' ? 2 : def.type === 'u32' ? 4 : varintLength(n);
    }
  }
}

function measurePairs(value: unknown, field: string): number {
  if (!isPlainObject(value)) return refuse('codec.encode.type', { field, expected: 'a plain object of strings', value: show(value) });
  let size = 0;
  for (const name of Object.keys(value)) {
    const nameLength = measureText(name, `${field} name`, 5);
    const item = value[name];
    const values = Array.isArray(item) ? item : [item];
    // No value, no pair: the name was dropped without a word (a pair's value may be "", never absent).
    if (values.length === 0) refuse('codec.encode.type', { field: `${field}.${name}`, expected: 'a string or a non-empty array of strings', value: 'an empty array' });
    for (const v of values) size += 5 + nameLength + measureText(v, `${field}.${name}`, 5);
  }
  return size;
}

function textLength(value: Text): number {
  return typeof value === 'string' ? utf8Length(value) : value.length;
}

/** Writes the Property Length and the properties that measureProperties checked and sized. */
export function writeProperties(w: ByteWriter, props: unknown, size: number): void {
  w.varint(size);
  if (size === 0) return;
  const object = props as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === undefined) continue;
    const def = byKey.get(key)!;
    if (def.type === 'pair') {
      const pairs = value as Record<string, string | string[]>;
      for (const name of Object.keys(pairs)) {
        const item = pairs[name]!;
        for (const v of Array.isArray(item) ? item : [item]) {
          w.u8(def.id);
          writePrefixed(w, name, utf8Length(name));
          writePrefixed(w, v, textLength(v));
        }
      }
    } else if (Array.isArray(value)) {
      for (const item of value) writeValue(w, def, item);
    } else {
      writeValue(w, def, value);
    }
  }
}

function writeValue(w: ByteWriter, def: PropertyDef, value: unknown): void {
  w.u8(def.id);
  switch (def.type) {
    case 'bool':
      w.u8(value ? 1 : 0);
      break;
    case 'u8':
      w.u8(value as number);
      break;
    case 'u16':
      w.u16(value as number);
      break;
    case 'u32':
      w.u32(value as number);
      break;
    case 'varint':
      w.varint(value as number);
      break;
    case 'string':
      writePrefixed(w, value as Text, textLength(value as Text));
      break;
    default: {
      const bytes = value as Text;
      writePrefixed(w, bytes, typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length);
    }
  }
}

