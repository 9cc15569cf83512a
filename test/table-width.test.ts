// The table's column widths: displayWidth counts by character codes (no regular expression per character, issue 15)
// and must count as the per-character test it replaced, on any text: ASCII, CJK, full-width, surrogate pairs, lone halves.
// printableText reads short ASCII byte by byte and must answer as the strict decoder and expression it replaced.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { displayWidth, printableText } from '../src/format/table.js';

const byRegex = (text: string): number => {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
};

test('displayWidth equals the per-character expression on any text', () => {
  const piece = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('中文', '设备', 'ｆｕｌｌ', 'ㄱ', '\u1100', '\u115f', '\u1160', '\ua4cf', '\ua4d0', '\uffe6', '\uffe7', '😀', '\ud83d', '\ude00', '\ud83dx'),
    fc.string({ unit: 'binary', maxLength: 4 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
      const text = pieces.join('');
      expect(displayWidth(text)).toBe(byRegex(text));
    }),
    { numRuns: 3000 },
  );
});

const byDecoder = (raw: Uint8Array): string | null => {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text;
  } catch {
    return null;
  }
};

test('printableText answers as the strict decoder and the control-character expression, on any bytes', () => {
  const ascii = fc.uint8Array({ min: 0, max: 0x7f, maxLength: 300 });
  const printable = fc.uint8Array({ min: 0x20, max: 0x7e, maxLength: 300 });
  const utf8 = fc.string({ unit: 'grapheme', maxLength: 40 }).map((t) => new TextEncoder().encode(t));
  const mixed = fc.array(fc.oneof(printable, utf8, fc.uint8Array({ maxLength: 4 })), { maxLength: 4 }).map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])));
  fc.assert(
    fc.property(fc.oneof(ascii, printable, utf8, mixed, fc.uint8Array({ maxLength: 300 })), (raw) => {
      expect(printableText(raw)).toBe(byDecoder(raw));
    }),
    { numRuns: 5000 },
  );
});
