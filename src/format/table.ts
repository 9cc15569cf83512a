/**
 * The annotated table: one row per field of a decoded packet (offset, bytes, spec name, value) and one row
 * per flag bit, like the hand-made 十六进制解释 tables. Built from decode()'s fields alone, so the labels
 * come from the codec and printing a packet also re-checks its bytes.
 */
import { catalogues, message, type Lang } from '../messages.js';
import { decode, isBinaryField } from '../mqtt/decode.js';
import { carriesCode, explainReply, isCodeField } from '../mqtt/replies.js';
import type { Field, FieldBits, PacketCmd, ProtocolVersion } from '../mqtt/types.js';
import { termSafe, TERM_LINE_MAX } from '../terminal-text.js';
import { hex2 } from './_bytes.js';
import { plain, type Paint } from './types.js';

export interface TableOptions {
  /** For packets other than CONNECT, which carries its own; defaults to 4. */
  readonly protocolVersion?: ProtocolVersion;
  readonly paint?: Paint;
  readonly lang?: Lang;
  /** Version the fields were decoded in, for what their reply codes mean; defaults to protocolVersion, else 4. */
  readonly codeVersion?: ProtocolVersion;
}

/** Bytes per line in the bytes column. */
const PER_LINE = 8;
/** Lines of bytes shown for one field before the rest is summarised (a 64 KiB payload would be 8192 lines). */
const MAX_LINES = 16;

/** Render one packet. Throws DecodeError when the bytes are not exactly one valid packet. */
export function renderTable(bytes: Uint8Array, opts: TableOptions = {}): string {
  const decoded = decode(bytes, opts.protocolVersion === undefined ? {} : { protocolVersion: opts.protocolVersion });
  return renderFields(bytes, decoded.fields, { codeVersion: opts.protocolVersion, ...opts });
}

/** Render fields already decoded from `bytes` (offsets relative to bytes[0]). */
export function renderFields(bytes: Uint8Array, fields: readonly Field[], opts: Omit<TableOptions, 'protocolVersion'> = {}): string {
  const paint = opts.paint ?? plain;
  const lang = opts.lang ?? 'en';
  const rows: Row[] = [];
  const cmd = String(fields[0]?.value ?? '').toLowerCase() as PacketCmd;
  const version = opts.codeVersion ?? 4;
  const explained = carriesCode(cmd, version);
  for (const field of fields) {
    const raw = bytes.subarray(field.offset, field.offset + field.length);
    const lines = hexLines(raw, lang);
    let value = showValue(field, raw);
    if (explained && typeof field.value === 'number' && isCodeField(field.name)) value = codeCell(explainReply(cmd, version, field.value, lang), lang);
    rows.push({ offset: String(field.offset), bytes: lines[0] ?? '', name: termSafe(fieldLabel(field.name, lang)), value: termSafe(value, TERM_LINE_MAX) });
    for (let i = 1; i < lines.length; i++) rows.push({ offset: '', bytes: lines[i]!, name: '', value: '' });
    for (const bits of field.bits ?? []) {
      rows.push({ offset: '', bytes: bitPattern(bits, field.length * 8), name: `  ${termSafe(fieldLabel(bits.name, lang))}`, value: String(bits.value) });
    }
  }
  const header: Row = {
    offset: message('table.offset', {}, lang),
    bytes: message('table.bytes', {}, lang),
    name: message('table.field', {}, lang),
    value: message('table.value', {}, lang),
  };
  // A loop, not Math.max(...rows): a SUBSCRIBE with 25,000 filters has more rows than a call takes arguments.
  const width = { offset: 0, bytes: 0, name: 0 };
  for (const r of [header, ...rows]) {
    width.offset = Math.max(width.offset, displayWidth(r.offset));
    width.bytes = Math.max(width.bytes, displayWidth(r.bytes));
    width.name = Math.max(width.name, displayWidth(r.name));
  }
  const line = (r: Row, head: boolean): string => {
    const offset = pad(r.offset, width.offset, true);
    const cells = [
      paint.dim(offset),
      head ? paint.dim(pad(r.bytes, width.bytes)) : pad(r.bytes, width.bytes),
      head ? paint.dim(pad(r.name, width.name)) : paint.field(pad(r.name, width.name)),
      head ? paint.dim(r.value) : r.value,
    ];
    return cells.join('  ').trimEnd();
  };
  return [line(header, true), ...rows.map((r) => line(r, false))].join('\n') + '\n';
}

/**
 * The spec's name, and in another language its local name first (剩余长度 Remaining Length), as hand-made
 * 十六进制解释 tables do; the spec name stays so the user can search the standard for it.
 */
export function fieldLabel(name: string, lang: Lang): string {
  if (lang === 'en') return name;
  const local = localName(name, lang);
  return local === undefined || local === name ? name : `${local} ${name}`;
}

function localName(name: string, lang: Lang): string | undefined {
  const own = catalogues[lang][`field.${name}`];
  if (own !== undefined) return own;
  const base = name.endsWith(' Length') ? catalogues[lang][`field.${name.slice(0, -' Length'.length)}`] : undefined;
  return base === undefined ? undefined : message('field.length', { name: base }, lang);
}

/** `135 (0x87) Not authorized: the client is not authorized to connect`; hex beside codes the 5.0 spec lists in hex. */
function codeCell(m: { code: number; name: string | null; meaning: string }, lang: Lang): string {
  const number = m.code >= 0x10 ? `${m.code} (0x${m.code.toString(16).padStart(2, '0')})` : String(m.code);
  return `${number} ${m.name === null ? m.meaning : message('reply.cell', { name: m.name, meaning: m.meaning }, lang)}`;
}

interface Row {
  offset: string;
  bytes: string;
  name: string;
  value: string;
}

function hexLines(raw: Uint8Array, lang: Lang): string[] {
  const shown = Math.min(raw.length, PER_LINE * MAX_LINES);
  const lines: string[] = [];
  // A loop, not slices() mapped to Array.from(row, hex2).join: this runs for every field of every packet a table shows.
  for (let start = 0; start < shown; start += PER_LINE) {
    const end = Math.min(start + PER_LINE, shown);
    let line = hex2(raw[start]!);
    for (let i = start + 1; i < end; i++) line += ` ${hex2(raw[i]!)}`;
    lines.push(line);
  }
  if (shown < raw.length) lines.push(message('table.more', { count: raw.length - shown }, lang));
  return lines;
}

/** `1... ....` style: the field's bits over its width, the others as dots. */
function bitPattern(bits: FieldBits, totalBits: number): string {
  const width = bits.width ?? 1;
  const n = totalBits > 0 && totalBits <= 16 ? totalBits : 8;
  let out = '';
  for (let bit = n - 1; bit >= 0; bit--) {
    const inField = bit >= bits.bit && bit < bits.bit + width;
    out += inField ? String((bits.value >> (bit - bits.bit)) & 1) : '.';
    if (bit % 4 === 0 && bit > 0) out += ' ';
  }
  return out;
}

/**
 * Numbers and flags as they are; text quoted; binary (the codec gives it as hex) as its text when it is printable.
 * JSON quoting escapes C0 controls only; the caller passes the cell through termSafe for C1, DEL, bidi and length.
 */
function showValue(field: Field, raw: Uint8Array): string {
  // A binary field's value is made (as hex) only when read: a payload is shown from its bytes, never read as hex.
  if (raw.length > 0 && isBinaryField(field)) return binaryCell(raw);
  const value = field.value;
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  if (raw.length > 0 && isHexOf(value, raw)) return binaryCell(raw);
  return JSON.stringify(value);
}

function binaryCell(raw: Uint8Array): string {
  const text = printableText(raw);
  return text === null ? `${raw.length} bytes` : JSON.stringify(text);
}

const DIGITS = '0123456789abcdef';

/** `value` is the bytes' lowercase hex, compared without making it (a topic or payload may be 64 KiB and more). */
function isHexOf(value: string, raw: Uint8Array): boolean {
  if (value.length !== raw.length * 2) return false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (value.charCodeAt(2 * i) !== DIGITS.charCodeAt(b >> 4) || value.charCodeAt(2 * i + 1) !== DIGITS.charCodeAt(b & 15)) return false;
  }
  return true;
}

// One decoder for every field: making a TextDecoder costs more than decoding a field with it.
let strictUtf8: InstanceType<typeof TextDecoder> | undefined;

/** A control character a cell must not show as text: C0 but tab to carriage return, and DEL. */
const isControl = (code: number): boolean => code <= 0x08 || (code >= 0x0e && code <= 0x1f) || code === 0x7f;

/**
 * The bytes as text when they are strict UTF-8 without control characters, else null. A short ASCII field (a hex
 * password, a token) is read byte by byte: no decoder and no regular expression to build in a short run (issue 15).
 */
export function printableText(raw: Uint8Array): string | null {
  if (raw.length > 256) return printableUtf8(raw);
  let text = '';
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b >= 0x80) return printableUtf8(raw);
    if (isControl(b)) return null;
    text += String.fromCharCode(b);
  }
  return text;
}

function printableUtf8(raw: Uint8Array): string | null {
  let text: string;
  try {
    text = (strictUtf8 ??= new TextDecoder('utf-8', { fatal: true })).decode(raw);
  } catch {
    return null;
  }
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return null;
  return text;
}

/** Terminal columns: CJK and other wide characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // Below U+1100 nothing is wide; a surrogate pair (one character, outside these ranges) counts once.
    if (unit < 0x1100) width += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      width += 1;
      i++;
    } else width += isWide(unit) ? 2 : 1;
  }
  return width;
}

/** U+1100–115F, 2E80–A4CF, AC00–D7A3, F900–FAFF, FE30–FE4F, FF00–FF60, FFE0–FFE6. */
function isWide(unit: number): boolean {
  return (
    (unit >= 0x1100 && unit <= 0x115f) ||
    (unit >= 0x2e80 && unit <= 0xa4cf) ||
    (unit >= 0xac00 && unit <= 0xd7a3) ||
    (unit >= 0xf900 && unit <= 0xfaff) ||
    (unit >= 0xfe30 && unit <= 0xfe4f) ||
    (unit >= 0xff00 && unit <= 0xff60) ||
    (unit >= 0xffe0 && unit <= 0xffe6)
  );
}

function pad(text: string, width: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}
