/**
 * How a quoted string parameter is written in each modem's AT command set, both ways: the generators escape
 * with it and `verify` unescapes a pasted command with it, so the two can never disagree.
 *
 * - ESP-AT: `\\`, `\,` and `\"` escape a backslash, a comma and a quote; `\<any>` drops the backslash. Data typed
 *   after a `>` prompt is never escaped. (ESP-AT "Basic AT Commands", notes on escape character syntax:
 *   https://docs.espressif.com/projects/esp-at/en/latest/esp32/AT_Command_Set/Basic_AT_Commands.html)
 * - Quectel and SIMCom: a quoted parameter ends at the next `"`; there is no escape, so a value holding `"`
 *   cannot be written (a comma inside the quotes is fine). CR and LF end the command line in every dialect.
 */

import { UsageError } from '../errors.js';

export type Quoting = 'esp' | 'plain';

/**
 * Characters no command line can carry: C0 controls (CR/LF end the line), DEL, C1 controls, and the invisible
 * format characters (bidi overrides, zero-width) that would also make the printed script lie about its bytes.
 */
export const UNTYPEABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/** The first character that cannot be written inside a quoted parameter, or undefined when all can. */
export function unquotable(value: string, quoting: Quoting): { index: number; char: string } | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (UNTYPEABLE.test(c) || (quoting === 'plain' && c === '"')) return { index: i, char: c };
  }
  return undefined;
}

/** `value` as a quoted parameter: `"…"`, escaped as the dialect requires. The caller checks unquotable() first. */
export function quote(value: string, quoting: Quoting): string {
  return quoting === 'esp' ? `"${value.replace(/[\\,"]/g, (c) => `\\${c}`)}"` : `"${value}"`;
}

/** Why a command's parameters cannot be read as the modem would: see readParams. */
export type ParamProblem = 'unescaped' | 'unclosed' | 'quote' | 'cut';

/**
 * Splits the parameters of an AT command (the text after `=`) as the modem reads them, or undefined when
 * readParams finds a problem.
 */
export function splitParams(text: string, quoting: Quoting): { value: string; quoted: boolean }[] | undefined {
  const r = readParams(text, quoting);
  return typeof r === 'string' ? undefined : r;
}

const blank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * The parameters of an AT command (the text after `=`) as the modem reads them: quoted strings lose their quotes
 * and escapes, anything else is trimmed; spaces and tabs around a parameter (a capture's trailing tab) are not part
 * of it. Or what makes the line unreadable: 'unclosed' a quote never closed on the line (a command wrapped onto
 * the next one), 'cut' the line ends with a comma (the rest is missing), 'unescaped' (ESP-AT) a comma or quote
 * inside a quoted string not escaped, which the firmware takes for a separator or the end, 'quote' (Quectel,
 * SIMCom) text after a closing quote: a double quote inside a value, which these modems cannot carry.
 */
export function readParams(text: string, quoting: Quoting): { value: string; quoted: boolean }[] | ParamProblem {
  const out: { value: string; quoted: boolean }[] = [];
  let i = 0;
  for (;;) {
    while (blank(text[i])) i++;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) return 'unclosed';
        const c = text[i]!;
        if (quoting === 'esp' && c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (c === '"') break;
        // ESP-AT splits parameters at every unescaped comma, quotes or not: such a line does not say what it seems to.
        if (quoting === 'esp' && c === ',') return 'unescaped';
        value += c;
        i++;
      }
      i++;
      out.push({ value, quoted: true });
      while (blank(text[i])) i++;
    } else {
      const end = nextComma(text, i);
      out.push({ value: text.slice(i, end).trim(), quoted: false });
      i = end;
    }
    if (i >= text.length) return out;
    if (text[i] !== ',') return quoting === 'esp' ? 'unescaped' : 'quote';
    i++;
    while (blank(text[i])) i++;
    if (i >= text.length) return 'cut';
  }
}

function nextComma(text: string, from: number): number {
  const at = text.indexOf(',', from);
  return at < 0 ? text.length : at;
}

/** A quoted parameter for `modem`, or a usage error naming the field and the first character it cannot carry. */
export function param(modem: string, quoting: Quoting, value: string, field: string, option: string): string {
  const bad = unquotable(value, quoting);
  if (bad) {
    const code = bad.char.charCodeAt(0);
    const char = bad.char === '"' ? '"' : code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    throw new UsageError('modem.char', { modem, field, option, index: [...value.slice(0, bad.index)].length + 1, char });
  }
  return quote(value, quoting);
}
