/**
 * Dump lines: `xxd` (any -g, -c, -u), `hexdump -C` and `od -A x|o|d -t x1[z]`, read left to right by hand (no regex over
 * the text column, which may hold anything: `"`, `|`, hex letters). A `*` line (hexdump, od, xxd -a) repeats the line
 * before it up to the next offset, as those tools mean it.
 */
import { UsageError } from '../errors.js';
import { ByteBuf, clip, hexDigit } from './text-bytes.js';

export type DumpForm = 'xxd' | 'hexdump' | 'od';

interface DumpLine {
  form: DumpForm;
  /** The offset column's text (its radix is known only from the lines that follow, for od). */
  offset: string;
  bytes: Uint8Array;
}

/** A `*` run may stand for at most this many bytes: a dump claiming more is refused, never allocated. */
const MAX_REPEAT = 16 * 1024 * 1024;

const isHexDigitAt = (s: string, i: number) => i < s.length && hexDigit(s.charCodeAt(i)) >= 0;

function offsetEnd(s: string): number {
  let i = 0;
  while (isHexDigitAt(s, i)) i++;
  return i;
}

/**
 * One dump line of a known or guessed form, or null when the line is not one. `strict` (no dump seen yet): only
 * a line that cannot be plain hex counts (xxd's `: `, hexdump's `|…|`, od's `>…<`, or an od line at offset 0).
 */
export function dumpLine(s: string, line: number, form: DumpForm | null): DumpLine | null {
  const end = offsetEnd(s);
  if (end < 4 || end > 16) return null;
  const offset = s.slice(0, end);
  if ((form === null || form === 'xxd') && s.charCodeAt(end) === 58 && s.charCodeAt(end + 1) === 32) {
    const bytes = xxdBytes(s, end + 2, line);
    return bytes ? { form: 'xxd', offset, bytes } : null;
  }
  if (end < 6 || s.charCodeAt(end) !== 32) return null;
  if ((form === null || form === 'hexdump') && s.charCodeAt(end + 1) === 32) {
    const r = spacedBytes(s, end, 2);
    if (r && (form === 'hexdump' || s.charCodeAt(r.stop) === 124)) return { form: 'hexdump', offset, bytes: r.bytes };
    if (form === 'hexdump') return null;
  }
  if (form === null || form === 'od') {
    const r = spacedBytes(s, end, 1);
    if (!r) return null;
    const zColumn = s.charCodeAt(r.stop) === 62;
    if (form === 'od' || zColumn || (r.stop === s.length && /^0+$/.test(offset))) return { form: 'od', offset, bytes: r.bytes };
  }
  return null;
}

/** A line holding only an offset: the end of a hexdump or od dump (closes a pending `*`). */
export function endOffset(s: string): string | null {
  const end = offsetEnd(s);
  return end >= 6 && end <= 16 && s.slice(end).trim() === '' ? s.slice(0, end) : null;
}

/** xxd: groups of hex digits separated by one space; the text column starts after two spaces. */
function xxdBytes(s: string, from: number, line: number): Uint8Array | null {
  const out = new ByteBuf();
  let i = from;
  for (;;) {
    const a = i;
    while (isHexDigitAt(s, i)) i++;
    if (i === a) break;
    if ((i - a) % 2 !== 0) throw new UsageError('capture.input.odd', { token: clip(s.slice(a, i)), line });
    for (let k = a; k < i; k += 2) out.push(hexDigit(s.charCodeAt(k)) * 16 + hexDigit(s.charCodeAt(k + 1)));
    if (s.charCodeAt(i) !== 32 || s.charCodeAt(i + 1) === 32) break;
    i++;
  }
  return out.length > 0 ? out.take() : null;
}

/**
 * hexdump -C and od: two-digit bytes each after one space (hexdump also puts two spaces in the middle); stops at
 * the first thing that is not one: padding, `|`, `>`. `gap` is the spaces allowed before a byte.
 */
function spacedBytes(s: string, from: number, gap: number): { bytes: Uint8Array; stop: number } | null {
  const out = new ByteBuf();
  let i = from;
  for (;;) {
    let spaces = 0;
    while (s.charCodeAt(i + spaces) === 32) spaces++;
    const at = i + spaces;
    const isByte = spaces >= 1 && spaces <= gap && isHexDigitAt(s, at) && isHexDigitAt(s, at + 1) && !isHexDigitAt(s, at + 2);
    const twoTooMany = spaces >= 1 && spaces <= gap && isHexDigitAt(s, at) && isHexDigitAt(s, at + 1) && isHexDigitAt(s, at + 2);
    if (twoTooMany) return null;
    if (!isByte) {
      i = at;
      break;
    }
    out.push(hexDigit(s.charCodeAt(at)) * 16 + hexDigit(s.charCodeAt(at + 1)));
    i = at + 2;
  }
  if (out.length === 0) return null;
  return { bytes: out.take(), stop: i };
}

/**
 * The bytes a `*` line stands for: the previous line's bytes repeated from `from` up to `to`. Refused beyond
 * MAX_REPEAT so a forged offset cannot make us allocate gigabytes.
 */
export function repeatBytes(previous: Uint8Array, from: number, to: number, line: number): Uint8Array {
  const count = to - from;
  if (count <= 0 || previous.length === 0) return new Uint8Array(0);
  if (count > MAX_REPEAT) throw new UsageError('capture.input.repeat', { line, count, max: MAX_REPEAT });
  const out = new Uint8Array(count);
  for (let k = 0; k < count; k++) out[k] = previous[k % previous.length]!;
  return out;
}
