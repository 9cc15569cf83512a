/**
 * A secret as typed or pasted: the characters that sign a wrong password without anyone noticing. A trailing
 * space or CR from a copy, a LF inside from a file, a tab, a no-break or full-width character that looks like
 * ASCII, bytes that were not UTF-8 (decoded as U+FFFD). Like ssh and gh, we refuse rather than sign silently;
 * the problem names the position and the kind of character, never the value.
 */

export type SecretCharKind = 'space' | 'tab' | 'cr' | 'lf' | 'control' | 'invalid-utf8' | 'unicode-space' | 'invisible' | 'fullwidth' | 'non-ascii';

export interface SecretProblem {
  /** 1-based character (code point) position. */
  readonly position: number;
  /** Characters in the whole value, so "9 of 9" says "the last one". */
  readonly length: number;
  readonly kind: SecretCharKind;
  /** Where: a space only counts at either end; the rest anywhere. */
  readonly where: 'leading' | 'trailing' | 'inside';
}

/** Unicode spaces that render like ASCII space (Zs other than U+0020). */
// Made on first use (a non-ASCII character): building a Unicode class costs ~0.1 ms.
let unicodeSpace: RegExp | undefined;
/** Zero-width and other invisible format characters. */
let invisible: RegExp | undefined;

function kindOf(ch: string): SecretCharKind | undefined {
  const cp = ch.codePointAt(0)!;
  if (ch === '\t') return 'tab';
  if (ch === '\r') return 'cr';
  if (ch === '\n') return 'lf';
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return 'control';
  if (cp < 0x80) return undefined;
  if (cp === 0xfffd) return 'invalid-utf8';
  if ((unicodeSpace ??= /\p{Zs}/u).test(ch)) return 'unicode-space';
  if ((invisible ??= /[\p{Cf}\u2028\u2029]/u).test(ch) || (cp >= 0xd800 && cp <= 0xdfff)) return 'invisible';
  if (cp >= 0xff01 && cp <= 0xff5e) return 'fullwidth';
  return 'non-ascii';
}

/** The first problem in `value`, or undefined when it is plain printable ASCII with no space at either end. */
export function secretProblem(value: string): SecretProblem | undefined {
  const chars = Array.from(value);
  const length = chars.length;
  for (let i = 0; i < length; i++) {
    const ch = chars[i]!;
    const edge = i === 0 ? 'leading' : i === length - 1 ? 'trailing' : 'inside';
    if (ch === ' ') {
      if (edge !== 'inside') return { position: i + 1, length, kind: 'space', where: edge };
      continue;
    }
    const kind = kindOf(ch);
    if (kind) return { position: i + 1, length, kind, where: edge };
  }
  return undefined;
}

/** Bytes read for a secret (stdin, the prompt) as text; undecodable bytes become U+FFFD, which secretProblem names. */
export function decodeSecret(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
}
