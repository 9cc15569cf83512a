/**
 * Bytes written as source code, read as a stream of tokens across lines: C/Arduino arrays (`{0x10, 16, 'M'}`),
 * C string literals (`"\x10\x0c" "MQTT"`: adjacent literals concatenate), Python `b'…'`, `bytes([…])`,
 * `bytes.fromhex('…')`, JavaScript `Buffer.from([…])`, `Uint8Array.of(…)`, `new Uint8Array([…])`.
 * Numbers count only inside an initialiser (`= {…}`, or a bare `{…}`), a list (`[…]` not after a name, which is a size or an index)
 * or `.of(…)`; a name there is an error rather than a silently missing byte. Comments and `#` lines are skipped.
 * One character at a time, no regex over the text: linear on any input, and the nesting is a counter list, not recursion.
 */
import { UsageError } from '../errors.js';
import { ByteBuf, clip, hexDigit, plainBytes } from './text-bytes.js';

/** Whether a line (outside a dump or a log) is source code rather than bare bytes. */
export function looksLikeCode(s: string): boolean {
  const t = s.trimStart();
  return (
    t.includes('{') ||
    t.startsWith('/*') ||
    t.startsWith('[') ||
    /(?:^|[^A-Za-z0-9_])[bB][rR]?['"]/.test(t) ||
    /\b(?:bytes|bytearray|Uint8Array|Buffer|fromhex)\b/.test(t) ||
    /["'][^"']{0,8}\\[x0-7]/.test(t) ||
    /=\s*\[/.test(t)
  );
}

const ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11, e: 27, '?': 63 };
const KEYWORD_BEFORE_LIST = new Set(['return', 'in', 'of', 'yield', 'await']);

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
const isIdentChar = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

export class CodeReader {
  #comment = false;
  /** One entry per open bracket: whether numbers inside it are bytes. */
  #stack: boolean[] = [];
  /** The previous significant token: a name, a punctuation character, '#value', '#string' or '' at the start. */
  #prev = '';
  #prevName = '';

  /** Reads one line; its bytes go to `out`. */
  line(s: string, line: number, out: ByteBuf): void {
    const n = s.length;
    let i = 0;
    if (!this.#comment && s.trimStart().startsWith('#')) return;
    while (i < n) {
      if (this.#comment) {
        const end = s.indexOf('*/', i);
        if (end === -1) return;
        this.#comment = false;
        i = end + 2;
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13 || c === 0x3000 || c === 0xa0) {
        i++;
        continue;
      }
      if (c === 47 && s.charCodeAt(i + 1) === 42) {
        this.#comment = true;
        i += 2;
        continue;
      }
      if ((c === 47 && s.charCodeAt(i + 1) === 47) || c === 35) return;
      if (c === 34 || c === 39) {
        i = this.#literal(s, i, '', line, out);
        continue;
      }
      if (isIdentStart(c)) {
        const a = i;
        while (i < n && isIdentChar(s.charCodeAt(i))) i++;
        const name = s.slice(a, i);
        const q = s.charCodeAt(i);
        if ((q === 34 || q === 39) && /^(?:[bB][rR]?|[rR][bB])$/.test(name)) {
          i = this.#literal(s, i, name.toLowerCase(), line, out);
          continue;
        }
        if (this.#inData() && !KEYWORD_BEFORE_LIST.has(name)) throw new UsageError('capture.input.token', { token: clip(name), line });
        this.#prevName = this.#prev;
        this.#prev = name;
        continue;
      }
      if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
        const a = i;
        while (i < n && (isIdentChar(s.charCodeAt(i)) || s.charCodeAt(i) === 46)) i++;
        if (this.#inData()) out.push(number(s, a, i, line));
        this.#prev = '#value';
        continue;
      }
      if (c === 45 && this.#inData() && isDigit(s.charCodeAt(i + 1))) {
        let b = i + 1;
        while (b < n && isIdentChar(s.charCodeAt(b))) b++;
        throw new UsageError('capture.input.token', { token: clip(s.slice(i, b)), line });
      }
      const ch = s[i]!;
      if (ch === '{') this.#stack.push(this.#initialiserStarts());
      else if (ch === '[') this.#stack.push(this.#listStarts());
      else if (ch === '(') this.#stack.push(this.#prev === 'of' && this.#prevName === '.');
      else if (ch === '}' || ch === ']' || ch === ')') this.#stack.pop();
      if (ch === '(' && this.#prev === 'fromhex') this.#prevName = 'fromhex';
      else this.#prevName = this.#prev;
      this.#prev = ch;
      i++;
    }
  }

  #inData(): boolean {
    return this.#stack.length > 0 && this.#stack[this.#stack.length - 1]!;
  }

  /**
   * `{` opens an initialiser after `=`, `,`, another opening bracket or at the start (a bare pasted `{16, 12}`);
   * after `)` or a name it is a function body or a struct, whose numbers are code, not bytes (the Arduino helper
   * beside the arrays in our own `arduino` output).
   */
  #initialiserStarts(): boolean {
    const p = this.#prev;
    return p === '' || p === '=' || p === ',' || p === '{' || p === '(' || p === '[';
  }

  /** `[` opens a list unless it follows a name, a value or a closing bracket (then it is a size or an index). */
  #listStarts(): boolean {
    const p = this.#prev;
    if (p === '' || KEYWORD_BEFORE_LIST.has(p)) return true;
    if (p === '#value' || p === '#string' || p === ')' || p === ']' || p === '}') return false;
    return !isIdentChar(p.charCodeAt(0));
  }

  /**
   * A quoted literal at s[at]. Counted as bytes: a bytes literal (b'…'), a string right after another counted one
   * (C concatenation), a string with a byte escape (`"\x10…"`), a one-character literal in an initializer ('M'), or
   * the argument of fromhex (read as hex). Other strings (a printf format, a comment-like label) are skipped.
   */
  #literal(s: string, at: number, prefix: string, line: number, out: ByteBuf): number {
    const quote = s.charCodeAt(at);
    const rawString = prefix.includes('r');
    const bytes = new ByteBuf();
    let escaped = false;
    let i = at + 1;
    const n = s.length;
    for (;;) {
      if (i >= n) throw new UsageError('capture.input.token', { token: clip(s.slice(at)), line });
      const c = s.charCodeAt(i);
      if (c === quote) break;
      if (c !== 92 || rawString) {
        if (c > 127 && prefix.includes('b')) throw new UsageError('capture.input.token', { token: s[i]!, line });
        if (c < 128) bytes.push(c);
        else bytes.append(new TextEncoder().encode(s.slice(i, i + (c >= 0xd800 && c < 0xdc00 ? 2 : 1))));
        i += c >= 0xd800 && c < 0xdc00 ? 2 : 1;
        continue;
      }
      const e = s[i + 1] ?? '';
      if (e === 'x') {
        const h1 = hexDigit(s.charCodeAt(i + 2));
        const h2 = hexDigit(s.charCodeAt(i + 3));
        if (h1 < 0) throw new UsageError('capture.input.token', { token: clip(s.slice(i, i + 4)), line });
        bytes.push(h2 < 0 ? h1 : h1 * 16 + h2);
        i += h2 < 0 ? 3 : 4;
        escaped = true;
      } else if (e >= '0' && e <= '7') {
        let v = 0;
        let k = i + 1;
        while (k < i + 4 && s[k]! >= '0' && s[k]! <= '7') v = v * 8 + (s.charCodeAt(k++) - 48);
        bytes.push(v & 0xff);
        i = k;
        escaped = true;
      } else if (e in ESCAPES) {
        bytes.push(ESCAPES[e]!);
        i += 2;
      } else {
        // An escape these languages do not define is kept as written (Python's rule).
        bytes.push(92);
        i += 1;
      }
    }
    const value = bytes.take();
    const inData = this.#inData();
    const charLiteral = quote === 39 && prefix === '' && value.length === 1 && (inData || this.#prev === '#value');
    let counted = prefix.includes('b') || this.#prev === '#string' || escaped || charLiteral;
    if (this.#prevName === 'fromhex' && this.#prev === '(') {
      const hex = plainBytes(new TextDecoder().decode(value), line);
      if (hex) out.append(hex);
      counted = false;
    } else if (counted) out.append(value);
    this.#prevName = this.#prev;
    this.#prev = counted && !charLiteral ? '#string' : '#value';
    return i + 1;
  }
}

/**
 * A C/Python/JS integer literal s[a..b) that must be a byte: 0x10, 0X1Fu, 0b1010, 16, 016 (taken as decimal, as people
 * mean it). Read by char codes: no slice or regex per number, so a 10 MB array makes no garbage.
 */
function number(s: string, a: number, b: number, line: number): number {
  let end = b;
  while (end > a + 1 && /[uUlL]/.test(s[end - 1]!)) end--;
  let radix = 10;
  let i = a;
  const x = s.charCodeAt(a + 1) | 32;
  if (s.charCodeAt(a) === 48 && end - a > 2 && (x === 120 || x === 98)) {
    radix = x === 120 ? 16 : 2;
    i = a + 2;
  }
  let v = 0;
  for (; i < end && v <= 255; i++) {
    const d = hexDigit(s.charCodeAt(i));
    if (d < 0 || d >= radix) break;
    v = v * radix + d;
  }
  if (i !== end || v > 255 || end - a > 12) throw new UsageError('capture.input.token', { token: clip(s.slice(a, b)), line });
  return v;
}
