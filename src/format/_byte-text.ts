/**
 * Bytes as text with a few characters per byte (hex cells, Python escapes, decimals), written into one Latin-1 buffer
 * and read out as one string. A 10 MB payload is 10 million cells: a string or an array per cell (Array.from(row, f)
 * .join) took 40–75 times the payload in memory and crashed past ~40 MB; this takes the output's size twice.
 */
const DIGITS = '0123456789ABCDEF0123456789abcdef';

/** Text up to this long is made by String.fromCharCode: a Buffer's first use costs a short run ~0.1 ms (its pool, latin1Slice). */
const SMALL = 1 << 16;

/** A Latin-1 text of at most `capacity` characters, written by code unit. */
class Writer {
  readonly #buf: Uint8Array;
  #length = 0;
  constructor(capacity: number) {
    this.#buf = capacity <= SMALL ? new Uint8Array(capacity) : Buffer.allocUnsafe(capacity);
  }
  /** ASCII text (the formats' own punctuation). */
  text(text: string): void {
    for (let i = 0; i < text.length; i++) this.#buf[this.#length++] = text.charCodeAt(i);
  }
  char(code: number): void {
    this.#buf[this.#length++] = code;
  }
  hex(byte: number, lower = false): void {
    const base = lower ? 16 : 0;
    this.#buf[this.#length++] = DIGITS.charCodeAt(base + (byte >> 4));
    this.#buf[this.#length++] = DIGITS.charCodeAt(base + (byte & 15));
  }
  done(): string {
    const used = this.#buf.subarray(0, this.#length);
    return used.length <= SMALL ? String.fromCharCode(...used) : Buffer.from(used.buffer, used.byteOffset, used.length).toString('latin1');
  }
}

interface CellLayout {
  /** Before each byte's two uppercase digits: '0x' in C. */
  readonly cell?: string;
  /** Between two bytes of a row. */
  readonly separator?: string;
  /** Bytes a row; Infinity: one row. */
  readonly perRow?: number;
  /** Before each row. */
  readonly indent?: string;
  /** Between two rows. */
  readonly newline?: string;
}

/** Every byte as `cell` + two uppercase hex digits, `separator` between them, in rows of `perRow`. */
export function hexCells(bytes: Uint8Array, layout: CellLayout = {}): string {
  const { cell = '', separator = ' ', perRow = Infinity, indent = '', newline = '\n' } = layout;
  const n = bytes.length;
  if (n === 0) return '';
  const rowCount = Math.ceil(n / Math.min(perRow, n));
  const out = new Writer(n * (cell.length + 2) + (n - rowCount) * separator.length + rowCount * indent.length + (rowCount - 1) * newline.length);
  for (let i = 0; i < n; i++) {
    const first = i % perRow === 0;
    if (first) {
      if (i > 0) out.text(newline);
      out.text(indent);
    } else out.text(separator);
    out.text(cell);
    out.hex(bytes[i]!);
  }
  return out.done();
}

/**
 * Lines of `    b'…'`, `perRow` bytes each, as Python's repr writes a bytes literal: printable ASCII as itself, \\ and
 * \' escaped, the rest as \xNN.
 */
export function pythonBytesLines(bytes: Uint8Array, perRow: number, indent: string): string {
  const n = bytes.length;
  const rowCount = Math.ceil(n / perRow);
  const out = new Writer(n * 4 + rowCount * (indent.length + 4));
  for (let start = 0; start < n; start += perRow) {
    if (start > 0) out.char(0x0a);
    out.text(indent);
    out.text("b'");
    for (let i = start; i < Math.min(start + perRow, n); i++) {
      const b = bytes[i]!;
      if (b === 0x5c || b === 0x27) {
        out.char(0x5c);
        out.char(b);
      } else if (b >= 0x20 && b < 0x7f) out.char(b);
      else {
        out.text('\\x');
        out.hex(b, true);
      }
    }
    out.char(0x27);
  }
  return out.done();
}

/** The bytes as decimals joined by `separator` (a JavaScript array's items). */
export function decimals(bytes: Uint8Array, separator: string): string {
  const n = bytes.length;
  const out = new Writer(n * 3 + Math.max(0, n - 1) * separator.length);
  for (let i = 0; i < n; i++) {
    if (i > 0) out.text(separator);
    const b = bytes[i]!;
    if (b >= 100) out.char(0x30 + Math.floor(b / 100));
    if (b >= 10) out.char(0x30 + (Math.floor(b / 10) % 10));
    out.char(0x30 + (b % 10));
  }
  return out.done();
}
