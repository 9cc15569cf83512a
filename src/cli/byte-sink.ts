/**
 * Output built as bytes, in place: decode's renderers write into one buffer that is handed to stdout in pieces of
 * about PIECE bytes. A packet's hex and its UTF-8 payload go from the packet's bytes straight to the output bytes,
 * never through a JS string (building, joining and re-encoding those strings was most of `--format jsonl`'s time and
 * most of its garbage).
 */
import { Buffer, isAscii } from 'node:buffer';
import { hasJsonUnsafe, jsonQuote } from '../json-text.js';

/** Bytes handed on at a time: large enough that a write costs little, small enough to bound what is in flight. */
const PIECE = 64 * 1024;
/**
 * Buffers kept for reuse once the writer is done with them (8 MiB at most): a writer gives a piece back on a later
 * tick, so a batch's pieces are all out before the first returns.
 */
const SPARE = 64;

/** Bytes turned into hex per native call (see hex()). */
const HEX_SLICE = 4096;

/** 1 for the bytes a JSON string cannot hold as they are: below 0x20, `"` and `\`; and DEL, kept off the terminal. */
const ESCAPED = Uint8Array.from({ length: 256 }, (_, b) => (b < 0x20 || b === 0x22 || b === 0x5c || b === 0x7f ? 1 : 0));

/** What JSON.stringify writes for each byte < 0x20 inside a string (RFC 8259 §7: short escapes where they exist). */
const CONTROL_ESCAPES: readonly string[] = Array.from({ length: 32 }, (_, c) =>
  ({ 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' })[c] ?? `\\u${c.toString(16).padStart(4, '0')}`,
);

/** Every buffer is this size, so any of them can be reused for any piece; no value makes one grow. */
const SIZE = PIECE * 2;

export class ByteSink {
  private buf: Buffer = Buffer.allocUnsafe(SIZE);
  private pos = 0;
  /**
   * Buffers the writer gave back. Reusing them keeps the output's garbage near zero: a fresh buffer per piece is
   * freed only when V8 next collects, and until then tens of MB of dead pieces count in the process's memory.
   */
  private readonly spare: Buffer[] = [];

  /**
   * `hand` passes a piece to the writer, which calls `done` when it no longer needs a buffer (or never). A text too
   * large for a buffer (a table of a huge packet) is handed on as the string itself.
   */
  constructor(private readonly hand: (piece: Uint8Array | string, done: () => void) => void) {}

  /** Any text, as UTF-8. */
  text(s: string): void {
    const n = s.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const most = n * 3;
    if (most > SIZE) {
      this.flush(true);
      this.hand(s, () => {});
      return;
    }
    this.room(most);
    const buf = this.buf;
    // Short ASCII (keys, numbers, punctuation: most of the JSON) is copied here: cheaper than a call into C++.
    if (n <= 128) {
      let at = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at++] = c;
      }
      if (i === n) {
        this.pos = at;
        return;
      }
    }
    this.pos += buf.write(s, this.pos, 'utf8');
  }

  /** A JSON string literal of any text (JSON.stringify's escaping, and src/json-text.ts's for the terminal). */
  jsonString(s: string): void {
    this.text(jsonQuote(s));
  }

  /**
   * Lowercase hex of the bytes, 4 KiB at a time through Buffer's native hex: about 3× a JS loop here, and slices that
   * small keep the strings it makes in V8's young generation, where they are cheap to drop.
   */
  hex(bytes: Uint8Array): void {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let from = 0; from < bytes.length; from += HEX_SLICE) {
      const to = Math.min(bytes.length, from + HEX_SLICE);
      this.room(2 * (to - from));
      this.pos += this.buf.write(view.toString('hex', from, to), this.pos, 'latin1');
    }
  }

  /**
   * Bytes known to be valid UTF-8 as a JSON string literal, exactly as jsonQuote(new TextDecoder().decode(bytes))
   * writes it: `"` and `\` escaped, bytes below 0x20 and DEL escaped, every other byte copied (valid UTF-8 holds no
   * lone surrogate). Text beyond ASCII is checked for the characters src/json-text.ts escapes (C1, bidi, zero-width,
   * U+2028/U+2029); one that holds any takes the string path, the rest is copied byte for byte.
   */
  jsonUtf8(bytes: Uint8Array): void {
    if (!isAscii(bytes)) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      if (hasJsonUnsafe(text)) return this.text(jsonQuote(text));
    }
    this.ascii('"');
    let from = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (ESCAPED[b] === 0) continue;
      this.raw(bytes, from, i);
      this.ascii(b < 0x20 ? CONTROL_ESCAPES[b]! : b === 0x22 ? '\\"' : b === 0x7f ? '\\u007f' : '\\\\');
      from = i + 1;
    }
    this.raw(bytes, from, bytes.length);
    this.ascii('"');
  }

  /** Hands on what is written once it reaches a piece; `all`: everything (the end of a batch). */
  flush(all = false): void {
    if (this.pos === 0 || (!all && this.pos < PIECE)) return;
    // The piece is handed on as it is (the writer may keep it until the system took it): another buffer follows.
    const buf = this.buf;
    this.hand(buf.subarray(0, this.pos), () => {
      if (this.spare.length < SPARE) this.spare.push(buf);
    });
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(SIZE);
    this.pos = 0;
  }

  /** bytes[from, to) as they are, across buffers when they do not fit in one. */
  private raw(bytes: Uint8Array, from: number, to: number): void {
    if (to - from <= 32 && this.pos + (to - from) <= SIZE) {
      // A few bytes: a loop costs less than a view and a copy call.
      const buf = this.buf;
      let at = this.pos;
      for (let i = from; i < to; i++) buf[at++] = bytes[i]!;
      this.pos = at;
      return;
    }
    while (from < to) {
      if (this.pos === SIZE) this.flush(true);
      const n = Math.min(to - from, SIZE - this.pos);
      this.buf.set(bytes.subarray(from, from + n), this.pos);
      this.pos += n;
      from += n;
    }
  }

  /** A few ASCII characters (an escape, a quote). */
  private ascii(s: string): void {
    this.room(s.length);
    for (let k = 0; k < s.length; k++) this.buf[this.pos++] = s.charCodeAt(k);
  }

  /** Makes room for n ≤ SIZE more bytes: hands on what the buffer holds when they would not fit. */
  private room(n: number): void {
    if (this.pos + n > SIZE) this.flush(true);
    else if (this.pos >= PIECE) this.flush();
  }
}
