/** Byte helpers the text formatters share (private to src/format). */
import { UsageError } from '../errors.js';

// Every byte's two digits, made on the first call: the table and the C array ask for them per byte, packet after
// packet (decode of a large capture as a table).
let HEX: readonly string[] | undefined;

/** Two hex digits, uppercase as serial tools and C headers usually show them. */
export function hex2(byte: number): string {
  return (HEX ??= Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0')))[byte]!;
}

/** The Remaining Length a packet declares and how many bytes its varint takes (MQTT 3.1.1 §2.2.3). */
export function remainingLength(bytes: Uint8Array): { value: number; width: number } {
  let value = 0;
  for (let i = 1; i <= 4 && i < bytes.length; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * 128 ** (i - 1);
    if ((b & 0x80) === 0) return { value, width: i };
  }
  return { value, width: Math.min(4, Math.max(0, bytes.length - 1)) };
}

// C keywords (C11 and C23) and the identifiers the headers we emit already define.
const RESERVED = new Set(
  ('auto break case char const continue default do double else enum extern float for goto if inline int long register ' +
    'restrict return short signed sizeof static struct switch typedef union unsigned void volatile while bool true false ' +
    'nullptr alignas alignof constexpr static_assert thread_local typeof typeof_unqual uint8_t size_t PROGMEM').split(' '),
);

/** Check --name: it becomes the prefix of C, Arduino and Python identifiers, so it must be one itself. */
export function checkName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || RESERVED.has(name) || name.startsWith('__')) {
    throw new UsageError('format.name.invalid', { option: '--name', value: name });
  }
  return name;
}

/** `<prefix>_<packet>` for each packet, with _2, _3 … when a name repeats, so every identifier is unique. */
export function identifiers(prefix: string, names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw) => {
    const base = `${prefix}_${raw.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}
