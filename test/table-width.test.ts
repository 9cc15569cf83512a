// The table's column widths: displayWidth counts by character codes (no regular expression per character, issue 15)
// and must count as the per-character test it replaced, on any text: ASCII, CJK, full-width, surrogate pairs, lone halves.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { displayWidth } from '../src/format/table.js';

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
