/**
 * Text from outside (flags, file names, topics, payloads, certificate subjects, server banners) as it may reach a
 * terminal: data, never terminal control. Every character a terminal could act on or that changes how the rest
 * of the line reads is shown escaped instead:
 *   C0 controls, DEL and C1 controls (Cc: ESC starts colour/title sequences, U+009B is a one-byte CSI) → \x1b, \x9b
 *     (tab, line feed and carriage return as \t, \n, \r);
 *   format characters (Cf: bidi overrides and isolates U+202A–U+202E, U+2066–U+2069, zero-width U+200B–U+200F,
 *     U+FEFF, soft hyphen, tag characters …), line and paragraph separators (Zl, Zp) and lone surrogates (Cs)
 *     → \u202e, \u{e0001}.
 * A value longer than `max` characters (after escaping) is cut and ends with `…(N bytes)`, N its UTF-8 length,
 * so a 130 KB value cannot become a 130 KB error line. Linear in the input; a cut value costs only its head
 * and a byte count.
 * JSON output does not use this (it must keep exact values): it goes through src/json-text.ts, which writes the same
 * classes as \uXXXX escapes, since JSON.stringify's own escaping stops at C0 controls and leaves C1, Cf, U+2028 and
 * U+2029 raw.
 * Model: git's core.quotePath, ls --quoting-style=escape (shown, not interpreted); Unicode general categories
 * from https://www.unicode.org/reports/tr44/#General_Category_Values, bidi risk from https://trojansource.codes/.
 */

/** Characters a terminal acts on or that reorder or hide text. Cs matches only lone surrogates with the u flag. */
const UNSAFE_SOURCE = '[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}]';
// Made on first use: building the Unicode classes costs ~0.1 ms a regex, and most text never needs them (below).
let unsafe: RegExp | undefined;
let unsafeAll: RegExp | undefined;
const UNSAFE = (): RegExp => (unsafe ??= new RegExp(UNSAFE_SOURCE, 'u'));
const UNSAFE_ALL = (): RegExp => (unsafeAll ??= new RegExp(UNSAFE_SOURCE, 'gu'));
// Printable ASCII holds none of those classes; most text is that, and is passed without building them.
function printableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}
const SHORT: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Default length for a value inside a sentence: long enough for any real name, host or token. */
export const TERM_MAX = 200;
/** Default length for a whole line (an error with its hint, a warning): several values and the sentence around them. */
export const TERM_LINE_MAX = 1000;

/** One character (a code point, or a lone surrogate) as the terminal will show it. */
function escapeChar(ch: string): string {
  if (!UNSAFE().test(ch)) return ch;
  const short = SHORT[ch];
  if (short) return short;
  const cp = ch.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

/** UTF-8 length of `text` (a lone surrogate counts as the 3 bytes of the U+FFFD that would replace it). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * `text` safe to print on a terminal, cut to about `max` characters (Infinity: never cut, for values the user
 * must see whole, such as a derived password). Idempotent on its own output when nothing is cut.
 */
export function termSafe(text: string, max: number = TERM_MAX): string {
  if (text.length <= max && (printableAscii(text) || !UNSAFE().test(text))) return text;
  // Whole: one native pass. Cut: every character shows as at least one, so at most max + 1 are looked at.
  if (max === Infinity) return text.replace(UNSAFE_ALL(), escapeChar);
  let out = '';
  for (const ch of text) {
    const shown = escapeChar(ch);
    if (out.length + shown.length > max) return `${out}…(${utf8Length(text)} bytes)`;
    out += shown;
  }
  return out;
}

/**
 * Message parameters whose values are the tool's own words, never the user's or the network's: an option's name, a
 * modem, format or platform name, a rule, the allowed values. Escaped like any value, but cut only at a whole line's
 * length (a list of 40 modem names is longer than TERM_MAX and must be read whole), and never masked as a secret
 * (src/cli/secrets.ts).
 */
export const TOOL_WORDS: ReadonlySet<string> = new Set(['option', 'other', 'modem', 'command', 'rule', 'allowed', 'platform', 'format', 'formats', 'dialects', 'modules', 'field', 'kind', 'flag', 'env']);

/** Every string value of `params` through termSafe; numbers and the rest as they are. */
export function termSafeParams<T extends Readonly<Record<string, unknown>>>(params: T, max: number = TERM_MAX): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) out[key] = typeof value === 'string' ? termSafe(value, TOOL_WORDS.has(key) ? Math.max(max, TERM_LINE_MAX) : max) : value;
  return out as T;
}
