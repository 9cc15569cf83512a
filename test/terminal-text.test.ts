// termSafe: what a terminal receives from any text a user or a network supplied. Table rows for the escapes and
// the cut; properties over arbitrary strings (full Unicode, lone surrogates, controls) for "nothing unsafe ever
// passes", "safe text passes unchanged", "escapes are idempotent", and the cut's bound and byte count.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TERM_LINE_MAX, TERM_MAX, termSafe, termSafeParams } from '../src/terminal-text.js';

describe('escapes', () => {
  test.each([
    ['plain', 'sensor01', 'sensor01'],
    ['ESC sequence that would retitle the terminal', '\x1b]0;pwned\x07dev', '\\x1b]0;pwned\\x07dev'],
    ['colour', 'a\x1b[31mred', 'a\\x1b[31mred'],
    ['NUL', 'a\x00b', 'a\\x00b'],
    ['tab, LF, CR', 'a\tb\nc\rd', 'a\\tb\\nc\\rd'],
    ['DEL', 'a\x7fb', 'a\\x7fb'],
    ['C1 CSI (U+009B)', 'a\u009b31mb', 'a\\x9b31mb'],
    ['C1 NEL (U+0085)', 'a\u0085b', 'a\\x85b'],
    ['right-to-left override', 'abc\u202Efdp.exe', 'abc\\u202efdp.exe'],
    ['bidi isolates', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['zero-width space and joiner', 'a\u200Bb\u200Dc', 'a\\u200bb\\u200dc'],
    ['byte order mark', '\uFEFFa', '\\ufeffa'],
    ['soft hyphen', 'ad\u00ADmin', 'ad\\xadmin'],
    ['line separator', 'a\u2028b', 'a\\u2028b'],
    ['tag character (astral Cf)', 'a\u{E0041}b', 'a\\u{e0041}b'],
    ['lone surrogate', 'a\uD800b', 'a\\ud800b'],
    ['Chinese, emoji and accents pass', '设备 ✓ 🌡 café', '设备 ✓ 🌡 café'],
    ['a backslash stays one backslash', 'C:\\dir\\x1b', 'C:\\dir\\x1b'],
  ])('%s', (_name, input, shown) => {
    expect(termSafe(input)).toBe(shown);
  });
});

describe('the cut', () => {
  test('a value at the limit is whole; one more character cuts it, with the UTF-8 length', () => {
    expect(termSafe('a'.repeat(TERM_MAX))).toBe('a'.repeat(TERM_MAX));
    expect(termSafe('a'.repeat(TERM_MAX + 1))).toBe(`${'a'.repeat(TERM_MAX)}…(${TERM_MAX + 1} bytes)`);
  });
  test('130 KB becomes one short line that says how long the value was', () => {
    const out = termSafe('\x1b'.repeat(130_000));
    expect(out).toBe(`${'\\x1b'.repeat(TERM_MAX / 4)}…(130000 bytes)`);
  });
  test('bytes are UTF-8 bytes of the whole value, not characters', () => {
    expect(termSafe('设'.repeat(10), 4)).toBe('设设设设…(30 bytes)');
  });
  test('an escape is never cut in half', () => {
    expect(termSafe('ab\x1bc', 5)).toBe('ab…(4 bytes)');
  });
  test('Infinity never cuts', () => {
    expect(termSafe('x'.repeat(100_000), Infinity)).toHaveLength(100_000);
  });
});

test('termSafeParams escapes string params and leaves the rest', () => {
  expect(termSafeParams({ option: '--device', value: 'a\x1bb', n: 3, ok: true, none: undefined })).toEqual({ option: '--device', value: 'a\\x1bb', n: 3, ok: true, none: undefined });
});

test("termSafeParams cuts the user's values at TERM_MAX, the tool's own lists (allowed, modules) only at a line's length", () => {
  const list = Array.from({ length: 40 }, (_, i) => `modem${i}`).join(', ');
  const out = termSafeParams({ allowed: list, modules: `${list}\x1b`, value: list });
  expect(out.allowed).toBe(list);
  expect(out.modules).toBe(`${list}\\x1b`);
  expect(out.value).toBe(`${list.slice(0, TERM_MAX)}…(${list.length} bytes)`);
  expect(termSafeParams({ allowed: 'a'.repeat(TERM_LINE_MAX + 1) }).allowed).toMatch(/…\(1001 bytes\)$/);
});

// Code points a terminal acts on or that reorder/hide text (Cc, Cf, Zl, Zp, Cs): the property checks them by
// category, independently of how termSafe finds them.
const unsafe = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
/** Strings with many controls, format characters and surrogates among ordinary text. */
const hostile = fc.array(
  fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.constantFrom('\x1b', '\x9b', '\x7f', '\x00', '\n', '\r', '\u202e', '\u2066', '\u200b', '\ufeff', '\ud800', '\udfff', '\u{e0001}', '\u2028'),
    fc.integer({ min: 0, max: 0x10ffff }).map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp))),
  ),
  { maxLength: 40 },
).map((parts) => parts.join(''));

describe('properties', () => {
  test('nothing a terminal could act on ever reaches the output', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 0, max: 300 }), (s, max) => {
        const out = termSafe(s, max);
        expect(out).not.toMatch(unsafe);
        // The same, by explicit ranges (C0, DEL, C1, zero-width, bidi embeddings/overrides/isolates, BOM, surrogates).
        expect(out).not.toMatch(/[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/u);
      }),
      { numRuns: 2000 },
    );
  });

  test('text with nothing unsafe, within the limit, passes unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }).filter((s) => !unsafe.test(s)), (s) => {
        expect(termSafe(s)).toBe(s);
      }),
    );
  });

  test('escaping is idempotent (the output is already safe) and loses nothing when uncut', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const once = termSafe(s, Infinity);
        expect(termSafe(once, Infinity)).toBe(once);
        // Every unsafe character became one escape: the count of escapes equals the count of unsafe characters.
        const unsafeCount = [...s].filter((c) => unsafe.test(c)).length;
        expect(once.match(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|u\{[0-9a-f]+\}|[tnr])/g)?.length ?? 0).toBeGreaterThanOrEqual(unsafeCount);
      }),
      { numRuns: 1000 },
    );
  });

  test('a cut output stays within max plus the note, and the note gives the exact UTF-8 length', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 0, max: 40 }), (s, max) => {
        const out = termSafe(s, max);
        const note = /…\((\d+) bytes\)$/.exec(out);
        if (note) {
          // Lone surrogates would be written as U+FFFD (3 bytes).
          expect(Number(note[1])).toBe(Buffer.byteLength(s.replace(/\p{Cs}/gu, '\ufffd')));
          expect(out.length - note[0].length).toBeLessThanOrEqual(max);
        } else {
          expect(out).toBe(termSafe(s, Infinity));
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('linear: 16× the text takes about 16× the time, whole or cut', () => {
    const unit = 'a\x1b\u202e设🌡'.repeat(1 << 14);
    const big = unit.repeat(16);
    // The best of three runs of each, so a busy machine's pauses do not count.
    const time = (s: string, max: number) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        termSafe(s, max);
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    const small = Math.max(time(unit, Infinity), 1);
    // A quadratic step would be ~256×; linear is 16×. Loose bound for a loaded machine.
    expect(time(big, Infinity)).toBeLessThan(small * 16 * 6);
    expect(time(big, TERM_MAX)).toBeLessThan(small * 16 * 6);
  });
});
