/**
 * The MQTT fixed header as a framing device: where a packet starts and how long it is, without decoding it.
 * Used to resynchronise on a stream whose start we did not see and to size the bytes of a malformed packet.
 * [MQTT-2.2.2-1] / [MQTT-2.2.2-2]: the flag bits of every type but PUBLISH are fixed.
 */
import { ByteWriter, peekVarint, varintLength } from '../wire.js';

/** Fixed flag nibble per packet type (1–15); -1 = any (PUBLISH, checked for QoS 3 separately). */
const FIXED_FLAGS = [-2, 0, 0, -1, 0, 0, 2, 0, 2, 0, 2, 0, 0, 0, 0, 0] as const;

export const INCOMPLETE = -1;
export const INVALID = -2;

export const PACKET_NAMES = [
  null,
  'connect',
  'connack',
  'publish',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'suback',
  'unsubscribe',
  'unsuback',
  'pingreq',
  'pingresp',
  'disconnect',
  'auth',
] as const;

/** Whether the first byte is a legal type-and-flags combination. */
export function validFirstByte(byte: number): boolean {
  const type = byte >> 4;
  const flags = byte & 0x0f;
  const fixed = FIXED_FLAGS[type]!;
  if (fixed === -2) return false;
  if (fixed === -1) return (flags & 0x06) !== 0x06; // QoS 3 [MQTT-3.3.1-4]
  return flags === fixed;
}

/** The flag nibble a packet type must carry, or null when the type has none fixed (PUBLISH) or does not exist. */
export function requiredFlags(type: number): number | null {
  const fixed = FIXED_FLAGS[type];
  return fixed === undefined || fixed < 0 ? null : fixed;
}

/**
 * Length of the packet starting at `pos` (fixed header + Remaining Length), INCOMPLETE when the header itself
 * is not all there yet, INVALID when the first byte is illegal or the Remaining Length runs past 4 bytes.
 */
export function frameLength(buf: Uint8Array, pos: number): number {
  if (pos >= buf.length) return INCOMPLETE;
  if (!validFirstByte(buf[pos]!)) return INVALID;
  const rl = peekVarint(buf, pos + 1, buf.length);
  if (rl === 'incomplete') return INCOMPLETE;
  return typeof rl === 'object' ? 1 + rl.length + rl.value : INVALID;
}

/** The Remaining Length bytes for a value (for hints that show the fix). */
export function remainingLengthBytes(value: number): number[] {
  const w = new ByteWriter(varintLength(value));
  w.varint(value);
  return [...w.bytes];
}

/** Two lowercase hex digits. */
export function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** Bytes as lowercase hex pairs separated by spaces, as the hints show them. */
export function spacedHex(bytes: ArrayLike<number>): string {
  return Array.from(bytes, hex2).join(' ');
}
