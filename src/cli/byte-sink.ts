/**
 * Output built as bytes, in place: decode's renderers write into one buffer that is handed to stdout in pieces of
 * about PIECE bytes. A packet's hex and its UTF-8 payload go from the packet's bytes straight to the output bytes,
 * never through a JS string (building, joining and re-encoding those strings was most of `--format jsonl`'s time and
 * most of its garbage).
 */
import { Buffer } from 'node:buffer';

/** Bytes handed on at a time: large enough that a write costs little, small enough to bound what is in flight. */
const PIECE = 64 * 1024;

/** The two lowercase hex digits of each byte value (as Buffer's 'hex' encoding writes them), as ASCII codes. */
const DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** What JSON.stringify writes for each byte < 0x20 inside a string (RFC 8259 §7: short escapes where they exist). */
const CONTROL_ESCAPES: readonly string[] = Array.from({ length: 32 }, (_, c) =>
  ({ 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' })[c] ?? `\\u${c.toString(16).padStart(4, '0')}`,
);

export class ByteSink {
  private buf: Buffer = Buffer.allocUnsafe(PIECE * 2);
  private pos = 0;

  constructor(private readonly hand: (piece: Uint8Array) => void) {}

  /** Any text, as UTF-8. */
  text(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A JSON string literal of any text (JSON.stringify's escaping). */
  jsonString(s: string): void {
    this.text(JSON.stringify(s));
  }

  /** Lowercase hex of the bytes. */
  hex(bytes: Uint8Array): void {
    const n = bytes.length;
    this.room(2 * n);
    const buf = this.buf;
    let at = this.pos;
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      buf[at] = DIGITS[b >> 4]!;
      buf[at + 1] = DIGITS[b & 15]!;
      at += 2;
    }
    this.pos = at;
  }

  /**
   * Bytes known to be valid UTF-8 as a JSON string literal, exactly as JSON.stringify(new TextDecoder().decode(bytes))
   * writes it: `"` and `\` escaped, bytes below 0x20 escaped, every other byte copied (valid UTF-8 holds no lone
   * surrogate, the only other thing JSON.stringify escapes).
   */
  jsonUtf8(bytes: Uint8Array): void {
    const n = bytes.length;
    this.room(n + 2);
    let buf = this.buf;
    let at = this.pos;
    buf[at++] = 0x22;
    let from = 0;
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      if (b >= 0x20 && b !== 0x22 && b !== 0x5c) continue;
      // Copy the plain run before this byte, then its escape (at most 6 bytes).
      const run = i - from;
      if (run > 0) {
        buf.set(bytes.subarray(from, i), at);
        at += run;
      }
      this.pos = at;
      this.room(6 + (n - i) + 1);
      buf = this.buf;
      at = this.pos;
      const escape = b < 0x20 ? CONTROL_ESCAPES[b]! : b === 0x22 ? '\\"' : '\\\\';
      for (let k = 0; k < escape.length; k++) buf[at++] = escape.charCodeAt(k);
      from = i + 1;
    }
    if (n > from) {
      buf.set(bytes.subarray(from, n), at);
      at += n - from;
    }
    buf[at++] = 0x22;
    this.pos = at;
  }

  /** Hands on what is written once it reaches a piece; `all`: everything (the end of a batch). */
  flush(all = false): void {
    if (this.pos === 0 || (!all && this.pos < PIECE)) return;
    // The piece is handed on as it is (a writer may keep it until the system took it), so a fresh buffer follows.
    this.hand(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(PIECE * 2);
    this.pos = 0;
  }

  /** Makes room for n more bytes: hands on a full piece first, and grows only for one value larger than a piece. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos >= PIECE) {
      this.flush();
      if (n <= this.buf.length) return;
    }
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}
