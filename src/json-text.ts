/**
 * JSON for a terminal: exactly what JSON.stringify writes, except that the characters a terminal acts on or that
 * reorder or hide text are written as \uXXXX escapes instead of raw. JSON.stringify escapes only C0 controls, `"`,
 * `\` and lone surrogates; it leaves DEL and the C1 controls (U+0080–U+009F: U+009B is a one-byte CSI), format
 * characters (Cf: bidi overrides and isolates U+202A–U+202E and U+2066–U+2069, zero-width U+200B–U+200F, U+FEFF,
 * tag characters …) and U+2028/U+2029 raw, so `decode --format json` of a topic holding them would drive the terminal.
 * The escapes are plain JSON: JSON.parse gives back exactly the same values. The same classes as termSafe
 * (src/terminal-text.ts), which shows them escaped in text output.
 */

/** The characters escaped here beyond JSON.stringify's own: DEL, C1, Cf, Zl, Zp (lone surrogates it escapes itself). */
const UNSAFE_SOURCE = '[\\u007f-\\u009f\\p{Cf}\\p{Zl}\\p{Zp}]';
// Made on first use: building the Unicode classes costs ~0.1 ms, and most JSON (printable ASCII) never needs them.
let unsafe: RegExp | undefined;
let unsafeAll: RegExp | undefined;
const UNSAFE = (): RegExp => (unsafe ??= new RegExp(UNSAFE_SOURCE, 'u'));
const UNSAFE_ALL = (): RegExp => (unsafeAll ??= new RegExp(UNSAFE_SOURCE, 'gu'));

/**
 * Printable ASCII, and the line feeds and spaces of JSON's layout (a string's own controls are escaped, so any raw one
 * is layout): none of the classes above. Pretty-printed JSON then never builds the Unicode classes (~0.1 ms a run).
 */
function printableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) || c >= 0x7f) return false;
  }
  return true;
}

/** A character as \uXXXX escapes: one per UTF-16 unit, so an astral one is its surrogate pair (JSON has no \u{…}). */
function escapeUnits(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** Whether `text` holds a character jsonSafe would escape (C0 aside: JSON.stringify escapes those). */
export function hasJsonUnsafe(text: string): boolean {
  return !printableAscii(text) && UNSAFE().test(text);
}

/**
 * JSON text (JSON.stringify's output) with those characters escaped. They can only be inside string literals (JSON's
 * own punctuation and whitespace are none of them), where an escape means the same character. One native pass.
 */
function jsonSafe(json: string): string {
  return hasJsonUnsafe(json) ? json.replace(UNSAFE_ALL(), escapeUnits) : json;
}

/** JSON.stringify(value, null, space), safe to print: what every command's JSON output should go through. */
export function toJson(value: unknown, space?: number): string {
  return jsonSafe(JSON.stringify(value, null, space));
}

/** A string as a JSON string literal, safe to print. */
export function jsonQuote(text: string): string {
  return jsonSafe(JSON.stringify(text));
}
