/**
 * A secret as typed or pasted: the characters that sign a wrong password without anyone noticing. A trailing
 * space or CR from a copy, a LF inside from a file, a tab, a no-break or full-width character that looks like
 * ASCII, bytes that were not UTF-8 (decoded as U+FFFD). Like ssh and gh, we refuse rather than sign silently;
 * the problem names the position and the kind of character, never the value.
 */

type SecretCharKind = 'space' | 'tab' | 'cr' | 'lf' | 'control' | 'invalid-utf8' | 'unicode-space' | 'invisible' | 'fullwidth' | 'lookalike' | 'non-ascii';

interface SecretProblem {
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

/**
 * Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables for a–z, A–Z): a secret with one was
 * almost surely typed on the wrong keyboard layout or pasted from a look-alike, never meant.
 */
const LOOKALIKES = 'аеорсухіјѕԁԛԝһӏАВЕЅІЈКМНОРСТХУԚԜ' + 'αβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ';

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
  if (LOOKALIKES.includes(ch)) return 'lookalike';
  return 'non-ascii';
}

/**
 * A kind that may be meant: a secret in another script (Huawei's is "arbitrary UTF-8", PLATFORMS.md §4) is used as
 * its UTF-8 bytes with a warning; the look-alikes (full-width, Unicode spaces, invisible characters) stay refused.
 */
export const isSoft = (kind: SecretCharKind): boolean => kind === 'non-ascii';

/**
 * The first problem in `value`, or undefined when it is plain printable ASCII with no space at either end. A soft one
 * (isSoft) only when there is no other: a trailing space after a Chinese character is still the problem to report.
 */
export function secretProblem(value: string): SecretProblem | undefined {
  const chars = Array.from(value);
  const length = chars.length;
  let soft: SecretProblem | undefined;
  for (let i = 0; i < length; i++) {
    const ch = chars[i]!;
    const edge = i === 0 ? 'leading' : i === length - 1 ? 'trailing' : 'inside';
    if (ch === ' ') {
      if (edge !== 'inside') return { position: i + 1, length, kind: 'space', where: edge };
      continue;
    }
    const kind = kindOf(ch);
    if (kind && isSoft(kind)) soft ??= { position: i + 1, length, kind, where: edge };
    else if (kind) return { position: i + 1, length, kind, where: edge };
  }
  return soft;
}

/** Bytes read for a secret (stdin, the prompt) as text; undecodable bytes become U+FFFD, which secretProblem names. */
export function decodeSecret(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
}
