/**
 * Small byte helpers for the text parsers: a growable byte buffer (no number[] of millions of entries, no spread)
 * and hand-written, non-backtracking readers for hex digits and pasted byte tokens.
 */
import { UsageError } from '../errors.js';

export class ByteBuf {
  #buf = new Uint8Array(64);
  length = 0;

  push(b: number): void {
    if (this.length === this.#buf.length) this.#grow(this.length + 1);
    this.#buf[this.length++] = b;
  }

  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.#buf.length) this.#grow(this.length + bytes.length);
    this.#buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes so far (a copy), and the buffer is emptied. */
  take(): Uint8Array {
    const out = this.#buf.slice(0, this.length);
    this.length = 0;
    if (this.#buf.length > 65536) this.#buf = new Uint8Array(64);
    return out;
  }

  #grow(need: number): void {
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
  }
}

/** Value of one hex digit (char code), or -1. */
export function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function isHexString(s: string, from = 0, to = s.length): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (hexDigit(s.charCodeAt(i)) < 0) return false;
  return true;
}

/** Hex digits s[from..to) as bytes; an odd count is a usage error naming the token and the line. */
function pushHexPairs(out: ByteBuf, s: string, from: number, to: number, line: number): void {
  if ((to - from) % 2 !== 0) throw new UsageError('capture.input.odd', { token: clip(s.slice(from, to)), line });
  for (let i = from; i < to; i += 2) out.push(hexDigit(s.charCodeAt(i)) * 16 + hexDigit(s.charCodeAt(i + 1)));
}

export function clip(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 10 || c === 0xa0 || c === 0x3000;
const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * What TextReader carries from one line of bytes to the next, for the one-digit reading (see plainBytes), and what
 * plainBytes says about the line it just read.
 */
export class PlainState {
  /**
   * A line read so far held a bare two-digit token with a leading zero (`0C`, `00`): the text is printed padded, so
   * from then on a token of one digit is a digit lost, not a byte.
   */
  padded = false;
  /** The line just read: whether a token of one hex digit was read as a byte, and how many tokens it had. */
  short = false;
  tokens = 0;
  /**
   * The line just read as decimal, when it was read as bare hex and every token is a decimal number without a leading
   * zero (`16 12 0 4`, which `Serial.print(b)` without HEX prints); otherwise null. A diagnosis only, never the reading.
   */
  decimal: Uint8Array | null = null;
  /** Whether the reader still wants a line's decimal reading; once it has given up on it, lines no longer build one. */
  wantDecimal = true;
}

/**
 * A line that is nothing but bytes: hex (`10 0C`, `100c0004`, `10:0c`, `10-0C`), `0x` lists, or a comma list in
 * decimal or mixed with `0x` (`16, 12, 0x00`, C's reading: bare numbers are decimal). Returns null when the line
 * holds anything else; throws a usage error when it is clearly meant as bytes but one token is not a byte.
 *
 * With a `state` (TextReader's own lines), a bare token of one hex digit is that byte (`10 C 0 4`: Arduino's
 * `Serial.print(b, HEX)`, `printf("%X ", b)`, one per line from `Serial.println(b, HEX)`) when the line shows it was
 * printed without leading zeros: every bare token is one or two hex digits, and no two-digit token starts with 0,
 * on this line or on any plain byte line before it (`10 0C 0` is a padded line with a digit lost: refused). A token
 * of three digits, or an odd run (`10C04`), stays refused. Without a state (source code, modem data) the old rule
 * holds: every bare byte is two digits.
 */
export function plainBytes(s: string, line: number, state?: PlainState): Uint8Array | null {
  // First pass: is every token a number, and which reading applies? Second pass: the bytes. No token array is kept.
  let tokens = 0;
  let prefixed = 0;
  let decimalOnly = true;
  let notTwo = false;
  let comma = false;
  let oneDigit = false;
  let padded = false;
  let long = false;
  const ok = eachToken(s, (a, b, sep) => {
    if (sep === 44) comma = true;
    tokens++;
    if (isPrefixed(s, a, b)) {
      prefixed++;
      return isHexString(s, a + 2, b);
    }
    if (!isHexString(s, a, b)) return false;
    if (!isDigits(s, a, b)) decimalOnly = false;
    if (b - a !== 2) notTwo = true;
    if (b - a === 1) oneDigit = true;
    else if (b - a > 2) long = true;
    else if (s.charCodeAt(a) === 48) padded = true;
    return true;
  });
  if (state) {
    state.short = false;
    state.tokens = tokens;
    state.decimal = null;
  }
  if (!ok || tokens === 0) return null;
  // C's reading of a mixed list, or an all-decimal comma list that is not all two-digit tokens (16,12,0,4).
  const bareIsDecimal = (prefixed > 0 && prefixed < tokens) || (prefixed === 0 && comma && decimalOnly && notTwo);
  const bareHex = prefixed === 0 && !bareIsDecimal;
  // Printed without leading zeros: a one-digit token is the byte it spells.
  const short = state !== undefined && bareHex && oneDigit && !long && !padded && !state.padded;
  if (state && bareHex && long && decimalOnly) {
    // `16 12 0 4 200`: a three-digit number is no hex byte, and every token reads as decimal: say what it is.
    const decimal = decimalToken(s);
    if (decimal >= 0) throw new UsageError('capture.input.decimal', { token: clip(s.slice(decimal, tokenEnd(s, decimal, s.length))), line });
  }
  const out = new ByteBuf();
  const bad = (a: number, b: number) => new UsageError('capture.input.token', { token: clip(s.slice(a, Math.min(b, a + 32))), line });
  eachToken(s, (a, b) => {
    if (isPrefixed(s, a, b)) {
      if (b - a > 4) throw bad(a, b);
      out.push(b - a === 3 ? hexDigit(s.charCodeAt(a + 2)) : hexDigit(s.charCodeAt(a + 2)) * 16 + hexDigit(s.charCodeAt(a + 3)));
    } else if (bareIsDecimal) {
      let v = 0;
      for (let k = a; k < b; k++) v = v * 10 + (s.charCodeAt(k) - 48);
      if (b - a > 3 || !isDigits(s, a, b) || v > 255) throw bad(a, b);
      out.push(v);
    } else if (prefixed > 0) {
      throw bad(a, b);
    } else if (short && b - a === 1) {
      out.push(hexDigit(s.charCodeAt(a)));
    } else {
      pushHexPairs(out, s, a, b, line);
    }
    return true;
  });
  if (state && bareHex) {
    if (padded) state.padded = true;
    state.short = short;
    // Every token one or two decimal digits without a leading zero: 0-99, what Serial.print(b) prints below 100.
    if (state.wantDecimal && decimalOnly && !long && !padded) state.decimal = decimalReading(s, tokens);
  }
  return out.take();
}

/** The bytes of a line of bare decimal tokens of one or two digits (checked by the caller), read as decimal. */
function decimalReading(s: string, tokens: number): Uint8Array {
  const out = new Uint8Array(tokens);
  let k = 0;
  eachToken(s, (a, b) => {
    out[k++] = b - a === 1 ? s.charCodeAt(a) - 48 : (s.charCodeAt(a) - 48) * 10 + s.charCodeAt(a + 1) - 48;
    return true;
  });
  return out;
}

/**
 * In a line of bare decimal tokens, the start of the first of three digits (100-255) when every token is a decimal
 * byte without a leading zero (0-255: the line reads whole as decimal), or -1.
 */
function decimalToken(s: string): number {
  let first = -1;
  const ok = eachToken(s, (a, b) => {
    if (b - a > 3 || (b - a > 1 && s.charCodeAt(a) === 48)) return false;
    if (b - a === 3) {
      const v = (s.charCodeAt(a) - 48) * 100 + (s.charCodeAt(a + 1) - 48) * 10 + s.charCodeAt(a + 2) - 48;
      if (v > 255) return false;
      if (first < 0) first = a;
    }
    return true;
  });
  return ok ? first : -1;
}

/**
 * A line with a label whose bytes are printed without leading zeros (`Packet: 10 C 0 4`, `I (5) app: 10 C 0 4`),
 * which longestHexRun cannot read (it takes whole-byte tokens only): what follows the label's last colon that is
 * followed by a space or tab, read as a line of bytes alone (plainBytes with the state), when that is at least two
 * tokens and uses the one-digit reading. Otherwise null, never an error: the caller keeps its own verdict.
 */
export function labelledShortBytes(s: string, line: number, state: PlainState): Uint8Array | null {
  let colon = -1;
  for (let k = s.length - 2; k >= 0; k--) {
    const c = s.charCodeAt(k);
    if (c === 58 && (s.charCodeAt(k + 1) === 32 || s.charCodeAt(k + 1) === 9)) {
      colon = k;
      break;
    }
  }
  if (colon < 0) return null;
  const padded = state.padded;
  try {
    const bytes = plainBytes(s.slice(colon + 1), line, state);
    if (bytes && state.short && state.tokens >= 2) return bytes;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
  }
  state.padded = padded;
  state.decimal = null;
  return null;
}

const isPrefixed = (s: string, a: number, b: number) => b - a > 2 && s.charCodeAt(a) === 48 && (s.charCodeAt(a + 1) | 32) === 120;

/**
 * Calls visit(start, end, separator) for each alphanumeric token of a byte line; separators are whitespace, `,`, `;`,
 * and `:`/`-` directly between two tokens. Returns false as soon as visit does, or at any other character.
 */
function eachToken(s: string, visit: (a: number, b: number, sep: number) => boolean): boolean {
  let i = 0;
  let lastEnd = -1;
  let sep = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c) || c === 44 || c === 59) {
      if (c === 44 || sep === 0) sep = c;
      i++;
      continue;
    }
    if ((c === 58 || c === 45) && lastEnd === i && i + 1 < n && isAlnum(s.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    if (!isAlnum(c)) return false;
    const a = i;
    while (i < n && isAlnum(s.charCodeAt(i))) i++;
    if (!visit(a, i, sep)) return false;
    lastEnd = i;
    sep = 0;
  }
  return true;
}

function isDigits(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The longest run of adjacent whole-byte hex tokens in a line of a log (`SEND HEX> 10 0C …`), by index, in one pass.
 * `strict` (a line with no timestamp or marker): the run must be at least two tokens apart only by spaces or commas
 * and end the line (`hello: 10 0C …`), so a word or a base64 line that happens to hold `ab` is not read as a byte.
 * Returns null when there is none. Nothing that could be data is dropped silently: a byte-like token left out around
 * the run, or a line that starts as bytes and then is not, is a usage error naming its line and column.
 */
export function longestHexRun(s: string, line: number, strict = false, start = 0): Uint8Array | null {
  let bestStart = -1;
  let bestEnd = -1;
  let bestCount = 0;
  let runStart = -1;
  let runEnd = -1;
  let runCount = 0;
  let lastTokenEnd = -1;
  let i = 0;
  const n = s.length;
  while (i < n) {
    if (!isAlnum(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const a = i;
    while (i < n && isAlnum(s.charCodeAt(i))) i++;
    const from = isPrefixed(s, a, i) ? a + 2 : a;
    if (strict && runCount > 0 && !onlySpacing(s, runEnd, a)) runCount = 0;
    if ((i - from) % 2 === 0 && isHexString(s, from, i)) {
      if (runCount === 0) runStart = a;
      runEnd = i;
      runCount++;
      if (runCount > bestCount) {
        bestCount = runCount;
        bestStart = runStart;
        bestEnd = runEnd;
      }
    } else {
      runCount = 0;
    }
    lastTokenEnd = i;
  }
  if (strict && (bestCount < 2 || bestEnd !== lastTokenEnd)) {
    // A line that starts as bytes (two or more) and then has words was meant as bytes with a comment (`c0 00 (ping)`,
    // `… // CONNECT`): the bytes are read, unless the rest holds a token that looks like a byte, where it is refused.
    // Any other line is prose, skipped.
    const first = leadingRun(s);
    if (first.count < 2 || first.next >= n) return null;
    const stray = strayByte(s, first.next, n);
    if (stray >= 0) throw skipped(s, stray, line, start, 'capture.input.trailing');
    return readRun(s, 0, first.next, line);
  }
  if (bestCount === 0) return null;
  // What is left out around the run is a label (`hello: `, `TX (14 bytes): `, `I (1234) mqtt: `, `0x0000: `) or a
  // trailing word. A token after the label's last colon, or after the run, that looks like a byte (`c0`, `0x1f`, `1O`)
  // could be data, so the line is refused at it rather than read without it; the label itself is not data.
  const label = s.lastIndexOf(':', bestStart - 1);
  const stray = strayByte(s, label + 1, bestStart);
  if (stray >= 0) throw skipped(s, stray, line, start);
  const after = strayByte(s, bestEnd, n);
  if (after >= 0) throw skipped(s, after, line, start, 'capture.input.trailing');
  return readRun(s, bestStart, bestEnd, line);
}

/** Where the next token (a run of letters and digits) in s[i..to) starts, or `to`. */
function tokenStart(s: string, i: number, to: number): number {
  while (i < to && !isAlnum(s.charCodeAt(i))) i++;
  return i;
}

/** Where the token starting at `a` ends (exclusive), at most `to`. */
function tokenEnd(s: string, a: number, to: number): number {
  let i = a;
  while (i < to && isAlnum(s.charCodeAt(i))) i++;
  return i;
}

/** The bytes of the hex tokens in s[from..to). */
function readRun(s: string, from: number, to: number, line: number): Uint8Array {
  const out = new ByteBuf();
  for (let a = tokenStart(s, from, to); a < to; ) {
    const end = tokenEnd(s, a, to);
    pushHexPairs(out, s, isPrefixed(s, a, end) ? a + 2 : a, end, line);
    a = tokenStart(s, end, to);
  }
  return out.take();
}

/**
 * The first token in s[from..to) that looks like a byte, or -1: whole-byte hex (`c0`, `0a0b`, `0x1f`), or two
 * characters one of which is a digit (`1O`, `0G`: a byte mistyped). Words (`hello`, `TX`, `bytes`, `zz`) are not.
 */
function strayByte(s: string, from: number, to: number): number {
  for (let a = tokenStart(s, from, to); a < to; ) {
    const end = tokenEnd(s, a, to);
    const hexFrom = isPrefixed(s, a, end) ? a + 2 : a;
    if (((end - hexFrom) % 2 === 0 && isHexString(s, hexFrom, end)) || (end - a === 2 && (isDigits(s, a, a + 1) || isDigits(s, a + 1, a + 2)))) return a;
    a = tokenStart(s, end, to);
  }
  return -1;
}

/** The run of whole-byte hex tokens a line starts with (apart only by spaces or commas): its length, and where what follows it starts. */
function leadingRun(s: string): { count: number; next: number } {
  let i = 0;
  let count = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && !isAlnum(s.charCodeAt(i))) {
      if (count > 0 && !onlySpacing(s, i, i + 1)) return { count, next: i };
      i++;
    }
    if (i >= n) break;
    const a = i;
    while (i < n && isAlnum(s.charCodeAt(i))) i++;
    const from = isPrefixed(s, a, i) ? a + 2 : a;
    if ((i - from) % 2 !== 0 || !isHexString(s, from, i)) return { count, next: a };
    count++;
  }
  return { count, next: n };
}

/** The refusal for a token that would be skipped: the line, the column (from 1; s starts at `start` in the line) and the token. */
function skipped(s: string, at: number, line: number, start: number, code = 'capture.input.skipped'): UsageError {
  let end = at;
  while (end < s.length && end < at + 24 && !isSpace(s.charCodeAt(end))) end++;
  return new UsageError(code, { line, column: start + at + 1, token: clip(s.slice(at, end) || s.slice(at, at + 1)) });
}

/** Whether s[a..b) is only spaces, tabs and commas (the gaps between bytes in a pasted line). */
function onlySpacing(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 44) return false;
  }
  return true;
}
