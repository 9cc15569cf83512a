/**
 * decode(bytes) → exactly one packet; decodeAll(bytes) → a stream of packets and its incomplete tail.
 *
 *   byte 0    packet type (bits 7–4) and flags (bits 3–0)           3.1.1 §2.2, 5.0 §2.1
 *   byte 1…   Remaining Length: a variable byte integer, 1–4 bytes
 *   …         the rest of the packet, exactly Remaining Length bytes
 *
 * The fixed header is checked before the body is looked at, and the body is read only when all of it is there.
 * Fields are not recorded while decoding; reading `fields` runs a second pass that records them.
 */
import { DecodeError } from '../errors.js';
import { ByteReader, peekVarint } from '../wire.js';
import { packetNames, packetTypes, requiredFlags } from './constants.js';
import { readAck } from './packets/ack.js';
import { readConnack } from './packets/connack.js';
import { readConnect } from './packets/connect.js';
import { readDisconnectOrAuth, readPing } from './packets/control.js';
import { readPublish } from './packets/publish.js';
import { readSuback, readSubscribe } from './packets/subscribe.js';
import { readUnsuback, readUnsubscribe } from './packets/unsubscribe.js';
import { type ReadContext, BinaryField, fail } from './_read.js';
import { show } from './_show.js';
import { isPlainObject } from './_write.js';
import type { CodecOptions, Decoded, DecodedStream, Field, FieldBits, Frame, Packet, PacketCmd, ProtocolVersion } from './types.js';

const versionNames: Readonly<Record<ProtocolVersion, string>> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

export function versionOption(opts: CodecOptions | undefined): ProtocolVersion {
  const version = opts?.protocolVersion;
  if (version === undefined || version === null) {
    // Checked only on the default's way: decode(bytes, 5) or a Map of options read as no options, in 3.1.1.
    if (opts !== undefined && opts !== null && !isPlainObject(opts)) {
      throw new DecodeError('codec.decode.options', { field: 'opts', offset: 0, value: show(opts) });
    }
    return 4;
  }
  if (version !== 3 && version !== 4 && version !== 5) {
    throw new DecodeError('codec.decode.version-option', { field: 'protocolVersion', offset: 0, value: String(version) });
  }
  return version;
}

/**
 * The input as a plain Uint8Array view (a Buffer's subarrays would be Buffers). `field` names the caller's parameter
 * (decode's `bytes`, Decoder.push's `chunk`), `offset` where in the stream it would have started.
 */
export function asBytes(bytes: Uint8Array, field = 'bytes', offset = 0): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('codec.decode.input', { field, offset });
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Checks the first byte of a packet: a type this version has, and the flags that type must carry. */
export function checkFirstByte(byte: number, offset: number, version: ProtocolVersion): PacketCmd {
  const type = byte >> 4;
  const cmd = packetTypes[type];
  if (cmd === undefined || (cmd === 'auth' && version !== 5)) {
    fail('codec.decode.packet-type', { field: 'Packet Type', offset, value: type, version: versionNames[version] });
  }
  const flags = byte & 0x0f;
  if (cmd === 'publish') {
    const qos = (flags >> 1) & 3;
    // [MQTT-3.3.1-4] both QoS bits set is malformed.
    if (qos === 3) fail('codec.decode.value', { field: 'QoS', offset, value: 3, allowed: '0, 1, 2', rule: 'MQTT-3.3.1-4' });
    // [MQTT-3.3.1-2] DUP must be 0 for QoS 0.
    if (qos === 0 && flags & 8) fail('codec.decode.dup-qos0', { field: 'DUP', offset, rule: 'MQTT-3.3.1-2' });
  } else if (flags !== requiredFlags[cmd]) {
    // [MQTT-2.2.2-1] (5.0: [MQTT-2.1.3-1]) reserved flags must be as the table lists them.
    fail('codec.decode.header-flags', {
      field: 'Packet Type',
      offset,
      value: flags.toString(2).padStart(4, '0'),
      expected: requiredFlags[cmd].toString(2).padStart(4, '0'),
      packet: packetNames[cmd],
      rule: version === 5 ? 'MQTT-2.1.3-1' : 'MQTT-2.2.2-1',
    });
  }
  return cmd;
}

function headerBits(cmd: PacketCmd, byte: number): FieldBits[] {
  const type: FieldBits = { bit: 4, width: 4, name: 'Packet Type', value: byte >> 4 };
  if (cmd !== 'publish') return [type, { bit: 0, width: 4, name: 'Reserved', value: byte & 0x0f }];
  return [
    type,
    { bit: 3, name: 'DUP', value: (byte >> 3) & 1 },
    { bit: 1, width: 2, name: 'QoS', value: (byte >> 1) & 3 },
    { bit: 0, name: 'RETAIN', value: byte & 1 },
  ];
}

/** Reads the Remaining Length at `pos`; undefined when the data stops inside it and `incompleteOk`. */
export function readRemainingLength(bytes: Uint8Array, pos: number, end: number, incompleteOk = false): { value: number; length: number } | undefined {
  const peek = peekVarint(bytes, pos, end);
  if (typeof peek === 'object') return peek;
  if (peek === 'incomplete') {
    if (incompleteOk) return undefined;
    fail('codec.decode.truncated', { field: 'Remaining Length', offset: pos, need: 1, have: 0 });
  }
  return fail(peek === 'too-long' ? 'codec.decode.varint-too-long' : 'codec.decode.varint-not-minimal', {
    field: 'Remaining Length',
    offset: pos,
    rule: 'MQTT-1.5.5-1',
  });
}

function readBody(ctx: ReadContext, cmd: PacketCmd, flags: number): Packet {
  switch (cmd) {
    case 'connect':
      return readConnect(ctx);
    case 'connack':
      return readConnack(ctx);
    case 'publish':
      return readPublish(ctx, flags);
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return readAck(ctx, cmd);
    case 'subscribe':
      return readSubscribe(ctx);
    case 'suback':
      return readSuback(ctx);
    case 'unsubscribe':
      return readUnsubscribe(ctx);
    case 'unsuback':
      return readUnsuback(ctx);
    case 'pingreq':
    case 'pingresp':
      return readPing(ctx, cmd);
    default:
      return readDisconnectOrAuth(ctx, cmd);
  }
}

/** Decodes the one packet that starts at `pos`; it must end by `end`. Returns the version in force after it. */
function decodeAt(
  bytes: Uint8Array,
  pos: number,
  end: number,
  version: ProtocolVersion,
  fields: Field[] | undefined,
): { packet: Packet; length: number; version: ProtocolVersion } {
  if (pos >= end) fail('codec.decode.truncated', { field: 'Packet Type', offset: pos, need: 2, have: 0 });
  const first = bytes[pos]!;
  const cmd = checkFirstByte(first, pos, version);
  const rl = readRemainingLength(bytes, pos + 1, end)!;
  const bodyStart = pos + 1 + rl.length;
  if (rl.value > end - bodyStart) {
    fail('codec.decode.truncated', { field: 'Remaining Length', offset: pos + 1, need: rl.value, have: end - bodyStart });
  }
  if (fields) {
    fields.push({ name: 'Packet Type', offset: pos, length: 1, value: packetNames[cmd], bits: headerBits(cmd, first) });
    fields.push({ name: 'Remaining Length', offset: pos + 1, length: rl.length, value: rl.value });
  }
  const ctx: ReadContext = { r: new ByteReader(bytes, bodyStart, bodyStart + rl.value), version, fields };
  const packet = readBody(ctx, cmd, first & 0x0f);
  return { packet, length: 1 + rl.length + rl.value, version: ctx.version };
}

/** Fields of a packet already decoded once: the recording pass runs on first access. */
class Recorded {
  #fields: Field[] | undefined;
  readonly #input: Uint8Array;
  readonly #version: ProtocolVersion;
  readonly #offset: number;
  readonly length: number;

  constructor(input: Uint8Array, offset: number, length: number, version: ProtocolVersion) {
    this.#input = input;
    this.#offset = offset;
    this.length = length;
    this.#version = version;
  }

  get fields(): Field[] {
    if (this.#fields === undefined) {
      const fields: Field[] = [];
      decodeAt(this.#input, this.#offset, this.#offset + this.length, this.#version, fields);
      this.#fields = fields;
    }
    return this.#fields;
  }
}

class DecodedPacket extends Recorded implements Decoded {
  readonly packet: Packet;
  constructor(packet: Packet, input: Uint8Array, length: number, version: ProtocolVersion) {
    super(input, 0, length, version);
    this.packet = packet;
  }
}

class StreamFrame extends Recorded implements Frame {
  readonly offset: number;
  constructor(input: Uint8Array, offset: number, length: number, version: ProtocolVersion) {
    super(input, offset, length, version);
    this.offset = offset;
  }
}

/** A field holding binary data, whose value is its bytes' hex (made only when read). */
export const isBinaryField = (field: Field): boolean => field instanceof BinaryField;

/**
 * The fields of one packet that decoded before (by decode or decodeAll) in `version`, recorded from its own bytes:
 * offsets count from its first byte. For readers that keep packets apart from the run they were decoded in.
 */
export function fieldsOf(bytes: Uint8Array, version: ProtocolVersion): Field[] {
  const fields: Field[] = [];
  decodeAt(bytes, 0, bytes.length, version, fields);
  return fields;
}

/**
 * Decodes exactly one packet. Bytes after it are an error naming their offset; use decodeAll for a stream.
 * The only error it throws is DecodeError.
 */
export function decode(bytes: Uint8Array, opts?: CodecOptions): Decoded {
  const input = asBytes(bytes);
  const version = versionOption(opts);
  const { packet, length } = decodeAt(input, 0, input.length, version, undefined);
  if (length < input.length) fail('codec.decode.trailing', { field: 'Remaining Length', offset: length, count: input.length - length });
  return new DecodedPacket(packet, input, length, version);
}

/**
 * Decodes concatenated packets. An incomplete last packet is returned in `rest`; a malformed one throws
 * DecodeError with its absolute offset. After a CONNECT the stream is read in that CONNECT's version.
 */
export function decodeAll(bytes: Uint8Array, opts?: CodecOptions): DecodedStream {
  const input = asBytes(bytes);
  let version = versionOption(opts);
  const packets: Packet[] = [];
  const frames: Frame[] = [];
  const end = input.length;
  let pos = 0;
  while (pos < end) {
    // A bad first byte or Remaining Length is an error at once, not an incomplete tail to wait on.
    checkFirstByte(input[pos]!, pos, version);
    const rl = readRemainingLength(input, pos + 1, end, true);
    if (rl === undefined) break;
    const length = 1 + rl.length + rl.value;
    if (length > end - pos) break;
    const result = decodeAt(input, pos, pos + length, version, undefined);
    packets.push(result.packet);
    frames.push(new StreamFrame(input, pos, length, version));
    version = result.version;
    pos += length;
  }
  return { packets, frames, rest: input.subarray(pos), protocolVersion: version };
}

/**
 * One packet that fills `bytes` exactly, and the version in force after it (a CONNECT sets its own): what the
 * streaming Decoder needs per packet. Internal; the public calls are decode, decodeAll and Decoder.
 */
export function decodeFrame(bytes: Uint8Array, version: ProtocolVersion): { decoded: Decoded; version: ProtocolVersion } {
  const result = decodeAt(bytes, 0, bytes.length, version, undefined);
  return { decoded: new DecodedPacket(result.packet, bytes, result.length, version), version: result.version };
}
