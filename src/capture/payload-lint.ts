/**
 * Payload lint for PUBLISH: a payload that looks like JSON (its first non-blank byte is `{` or `[`) but does not
 * parse gets the place of the first error (the blog favourite `{params:{temp:10}}`, which an Alink or OneJSON
 * platform drops); with a platform's rules, a payload to one of its standard topics that lacks the envelope says
 * which keys are missing, and one whose inside has the wrong shape (OneNET's `params.temp` a bare number where
 * OneJSON needs {"value":…}) names the path and what the platform needs. The JSON check is one forward pass over
 * the bytes with an explicit stack, so a deeply nested or huge payload costs linear time and no recursion.
 * Grammar: RFC 8259 §2–§7.
 */
import { Buffer } from 'node:buffer';
import type { PublishPacket } from '../mqtt/types.js';
import { termSafe } from '../terminal-text.js';
import type { Problem } from './diagnose.js';
import { shapeProblems } from './payload-shape.js';

/** What the scanner wanted where it stopped; each kind is its own catalogue sentence (payload.json.<kind>). */
type JsonErrorKind = 'value' | 'name' | 'colon' | 'object-next' | 'array-next' | 'string-end' | 'escape' | 'number' | 'end';

interface JsonError {
  /** Byte offset in the payload. */
  readonly offset: number;
  readonly kind: JsonErrorKind;
  /** 1-based line and byte column, for payloads pasted over several lines. */
  readonly line: number;
  readonly column: number;
}

/**
 * A platform's envelope on some of its topics (structural: src/platforms supplies the rows, the edge passes them).
 * `topic` is a RegExp source matched against the whole topic name.
 */
interface EnvelopeRule {
  readonly topic: string;
  /** The envelope's name as the platform's docs call it: Alink, OneJSON, … */
  readonly envelope: string;
  /** Top-level keys the payload must have. */
  readonly required: readonly string[];
  /** A minimal valid payload, for the hint. */
  readonly example: string;
  /** Checks on the envelope's inside (payload-shape.ts). */
  readonly inner?: Parameters<typeof shapeProblems>[1];
}

/**
 * The inside of an envelope is checked only up to this size (JSON.parse builds the whole value): the payloads the
 * rules are for are a few hundred bytes, and the platforms' own limits start at 32 KB (Baidu; Azure 256 KB).
 */
export const SHAPE_MAX = 64 * 1024;

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]); // " \ / b f n r t
/** 1 for the bytes a JSON string holds as they are: not a control byte, `"` or `\`. */
const PLAIN = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x20 && c !== 0x22 && c !== 0x5c ? 1 : 0));
const OBJ = 0x7b;
const ARR = 0x5b;

/**
 * Payloads in this size range are first given to JSON.parse, which accepts exactly the same grammar (ECMA-404 is
 * RFC 8259's) and checks a large payload several times faster than the scan below; the scan then runs only to find
 * where a payload that failed goes wrong. Small ones gain nothing; larger ones would make JSON.parse build a value
 * of unbounded size.
 */
const NATIVE_MIN = 1024;
const NATIVE_MAX = 1 << 20;

/**
 * JSON.parse of the bytes read as Latin-1: one character per byte, so bytes ≥ 0x80 (UTF-8 inside strings) are
 * characters ≥ U+0080, which both grammars allow in strings and refuse elsewhere, as the scan does.
 */
function parses(b: Uint8Array): boolean {
  try {
    JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'));
    return true;
  } catch {
    return false;
  }
}

/** The first JSON syntax error in `b`, or null when `b` is exactly one JSON value (blanks around it allowed). */
export function jsonError(b: Uint8Array): JsonError | null {
  const n = b.length;
  if (n >= NATIVE_MIN && n <= NATIVE_MAX && parses(b)) return null;
  const stack: number[] = [];
  let i = 0;
  const ws = (): void => {
    while (i < n && SPACE.has(b[i]!)) i++;
  };
  const at = (offset: number, kind: JsonErrorKind): JsonError => position(b, offset, kind);
  const digits = (): number => {
    const start = i;
    while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    return i - start;
  };
  // Each helper returns an error or null after moving i past what it read.
  const string = (): JsonError | null => {
    // The position lives in a local while scanning: `i` is shared with the other helpers, and a closure's variable
    // costs a memory write per byte (this loop is most of a large payload's lint).
    let k = i + 1; // after the opening quote
    for (;;) {
      while (k < n && PLAIN[b[k]!] === 1) k++;
      i = k;
      if (k >= n) return at(k, 'string-end');
      const c = b[k]!;
      if (c === 0x22) {
        i = k + 1;
        return null;
      }
      if (c < 0x20) return at(k, 'string-end');
      // A backslash.
      const e = b[k + 1];
      if (e === 0x75) {
        for (let h = 2; h < 6; h++) if (!isHex(b[k + h])) return at(k, 'escape');
        k += 6;
      } else if (e !== undefined && ESCAPES.has(e)) {
        k += 2;
      } else {
        return at(k, 'escape');
      }
    }
  };
  const number = (): JsonError | null => {
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (digits() === 0) return at(i, 'number');
    if (b[i] === 0x2e) {
      i++;
      if (digits() === 0) return at(i, 'number');
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (digits() === 0) return at(i, 'number');
    }
    return null;
  };
  const literal = (word: string): JsonError | null => {
    for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return at(i, 'value');
    i += word.length;
    return null;
  };

  let state: 'value' | 'name' | 'after' = 'value';
  for (;;) {
    ws();
    if (state === 'value') {
      const c = b[i];
      let error: JsonError | null = null;
      if (c === OBJ || c === ARR) {
        i++;
        ws();
        if (b[i] === (c === OBJ ? 0x7d : 0x5d)) {
          i++;
          state = 'after';
        } else {
          stack.push(c);
          state = c === OBJ ? 'name' : 'value';
        }
        continue;
      }
      if (c === 0x22) error = string();
      else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) error = number();
      else if (c === 0x74) error = literal('true');
      else if (c === 0x66) error = literal('false');
      else if (c === 0x6e) error = literal('null');
      else return at(i, 'value');
      if (error) return error;
      state = 'after';
    } else if (state === 'name') {
      if (b[i] !== 0x22) return at(i, 'name');
      const error = string();
      if (error) return error;
      ws();
      if (b[i] !== 0x3a) return at(i, 'colon');
      i++;
      state = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return i === n ? null : at(i, 'end');
      const c = b[i];
      if (c === 0x2c) {
        i++;
        state = top === OBJ ? 'name' : 'value';
      } else if (c === (top === OBJ ? 0x7d : 0x5d)) {
        i++;
        stack.pop();
      } else {
        return at(i, top === OBJ ? 'object-next' : 'array-next');
      }
    }
  }
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

function position(b: Uint8Array, offset: number, kind: JsonErrorKind): JsonError {
  let line = 1;
  let start = 0;
  for (let k = 0; k < offset; k++) {
    if (b[k] === 0x0a) {
      line++;
      start = k + 1;
    }
  }
  return { offset, kind, line, column: offset - start + 1 };
}

/** The first non-blank byte, or undefined for an empty or all-blank payload. */
function firstByte(b: Uint8Array): number | undefined {
  for (const c of b) if (!SPACE.has(c)) return c;
  return undefined;
}

/** What is at `offset`, shown safely: a few characters as a JSON string. */
function foundAt(b: Uint8Array, offset: number): string {
  const text = new TextDecoder().decode(b.subarray(offset, Math.min(b.length, offset + 12)));
  return termSafe(JSON.stringify(text.slice(0, 8)), 40);
}

const patterns = new Map<string, RegExp>();

/** Rules are few and fixed: each pattern is compiled once, not once per packet. */
function topicPattern(source: string): RegExp {
  let re = patterns.get(source);
  if (re === undefined) {
    re = new RegExp(`^(?:${source})$`);
    patterns.set(source, re);
  }
  return re;
}

/** The problems of one PUBLISH's payload; `rules` are the platform's envelopes, when one was named. */
export function lintPayload(packet: PublishPacket, rules: readonly EnvelopeRule[] = [], platform = ''): Problem[] {
  const payload = typeof packet.payload === 'string' ? new TextEncoder().encode(packet.payload) : packet.payload;
  const first = firstByte(payload);
  const looksJson = first === OBJ || first === ARR;
  if (looksJson) {
    const error = jsonError(payload);
    if (error) {
      const where = { offset: error.offset, line: error.line, column: error.column };
      if (error.offset >= payload.length) return [{ code: 'payload.json.eof', params: where }];
      return [{ code: `payload.json.${error.kind}`, params: { ...where, found: foundAt(payload, error.offset) } }];
    }
  }
  const rule = rules.find((r) => topicPattern(r.topic).test(packet.topic));
  if (!rule) return [];
  const params = { platform, envelope: rule.envelope, topic: termSafe(packet.topic, 120), example: rule.example };
  if (first !== OBJ) return [{ code: 'payload.envelope.not-object', params }];
  const value = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  const missing = rule.required.filter((key) => !Object.hasOwn(value, key));
  if (missing.length > 0) return [{ code: 'payload.envelope.missing', params: { ...params, missing: missing.join(', ') } }];
  if (rule.inner === undefined || payload.length > SHAPE_MAX) return [];
  return shapeProblems(value, rule.inner, { platform, envelope: rule.envelope });
}
