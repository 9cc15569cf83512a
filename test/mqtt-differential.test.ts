// Differential tests against mqtt-packet (the codec MQTT.js uses) on random valid packets of every type, for each
// protocol version: our bytes parse in mqtt-packet to the same packet, mqtt-packet's bytes decode in ours to the
// same packet, and the two encoders write the same bytes. The generators follow the spec (Table 2-4 for which
// property goes where), independently of src/mqtt/properties.ts.
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { describe, expect, test } from 'vitest';
import { decode, encode, encodeInto } from '../src/mqtt/index.js';
import { EncodeError } from '../src/errors.js';
import type { Packet, ProtocolVersion } from '../src/mqtt/types.js';
import { expectTiled, hex, normalize, plainPacket } from './helpers/mqtt-codec.js';

const RUNS = 5000;

// ---- strings and topics ---------------------------------------------------------------------------------------------

/** A UTF-8 string MQTT allows: any code points but U+0000 (ASCII, CJK, astral). */
const text = (maxLength = 12) =>
  fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength })).filter((s) => !s.includes('\u0000'));
const nonEmpty = (maxLength = 12) => text(maxLength).filter((s) => s.length > 0);
const level = text(6).filter((s) => !/[/+#]/.test(s));
const topicName = fc.array(level, { minLength: 1, maxLength: 4 }).map((levels) => levels.join('/')).filter((t) => t.length > 0);
const topicFilter = fc
  .tuple(fc.array(fc.oneof(level, fc.constant('+')), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([levels, hash]) => (hash ? [...levels, '#'] : levels).join('/'))
  .filter((t) => t.length > 0 && !t.startsWith('$share/'));
const sharedFilter = fc.tuple(nonEmpty(6).filter((s) => !/[/+#]/.test(s)), topicFilter).map(([name, filter]) => `$share/${name}/${filter}`);
const bytes = (maxLength = 24) => fc.uint8Array({ maxLength });

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([hi, lo]) => hi * 0x10000 + lo);
const nonZero = <T extends number>(arb: fc.Arbitrary<T>) => arb.filter((n) => n !== 0);
const packetId = fc.integer({ min: 1, max: 0xffff });
const qos = fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>;
const subscriptionIdentifier = fc.integer({ min: 1, max: 268_435_455 });

/**
 * User properties with names that repeat as arrays (at least two values, as decoding groups them). Values are
 * non-empty: mqtt-packet's parser drops an empty first value when a name repeats.
 */
const userProperties = fc
  .dictionary(
    nonEmpty(8).filter((k) => k !== '__proto__'),
    fc.oneof(nonEmpty(8), fc.array(nonEmpty(8), { minLength: 2, maxLength: 3 })),
    { maxKeys: 3, minKeys: 1 },
  )
  .map((d) => ({ ...d }));

// ---- properties by packet (5.0 Table 2-4) ---------------------------------------------------------------------------

const props = (shape: Record<string, fc.Arbitrary<unknown>>) => fc.record(shape, { requiredKeys: [] });
const reason = { reasonString: text(), userProperties };

/** Authentication Data only with its Authentication Method (CONNECT §3.1.2.11.10, AUTH §3.15.2.2.2). */
const dataHasMethod = (p: { authenticationData?: unknown; authenticationMethod?: unknown }) => p.authenticationData === undefined || p.authenticationMethod !== undefined;
const connectProps = props({
  sessionExpiryInterval: u32,
  receiveMaximum: nonZero(u16),
  maximumPacketSize: nonZero(u32),
  topicAliasMaximum: u16,
  requestResponseInformation: fc.boolean(),
  requestProblemInformation: fc.boolean(),
  userProperties,
  authenticationMethod: text(),
  authenticationData: bytes(),
}).filter(dataHasMethod);
const willProps = props({
  willDelayInterval: u32,
  payloadFormatIndicator: fc.boolean(),
  messageExpiryInterval: u32,
  contentType: text(),
  responseTopic: topicName,
  correlationData: bytes(),
  userProperties,
});
const connackProps = props({
  sessionExpiryInterval: u32,
  receiveMaximum: nonZero(u16),
  maximumQoS: fc.constantFrom(0, 1),
  retainAvailable: fc.boolean(),
  maximumPacketSize: nonZero(u32),
  assignedClientIdentifier: text(),
  topicAliasMaximum: u16,
  ...reason,
  wildcardSubscriptionAvailable: fc.boolean(),
  subscriptionIdentifiersAvailable: fc.boolean(),
  sharedSubscriptionAvailable: fc.boolean(),
  serverKeepAlive: u16,
  responseInformation: text(),
  serverReference: text(),
  authenticationMethod: text(),
  authenticationData: bytes(),
});
const publishProps = props({
  payloadFormatIndicator: fc.boolean(),
  messageExpiryInterval: u32,
  topicAlias: nonZero(u16),
  responseTopic: topicName,
  correlationData: bytes(),
  userProperties,
  subscriptionIdentifier: fc.oneof(subscriptionIdentifier, fc.array(subscriptionIdentifier, { minLength: 2, maxLength: 3 })),
  contentType: text(),
});
const ackProps = props(reason);
const subscribeProps = props({ subscriptionIdentifier, userProperties });
const unsubscribeProps = props({ userProperties });
const disconnectProps = props({ sessionExpiryInterval: u32, ...reason, serverReference: text() });
/** An AUTH with properties always has its Authentication Method (§3.15.2.2.2); Success without any is a separate case. */
const authProps = fc.record({ authenticationMethod: text(), authenticationData: bytes(), ...reason }, { requiredKeys: ['authenticationMethod'] });

/** Adds `properties` only when there are some: decoding leaves an empty list out, as mqtt-packet does. */
function withProps<P extends object>(packet: P, properties: object | undefined): P {
  return properties && Object.keys(properties).length > 0 ? { ...packet, properties } : packet;
}

// ---- packets, in the shape decode returns ---------------------------------------------------------------------------

function packets(v: ProtocolVersion): fc.Arbitrary<Packet> {
  const v5 = v === 5;
  const none = fc.constant(undefined);
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

  const will = fc
    .record({ topic: topicName, payload: bytes(), qos, retain: fc.boolean(), properties: v5 ? willProps : none })
    .map(({ properties, ...w }) => withProps(w, properties));
  const connect = fc
    .record({
      clean: fc.boolean(),
      keepalive: u16,
      clientId: text(23),
      properties: v5 ? connectProps : none,
      will: maybe(will),
      username: maybe(text()),
      password: maybe(bytes()),
    })
    // 3.1 needs a client id; an empty one needs a clean session; a password needs a user name. The last two hold
    // only before 5.0, but mqtt-packet refuses them in 5.0 too (mqtt-strictness.test.ts covers our 5.0 behaviour).
    .filter((c) => (c.clientId !== '' || (c.clean && v !== 3)) && (c.password === undefined || c.username !== undefined))
    .map(({ properties, will: w, username, password, ...c }) => {
      let p: Packet = withProps({ cmd: 'connect' as const, protocolId: v === 3 ? ('MQIsdp' as const) : ('MQTT' as const), protocolVersion: v, ...c }, properties);
      if (w) p = { ...p, will: w };
      if (username !== undefined) p = { ...p, username };
      if (password !== undefined) p = { ...p, password };
      return p;
    });

  const connackCodes = v5 ? [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f] : [0, 1, 2, 3, 4, 5];
  const connack = fc
    .record({ code: fc.constantFrom(...connackCodes), sessionPresent: fc.boolean(), properties: v5 ? connackProps : none })
    .map(({ code, sessionPresent, properties }) => {
      // A refused connection has no session; 3.1 has no Session Present at all.
      const present = sessionPresent && code === 0 && v !== 3;
      return withProps(v5 ? { cmd: 'connack' as const, sessionPresent: present, reasonCode: code } : { cmd: 'connack' as const, sessionPresent: present, returnCode: code }, properties);
    });

  const publish = fc
    .record({ topic: topicName, payload: bytes(64), qos, dup: fc.boolean(), retain: fc.boolean(), messageId: packetId, properties: v5 ? publishProps : none, aliasOnly: fc.boolean() })
    .map(({ topic, qos: q, dup, messageId, properties, aliasOnly, ...rest }) => {
      // 5.0: a Topic Alias may stand in for an empty topic.
      const t = v5 && aliasOnly && properties?.topicAlias !== undefined ? '' : topic;
      const base = { cmd: 'publish' as const, topic: t, ...rest, qos: q, dup: q > 0 && dup };
      return withProps(q > 0 ? { ...base, messageId } : base, properties);
    });

  const ackCodes = { puback: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99], pubrec: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99], pubrel: [0x00, 0x92], pubcomp: [0x00, 0x92] };
  const ack = fc
    .record({ cmd: fc.constantFrom('puback', 'pubrec', 'pubrel', 'pubcomp') as fc.Arbitrary<keyof typeof ackCodes>, messageId: packetId, pick: fc.nat(), properties: v5 ? ackProps : none })
    .map(({ cmd, messageId, pick, properties }) =>
      v5 ? withProps({ cmd, messageId, reasonCode: ackCodes[cmd][pick % ackCodes[cmd].length]! }, properties) : { cmd, messageId },
    );

  const subscription = v5
    ? fc.oneof(
        fc.record({ topic: topicFilter, qos, nl: fc.boolean(), rap: fc.boolean(), rh: fc.constantFrom(0, 1, 2) }),
        fc.record({ topic: sharedFilter, qos, nl: fc.constant(false), rap: fc.boolean(), rh: fc.constantFrom(0, 1, 2) }),
      )
    : fc.record({ topic: topicFilter, qos });
  const subscribe = fc
    .record({ messageId: packetId, subscriptions: fc.array(subscription, { minLength: 1, maxLength: 4 }), properties: v5 ? subscribeProps : none })
    .map(({ properties, ...s }) => withProps({ cmd: 'subscribe' as const, ...s }, properties));

  const subackCodes = v5 ? [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2] : [0, 1, 2, 0x80];
  const suback = fc
    .record({ messageId: packetId, granted: fc.array(fc.constantFrom(...subackCodes), { minLength: 1, maxLength: 5 }), properties: v5 ? ackProps : none })
    .map(({ properties, ...s }) => withProps({ cmd: 'suback' as const, ...s }, properties));

  const unsubscribe = fc
    .record({ messageId: packetId, unsubscriptions: fc.array(fc.oneof(topicFilter, ...(v5 ? [sharedFilter] : [])), { minLength: 1, maxLength: 4 }), properties: v5 ? unsubscribeProps : none })
    .map(({ properties, ...u }) => withProps({ cmd: 'unsubscribe' as const, ...u }, properties));

  const unsuback = v5
    ? fc
        .record({ messageId: packetId, granted: fc.array(fc.constantFrom(0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91), { minLength: 1, maxLength: 5 }), properties: ackProps })
        .map(({ properties, ...u }) => withProps({ cmd: 'unsuback' as const, ...u }, properties))
    : packetId.map((messageId) => ({ cmd: 'unsuback' as const, messageId }));

  const ping = fc.constantFrom({ cmd: 'pingreq' as const }, { cmd: 'pingresp' as const });

  const disconnectCodes = [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2];
  const disconnect = v5
    ? fc
        .record({ reasonCode: fc.constantFrom(...disconnectCodes), properties: disconnectProps })
        .map(({ properties, ...d }) => withProps({ cmd: 'disconnect' as const, ...d }, properties))
    : fc.constant({ cmd: 'disconnect' as const });

  const all: fc.Arbitrary<Packet>[] = [connect, connack, publish, ack, subscribe, suback, unsubscribe, unsuback, ping, disconnect];
  if (v5) {
    all.push(
      fc
        .record({ reasonCode: fc.constantFrom(0x00, 0x18, 0x19), properties: authProps })
        .map(({ properties, ...a }) => withProps({ cmd: 'auth' as const, ...a }, properties)),
    );
  }
  return fc.oneof(...all);
}

// ---- mqtt-packet ----------------------------------------------------------------------------------------------------

/** mqtt-packet writes binary fields with Buffer methods, so hand it Buffers. */
function buffers(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(buffers);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, buffers(v)]));
  return value;
}

function theirGenerate(packet: Packet, v: ProtocolVersion): Uint8Array {
  return new Uint8Array(mqttPacket.generate(buffers(packet) as mqttPacket.Packet, { protocolVersion: v }));
}

function theirParse(bytes: Uint8Array, v: ProtocolVersion): unknown {
  const parser = mqttPacket.parser({ protocolVersion: v });
  const out: unknown[] = [];
  let failure: unknown;
  parser.on('packet', (p) => out.push(p));
  parser.on('error', (e) => (failure = e));
  parser.parse(Buffer.from(bytes));
  if (failure) throw failure;
  expect(out).toHaveLength(1);
  return out[0];
}

describe.each([3, 4, 5] as const)('against mqtt-packet, MQTT level %i', (v) => {
  const opts = { protocolVersion: v };

  test(`${RUNS} random packets: same bytes, and each side decodes the other's`, () => {
    fc.assert(
      fc.property(packets(v), (packet) => {
        const ours = encode(packet, opts);
        const theirs = theirGenerate(packet, v);
        expect(hex(ours)).toBe(hex(theirs));
        expect(normalize(theirParse(ours, v))).toEqual(plainPacket(packet));
        const decoded = decode(theirs, opts);
        expect(plainPacket(decoded.packet)).toEqual(plainPacket(packet));
        expect(decoded.length).toBe(theirs.length);
      }),
      { numRuns: RUNS },
    );
  });

  test('encodeInto writes the same bytes as encode at any offset, and only those bytes', () => {
    fc.assert(
      fc.property(packets(v), fc.nat(40), fc.nat(3), (packet, offset, slack) => {
        const expected = hex(encode(packet, opts));
        const size = expected.length / 2;
        const target = new Uint8Array(offset + size + slack).fill(0xee);
        expect(encodeInto(packet, target, offset, opts)).toBe(size);
        expect(hex(target.subarray(offset, offset + size))).toBe(expected);
        expect(target.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
        expect(target.subarray(offset + size).every((b) => b === 0xee)).toBe(true);
        // One byte short: refused, the buffer untouched, and the next encode() allocates as usual.
        const short = new Uint8Array(offset + size - 1).fill(0xee);
        expect(() => encodeInto(packet, short, offset, opts)).toThrow(EncodeError);
        expect(short.every((b) => b === 0xee)).toBe(true);
        expect(hex(encode(packet, opts))).toBe(expected);
      }),
      { numRuns: Math.floor(RUNS / 5) },
    );
  });

  test('fields tile every random packet', () => {
    fc.assert(
      fc.property(packets(v), (packet) => {
        const bytes = encode(packet, opts);
        expectTiled(decode(bytes, opts).fields, 0, bytes.length);
      }),
      { numRuns: Math.floor(RUNS / 3) },
    );
  });
});
