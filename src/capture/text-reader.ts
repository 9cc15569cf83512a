/**
 * Pasted or streamed text → byte segments, line by line as it arrives (so a serial port's packets show as they come).
 * Every form people paste is read with the same rules whether it comes from an argument, a file or stdin:
 * hex in any spacing, `0x` and decimal lists, dumps (xxd, hexdump -C, od), source code (C, Python, JavaScript),
 * serial-tool and modem AT logs (with the direction of each line), and base64.
 * Each line is read once, left to right; what is kept between calls is the unfinished line and a few flags.
 */
import { UsageError } from '../errors.js';
import type { Direction } from './packet.js';
import { ByteBuf, clip, labelledShortBytes, longestHexRun, plainBytes, PlainState } from './text-bytes.js';
import { CodeReader, looksLikeCode } from './text-code.js';
import { dumpLine, endOffset, repeatBytes, type DumpForm } from './text-dump.js';
import { logPrefix } from './text-log.js';
import { ModemLog, startsModemLog } from './text-modem.js';

export interface TextSegment {
  bytes: Uint8Array;
  /** Who sent the bytes, when the log says it (a marker such as 发/收, TX/RX, or a modem's send and receive). */
  direction?: Direction;
  /** Line (from 1) where the bytes are. */
  line: number;
  /** The timestamp the log printed on that line, as written. */
  time?: string;
}

export type TextEncodingOption = 'auto' | 'hex' | 'base64';

/** A single line longer than this is not pasted text; refused rather than held in memory. */
const MAX_LINE = 64 * 1024 * 1024;
/** The decimal reading of the input (TextReader.decimalReading) is kept for at most this many bytes. */
const DECIMAL_MAX = 64 * 1024;
/** How much text may be held back to decide whether it is base64. */
const SNIFF_WINDOW = 64 * 1024;

interface DumpState {
  form: DumpForm;
  /** Offset radixes still consistent with the lines so far (od may count in hex, octal or decimal). */
  radixes: number[];
  prevOffset: string;
  prev: Uint8Array;
  /** Line of a `*` waiting for the next offset, or 0. */
  star: number;
}

export class TextReader {
  readonly #encoding: TextEncodingOption;
  #pending = '';
  #afterCR = false;
  #line = 0;
  #mode: 'lines' | 'code' | 'base64';
  #dump: DumpState | null = null;
  readonly #code = new CodeReader();
  readonly #modem = new ModemLog();
  /** Whether a line with content was seen: base64 is recognised only from the first one. */
  #sniffed = false;
  #base64Carry = '';
  /** Lines held while deciding whether the text is base64 (at most SNIFF_WINDOW characters, line breaks included). */
  #held: { text: string; line: number }[] = [];
  #heldSize = 0;
  /** The held lines read as base64 so far: each line is scanned once when it arrives, never the whole again. */
  #heldScan = new Base64Scan();
  #emitted = 0;
  /** The direction (and time) of a marker line with no data, for the unmarked data lines after it. */
  #carry: { direction: Direction; time?: string } | null = null;
  #unreadable: { token: string; line: number } | null = null;
  /** Plain byte lines' one-digit reading: whether the text has shown it is printed padded (see plainBytes). */
  readonly #plain = new PlainState();
  /**
   * The input read as decimal, while every byte so far came from a plain byte line that reads as decimal too
   * (PlainState.decimal) and all in one direction; null once one did not, or past DECIMAL_MAX bytes.
   */
  #decimal: ByteBuf | null = new ByteBuf();
  #decimalDirection: Direction | undefined;

  constructor(options: { encoding?: TextEncodingOption } = {}) {
    this.#encoding = options.encoding ?? 'auto';
    this.#mode = this.#encoding === 'base64' ? 'base64' : 'lines';
  }

  /** Reads text in any chunking; returns the segments of the lines it completed. */
  push(text: string): TextSegment[] {
    const out: TextSegment[] = [];
    let from = 0;
    if (this.#afterCR && text.charCodeAt(0) === 10) from = 1;
    this.#afterCR = false;
    const breaks = /\r\n?|\n/g;
    breaks.lastIndex = from;
    for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
      const line = this.#pending === '' ? text.slice(from, m.index) : this.#pending + text.slice(from, m.index);
      this.#pending = '';
      from = m.index + m[0].length;
      if (m[0] === '\r' && from === text.length) this.#afterCR = true;
      this.#read(line, out);
    }
    if (from < text.length) this.#pending += text.slice(from);
    if (this.#pending.length > MAX_LINE) throw new UsageError('capture.input.line', { line: this.#line + 1, max: MAX_LINE });
    return out;
  }

  /** Reads the last, unterminated line; throws a usage error when the whole text held no bytes. */
  end(): TextSegment[] {
    const out: TextSegment[] = [];
    if (this.#pending !== '') {
      const line = this.#pending;
      this.#pending = '';
      this.#read(line, out);
    }
    if (this.#held.length > 0) this.#release(this.#heldScan.plausible(true), out);
    if (this.#mode === 'base64') this.#base64Flush(out);
    if (this.#emitted === 0) {
      if (this.#modem.mqttCommands) throw new UsageError('capture.input.at-mqtt');
      if (this.#unreadable) throw new UsageError('capture.input.unreadable', this.#unreadable);
      throw new UsageError('capture.input.empty');
    }
    return out;
  }

  /**
   * The whole input read as decimal (`16 12 0 4`: `Serial.print(b)` without HEX), when every byte came from lines
   * that read so (see #decimal); null otherwise. For decode's diagnosis only: the bytes read are the hex ones.
   */
  decimalReading(): Uint8Array | null {
    return this.#decimal && this.#decimal.length > 0 ? this.#decimal.take() : null;
  }

  /** `decimal`: the line's decimal reading, when it has one (PlainState.decimal); any other segment ends #decimal. */
  #emit(out: TextSegment[], bytes: Uint8Array, line: number, direction?: Direction, time?: string, decimal: Uint8Array | null = null): void {
    if (bytes.length === 0) return;
    if (this.#decimal) {
      if (this.#emitted === 0) this.#decimalDirection = direction;
      if (!decimal || direction !== this.#decimalDirection || this.#decimal.length + decimal.length > DECIMAL_MAX) {
        this.#decimal = null;
        this.#plain.wantDecimal = false;
      } else this.#decimal.append(decimal);
    }
    this.#emitted += bytes.length;
    out.push({ bytes, ...(direction ? { direction } : {}), line, ...(time !== undefined ? { time } : {}) });
  }

  #read(text: string, out: TextSegment[]): void {
    this.#readLine(text, ++this.#line, out);
  }

  #readLine(text: string, line: number, out: TextSegment[]): void {
    if (this.#held.length > 0) return this.#sniffMore(text, line, out);
    if (this.#mode === 'base64') return this.#base64Line(text, line, out);
    if (this.#mode === 'code') return this.#codeLine(text, line, out);
    const trimmed = text.trim();
    if (trimmed === '') return;
    // Comment lines (shell, Python, our own `at` and `c` output) are never bytes, even when they hold a port number.
    if (trimmed.startsWith('#') || trimmed.startsWith('//')) return;
    if (this.#dumpLine(text, trimmed, line, out)) return;
    // `hexdump` without -C and `od`/`od -x` print 2-byte words in the machine's byte order: refused by name rather than
    // read with every pair of bytes swapped.
    if (WORD_DUMP.test(trimmed)) throw new UsageError('capture.input.words', { line });
    const modem = this.#modem;
    if (!modem.active) {
      const bytes = plainBytes(trimmed, line, this.#plain);
      if (bytes) {
        this.#sniffed = true;
        return this.#emit(out, bytes, line, this.#carry?.direction, this.#carry?.time, this.#plain.decimal);
      }
    }
    const prefix = logPrefix(text);
    const { content, direction, time } = prefix;
    if (prefix.marked) {
      // A marker alone on its line (NetAssist's `[time]# SEND HEX>`, SSCOM's `[time]收←◆` before a multi-line answer)
      // says who sent the unmarked lines below it.
      this.#carry = content === '' && direction ? { direction, ...(time !== undefined ? { time } : {}) } : null;
      if (content === '') return;
    }
    if (modem.active || modem.waiting || startsModemLog(content)) {
      const said = modem.line(content, line, direction ?? (prefix.marked ? undefined : this.#carry?.direction));
      if (said === 'skip') return;
      if (said) return this.#emit(out, said.bytes, line, said.direction, time);
    }
    if (modem.active) {
      // Outside a send or a receive report, a modem log's lines are bytes only when they are nothing else.
      const bytes = content === '' ? null : plainBytes(content, line);
      if (bytes) return this.#emit(out, bytes, line, direction ?? this.#carry?.direction, time ?? this.#carry?.time);
      return this.#note(trimmed, line);
    }
    if (prefix.marked) {
      const bytes = plainBytes(content, line, this.#plain);
      if (bytes) return this.#emit(out, bytes, line, direction, time, this.#plain.decimal);
    }
    if (!prefix.marked && looksLikeCode(text)) {
      this.#mode = 'code';
      this.#sniffed = true;
      return this.#codeLine(text, line, out);
    }
    if (!this.#sniffed && this.#encoding === 'auto' && looksLikeBase64(trimmed)) {
      this.#held.push({ text, line });
      this.#heldSize = text.length + 1;
      this.#heldScan = new Base64Scan();
      this.#heldScan.add(text);
      return this.#sniffMore(null, line, out);
    }
    this.#sniffed = true;
    let run: Uint8Array | null = null;
    let refusal: unknown = null;
    try {
      run = longestHexRun(content, line, !prefix.marked, prefix.start);
    } catch (err) {
      refusal = err;
    }
    if (run) return this.#emit(out, run, line, direction, time);
    // Only where that reads nothing or refuses (so no line read before reads otherwise): a label, then bytes printed
    // without leading zeros (`Packet: 10 C 0 4`).
    const short = labelledShortBytes(content, line, this.#plain);
    if (short) return this.#emit(out, short, line, direction, time, this.#plain.decimal);
    if (refusal !== null) throw refusal;
    this.#note(trimmed, line);
  }

  /**
   * The first lines look like base64 but its first packet is not complete yet: hold them (a bounded window) until
   * it is (base64), a line is not base64 (then they are read as anything else), or the window is full (base64).
   */
  #sniffMore(text: string | null, line: number, out: TextSegment[]): void {
    if (text !== null) {
      if (!base64Chars(text)) {
        this.#release(false, out);
        return this.#readLine(text, line, out);
      }
      // Blank lines count too (with their line break): otherwise a run of them would hold the window open forever.
      this.#held.push({ text, line });
      this.#heldSize += text.length + 1;
      this.#heldScan.add(text);
    }
    if (this.#heldScan.plausible(true) || this.#heldSize > SNIFF_WINDOW) this.#release(true, out);
  }

  #release(asBase64: boolean, out: TextSegment[]): void {
    const held = this.#held;
    this.#held = [];
    this.#sniffed = true;
    if (asBase64) this.#mode = 'base64';
    for (const h of held) this.#readLine(h.text, h.line, out);
  }

  #codeLine(text: string, line: number, out: TextSegment[]): void {
    const buf = new ByteBuf();
    this.#code.line(text, line, buf);
    this.#emit(out, buf.take(), line);
  }

  /** Remembers the first line that held nothing readable, for the error when no line did. */
  #note(trimmed: string, line: number): void {
    this.#unreadable ??= { token: clip(trimmed), line };
  }

  /** A dump line, a `*` or a dump's closing offset; returns whether the line was one. */
  #dumpLine(text: string, trimmed: string, line: number, out: TextSegment[]): boolean {
    const state = this.#dump;
    if (state && trimmed === '*') {
      state.star = line;
      return true;
    }
    const d = dumpLine(text.trimStart(), line, state?.form ?? null);
    if (d) {
      this.#sniffed = true;
      if (state && state.form === d.form) {
        const expected = (r: number) => parseInt(state.prevOffset, r) + state.prev.length;
        if (state.star) {
          const radix = state.radixes[0]!;
          this.#emit(out, repeatBytes(state.prev, expected(radix), parseInt(d.offset, radix), state.star), state.star);
          state.star = 0;
        } else {
          state.radixes = state.radixes.filter((r) => parseInt(d.offset, r) === expected(r));
          if (state.radixes.length === 0) state.radixes = radixesOf(d.form, d.offset);
        }
        state.prevOffset = d.offset;
        state.prev = d.bytes;
      } else {
        this.#dump = { form: d.form, radixes: radixesOf(d.form, d.offset), prevOffset: d.offset, prev: d.bytes, star: 0 };
      }
      this.#emit(out, d.bytes, line);
      return true;
    }
    if (!state) return false;
    const end = endOffset(trimmed);
    if (end !== null) {
      if (state.star) {
        const radix = state.radixes[0]!;
        const from = parseInt(state.prevOffset, radix) + state.prev.length;
        this.#emit(out, repeatBytes(state.prev, from, parseInt(end, radix), state.star), state.star);
      }
      this.#dump = null;
      return true;
    }
    this.#dump = null;
    return false;
  }

  #base64Line(text: string, line: number, out: TextSegment[]): void {
    let compact = '';
    for (const part of text.split(/[\s]+/)) compact += part;
    if (compact === '') return;
    if (!isBase64(compact)) throw new UsageError('capture.input.base64', { token: clip(compact), line });
    this.#sniffed = true;
    const all = this.#base64Carry + compact;
    const whole = all.length - (all.length % 4);
    this.#base64Carry = all.slice(whole);
    this.#emit(out, base64Bytes(all.slice(0, whole)), line);
  }

  #base64Flush(out: TextSegment[]): void {
    const rest = this.#base64Carry;
    this.#base64Carry = '';
    if (rest === '') return;
    if (rest.replace(/=+$/, '').length % 4 === 1) throw new UsageError('capture.input.base64', { token: clip(rest), line: this.#line });
    this.#emit(out, base64Bytes(rest), this.#line);
  }
}

/** Whether every character but whitespace is in the base64 alphabet (either variant) or padding. */
function base64Chars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95 || c === 61;
    if (!ok) return false;
  }
  return true;
}

// `0000000 0c10 0400 514d` (hexdump, od -x) or `0000000 006020 002000` (od): an offset, then 2-byte words.
const WORD_DUMP = /^[0-7]{7} (?:[0-9a-f]{4}(?: |$)|[0-7]{6}(?: |$))/;

/**
 * Radixes an offset column may count in, likeliest first: xxd and hexdump always hex; od's default offsets (-A o,
 * 7 digits) are octal, its -A x offsets 6 hex digits. The lines that follow narrow it down.
 */
const radixesOf = (form: DumpForm, offset: string) => (form !== 'od' ? [16] : offset.length === 7 ? [8, 10, 16] : [16, 8, 10]);

function isBase64(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95 || c === 61;
    if (!ok) return false;
    // `=` is padding: only at the end of a group.
    if (c === 61 && i + 1 < s.length && s.charCodeAt(i + 1) !== 61) return false;
  }
  return true;
}

function base64Bytes(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/**
 * Base64 without being told: the text is valid base64, is not hex (that was tried first), and starts like a
 * plausible MQTT packet (a known type with its fixed flags and a Remaining Length that ends); the packet may go on
 * in the lines that follow. One pass; only the first bytes are decoded.
 */
function looksLikeBase64(text: string): boolean {
  const scan = new Base64Scan();
  scan.add(text);
  return scan.plausible(false);
}

/**
 * looksLikeBase64 fed piece by piece (the pieces as if joined by line breaks): what it keeps is a count, the padding
 * and the first 8 characters, so held lines are each scanned once and the verdict after each costs nothing more.
 */
class Base64Scan {
  #count = 0;
  #pad = 0;
  #head = '';
  #bad = false;

  add(text: string): void {
    if (this.#bad) return;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) continue;
      const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95;
      if (c === 61) this.#pad++;
      else if (!ok || this.#pad > 0) {
        this.#bad = true;
        return;
      }
      if (this.#count < 8) this.#head += text[i];
      this.#count++;
    }
  }

  plausible(complete: boolean): boolean {
    const count = this.#count;
    const pad = this.#pad;
    if (this.#bad || count < 4 || pad > 2 || (count - pad) % 4 === 1) return false;
    const total = Math.floor(((count - pad) * 3) / 4);
    const fits = (need: number) => need <= total || !complete;
    const head = this.#head;
    return plausibleMqtt(base64Bytes(head.slice(0, head.length - (head.length % 4))), fits);
  }
}

function plausibleMqtt(b: Uint8Array, fits: (need: number) => boolean): boolean {
  if (b.length < 2) return false;
  const type = b[0]! >> 4;
  const flags = b[0]! & 15;
  if (type === 0) return false;
  if (type === 3 ? (flags & 6) === 6 : type === 6 || type === 8 || type === 10 ? flags !== 2 : flags !== 0) return false;
  let length = 0;
  let i = 1;
  for (let mul = 1; ; mul *= 128) {
    if (i >= b.length || i > 4) return i < 5 && i >= b.length && !fits(Infinity);
    const x = b[i++]!;
    length += (x & 127) * mul;
    if ((x & 128) === 0) break;
  }
  return fits(i + length);
}
