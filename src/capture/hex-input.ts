/**
 * Text a user pasted → bytes. Accepts every form people copy packets in: plain hex (with or without spaces,
 * colons or dashes), `0x..` lists, C/Arduino arrays, Python bytes literals, base64, `xxd` and `hexdump -C`
 * dumps, and serial-tool logs with timestamps around the hex.
 */
import { UsageError } from '../errors.js';

export type TextEncoding = 'hex' | 'base64';

/** Parse pasted text into bytes. Throws UsageError (code capture.input.*) naming the line and the token it could not read. */
export function parseHexInput(text: string, encoding: TextEncoding = 'hex'): Uint8Array {
  if (encoding === 'base64') return parseBase64(text);
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError('capture.input.empty');
  if (/(?:^|[\s=(,[])b['"]/.test(trimmed)) return parsePythonBytes(trimmed);
  if (trimmed.includes('{')) return parseCArrays(trimmed);
  const lines = trimmed.split(/\r?\n/);
  if (lines.every((l) => XXD_LINE.test(l) || l.trim() === '')) return parseDump(lines, xxdHex);
  if (lines.every((l) => HEXDUMP_LINE.test(l) || HEXDUMP_END.test(l) || l.trim() === '')) return parseDump(lines, hexdumpHex);
  if (PURE_HEX.test(trimmed)) return parsePureHex(trimmed);
  return parseLog(lines);
}

/** Only hex digits, `0x` prefixes and the separators people put between bytes. */
const PURE_HEX = /^(?:0x)?[0-9a-f]+(?:[\s,:;-]+(?:0x)?[0-9a-f]+)*[\s,;]*$/i;

function parsePureHex(text: string): Uint8Array {
  const tokens = text.split(/[\s,:;-]+/).filter((t) => t !== '');
  // `0x1, 0x2` lists may drop the leading zero; bare tokens must be whole bytes.
  const prefixed = tokens.every((t) => /^0x/i.test(t));
  const out: number[] = [];
  for (const token of tokens) {
    const digits = token.replace(/^0x/i, '');
    if (prefixed && digits.length <= 2) out.push(parseInt(digits, 16));
    else pushHexDigits(out, digits, token, 1);
  }
  return Uint8Array.from(out);
}

function pushHexDigits(out: number[], digits: string, token: string, line: number): void {
  if (digits.length % 2 !== 0) throw new UsageError('capture.input.odd', { token: clip(token), line });
  for (let i = 0; i < digits.length; i += 2) out.push(parseInt(digits.slice(i, i + 2), 16));
}

/** `{ 0x10, 0x74, … }` blocks (C, Arduino PROGMEM, our own `c` format); several arrays are concatenated in order. */
function parseCArrays(text: string): Uint8Array {
  const body = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const out: number[] = [];
  // Initialisers (`= { … }`) when there are any, so a function body beside the arrays (the Arduino send helper) is not
  // read as bytes; otherwise every `{ … }`, for a bare pasted list.
  const initialisers = [...body.matchAll(/=\s*\{([^}]*)\}/g)];
  const blocks = initialisers.length > 0 ? initialisers : [...body.matchAll(/\{([^}]*)\}/g)];
  if (blocks.length === 0) throw new UsageError('capture.input.unreadable', { token: clip(text), line: 1 });
  for (const block of blocks) {
    for (const raw of block[1]!.split(',')) {
      const token = raw.trim();
      if (token === '') continue;
      const value = /^0x[0-9a-f]{1,2}$/i.test(token)
        ? parseInt(token.slice(2), 16)
        : /^\d{1,3}$/.test(token)
          ? Number(token)
          : NaN;
      if (!(value >= 0 && value <= 255)) throw new UsageError('capture.input.token', { token: clip(token), line: lineOf(text, token) });
      out.push(value);
    }
  }
  return Uint8Array.from(out);
}

const PY_ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };

/** `b'\x10\x0c\x00\x04MQTT'`, possibly several adjacent literals (as Python prints long values). */
function parsePythonBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const literal of text.matchAll(/\bb(['"])((?:\\.|(?!\1)[^\\])*)\1/g)) {
    const body = literal[2]!;
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]!;
      if (ch !== '\\') {
        const code = ch.charCodeAt(0);
        if (code > 127) throw new UsageError('capture.input.token', { token: ch, line: lineOf(text, ch) });
        out.push(code);
        continue;
      }
      const next = body[i + 1] ?? '';
      if (next === 'x') {
        const hex = body.slice(i + 2, i + 4);
        if (!/^[0-9a-f]{2}$/i.test(hex)) throw new UsageError('capture.input.token', { token: `\\x${hex}`, line: lineOf(text, hex) });
        out.push(parseInt(hex, 16));
        i += 3;
      } else if (/[0-7]/.test(next)) {
        const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
        out.push(parseInt(oct, 8) & 0xff);
        i += oct.length;
      } else if (next in PY_ESCAPES) {
        out.push(PY_ESCAPES[next]!);
        i += 1;
      } else {
        // Python keeps an unknown escape as the backslash and the character.
        out.push(92);
      }
    }
  }
  return Uint8Array.from(out);
}

// `00000000: 100c 0004 4d51 5454 0402 003c 0000  ....MQTT...<..`
const XXD_LINE = /^[0-9a-f]{6,16}: (?:[0-9a-f]{2,4} ?)+/i;
// `00000000  10 0c 00 04 4d 51 54 54  04 02 00 3c 00 00     |....MQTT...<..|`
const HEXDUMP_LINE = /^[0-9a-f]{6,16} {2}(?:[0-9a-f]{2} {1,2})+.*\|.*\|\s*$/i;
const HEXDUMP_END = /^[0-9a-f]{6,16}\s*$/i;

function xxdHex(line: string): string {
  // The hex area ends at the first double space; what follows is the ASCII column.
  const hex = line.slice(line.indexOf(':') + 1).replace(/^ /, '');
  const end = hex.indexOf('  ');
  return end === -1 ? hex : hex.slice(0, end);
}

function hexdumpHex(line: string): string {
  if (HEXDUMP_END.test(line)) return '';
  const bar = line.indexOf('|');
  return line.slice(line.search(/\s/), bar === -1 ? undefined : bar);
}

function parseDump(lines: readonly string[], hexOf: (line: string) => string): Uint8Array {
  const out: number[] = [];
  lines.forEach((line, i) => {
    for (const token of hexOf(line).split(/\s+/).filter((t) => t !== '')) pushHexDigits(out, token, token, i + 1);
  });
  return Uint8Array.from(out);
}

// Dates and times that serial tools print around the data; removed before looking for hex.
const TIMESTAMP = /\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}:\d{2}(?:[.,:]\d{1,6})?|\d{1,2}:\d{2}(?=[\]\s)])/g;
const HEX_TOKEN = /^(?:0x)?(?:[0-9a-f]{2})+$/i;

/**
 * A log: per line, drop timestamps, split into tokens, and keep the longest run of adjacent byte tokens
 * (so `[10:22:31.456]发→◇10 0C 00 04 □` and `SEND HEX> 10 0C` both give their bytes).
 */
function parseLog(lines: readonly string[]): Uint8Array {
  const out: number[] = [];
  lines.forEach((line, i) => {
    // Modem commands (AT+CIPSEND=14) and their replies carry numbers that are not packet bytes.
    if (/^\s*(?:AT\b|AT\+|OK\b|SEND OK|ERROR)/i.test(line)) return;
    const tokens = line.replace(TIMESTAMP, ' ').split(/[^0-9a-zA-Z]+/);
    let best: string[] = [];
    let run: string[] = [];
    for (const token of tokens) {
      if (HEX_TOKEN.test(token)) run.push(token);
      else run = [];
      if (run.length > best.length) best = [...run];
    }
    for (const token of best) pushHexDigits(out, token.replace(/^0x/i, ''), token, i + 1);
  });
  if (out.length === 0) throw new UsageError('capture.input.unreadable', { token: clip(lines[0] ?? ''), line: 1 });
  return Uint8Array.from(out);
}

function parseBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact === '') throw new UsageError('capture.input.empty');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw new UsageError('capture.input.base64', { token: clip(compact) });
  }
  return Uint8Array.from(Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/**
 * Whether file or stdin bytes are pasted text rather than binary packets: valid UTF-8 with no control bytes
 * besides whitespace. A binary MQTT packet always has one (its first byte is 0x10–0xF0, and lengths hold 0x00).
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function clip(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

function lineOf(text: string, token: string): number {
  const at = text.indexOf(token);
  return at === -1 ? 1 : text.slice(0, at).split('\n').length;
}
