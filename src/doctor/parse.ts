/**
 * mosquitto.conf text → directives. Mirrors mosquitto 2.0's reader (src/conf.c config__read_file_core): a line whose
 * first non-blank character is `#` is a comment, the option is the first word, and a string value is the rest of the
 * line with trailing blanks removed. Lines that mosquitto would refuse become problems, never exceptions.
 */
import { optionSpec, type OptionSpec } from './options.js';
import type { Finding } from './types.js';

export interface Directive {
  readonly file: string;
  /** 1-based line number in `file`. */
  readonly line: number;
  readonly option: string;
  readonly spec: OptionSpec;
  /** The value as mosquitto reads a string option: the rest of the line, trimmed. */
  readonly value: string;
  /** The value split on blanks (for `listener <port> [bind]`, `log_dest`, …). */
  readonly args: readonly string[];
}

export interface ParsedFile {
  readonly file: string;
  readonly directives: readonly Directive[];
  /** At most KEPT_PER_CODE problems of each code; the rest are only counted in `omitted`. */
  readonly problems: readonly Finding[];
  /** How many problems of each code were counted but not kept. */
  readonly omitted: Readonly<Record<string, number>>;
}

/**
 * Findings of one code kept in a report (per file while parsing, then overall); the rest become one "and N more"
 * line, so 250,000 bad lines cost a count, not 250,000 objects and 500,000 output lines.
 */
export const KEPT_PER_CODE = 20;

const BLANK = /[ \t]+/;

export function parseConfig(text: string, file: string): ParsedFile {
  const directives: Directive[] = [];
  const problems: Finding[] = [];
  const kept = new Map<string, number>();
  const omitted: Record<string, number> = {};
  const problem = (f: Finding): void => {
    const n = (kept.get(f.code) ?? 0) + 1;
    kept.set(f.code, n);
    if (n <= KEPT_PER_CODE) problems.push(f);
    else omitted[f.code] = (omitted[f.code] ?? 0) + 1;
  };
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    const end = text.indexOf('\n', start);
    const raw = text.slice(start, end < 0 ? text.length : end);
    start = end < 0 ? text.length + 1 : end + 1;
    // Trimmed by hand at the end: /[ \t\r]+$/ is quadratic on a long inner run of blanks (a 1 MiB line: minutes).
    let endAt = raw.length;
    for (let c = raw.charCodeAt(endAt - 1); endAt > 0 && (c === 0x20 || c === 0x09 || c === 0x0d); c = raw.charCodeAt(endAt - 1)) endAt--;
    const body = raw.slice(0, endAt).replace(/^[ \t]+/, '');
    if (body === '' || body.startsWith('#')) continue;
    const cut = body.search(BLANK);
    const option = cut < 0 ? body : body.slice(0, cut);
    const value = cut < 0 ? '' : body.slice(cut).replace(/^[ \t]+/, '');
    const spec = optionSpec(option);
    const at = { file, line };
    // No option has a ":" in its name; user:hash or identity:key is a password_file or psk_file line (the file given in
    // place of mosquitto.conf), whose hash or key is named by its user alone, never quoted.
    const colon = option.indexOf(':');
    // An empty user too (":secret"): what follows the ":" is still not quoted.
    if (spec === undefined && colon >= 0) {
      problem({ code: 'option.credentials', severity: 'error', ...at, params: { user: option.slice(0, colon) } });
      continue;
    }
    if (spec === undefined) {
      problem({ code: 'option.unknown', severity: 'error', ...at, params: { option } });
      continue;
    }
    const bad = checkValue(option, spec, value);
    if (bad !== undefined) {
      problem({ code: bad.code, severity: 'error', ...at, params: { option, value, ...bad.params } });
      continue;
    }
    directives.push({ ...at, option, spec, value, args: value === '' ? [] : value.split(BLANK) });
  }
  return { file, directives, problems, omitted };
}

interface Problem {
  readonly code: string;
  readonly params?: Finding['params'];
}

/** mosquitto stops with "Empty <option> value", "Invalid <option> value" or a boolean it cannot read. */
function checkValue(option: string, spec: OptionSpec, value: string): Problem | undefined {
  if (value === '') return { code: 'option.empty' };
  if (spec.kind === 'bool' && value !== 'true' && value !== 'false') return { code: 'option.bool' };
  if (spec.kind === 'int' && !/^-?\d{1,10}$/.test(value)) return { code: 'option.int' };
  if (option === 'listener' || option === 'port') {
    const port = Number(value.split(BLANK)[0]);
    if (!/^\d{1,5}$/.test(value.split(BLANK)[0]!) || port > 65535) return { code: 'option.port' };
  }
  if (spec.values !== undefined) {
    // bridge_protocol_version is compared whole; the others by their first word, the only one mosquitto reads.
    const word = spec.kind === 'int' ? String(Number(value)) : option === 'bridge_protocol_version' ? value : value.split(BLANK)[0]!;
    if (!spec.values.includes(word)) return { code: 'option.enum', params: { value: word, allowed: spec.values.join(', ') } };
  }
  // topic <pattern> [in|out|both …]: the direction is read without regard to case.
  if (option === 'topic') {
    const direction = value.split(BLANK)[1];
    if (direction !== undefined && !/^(in|out|both)$/i.test(direction)) return { code: 'option.enum', params: { option: 'topic direction', value: direction, allowed: 'out, in, both' } };
  }
  return undefined;
}

/**
 * mosquitto's include_dir order: case-sensitive alphabetical, with the upper case of each letter before its lower
 * case (A.conf, a.conf, B.conf, b.conf), per mosquitto.conf(5) "Load Order for include_dir".
 */
export function includeOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const fx = x.toLowerCase();
    const fy = y.toLowerCase();
    if (fx !== fy) return fx < fy ? -1 : 1;
    return x < y ? -1 : 1; // same letter: upper case (smaller code) first
  }
  return a.length - b.length;
}
