// src/format/_byte-text.ts writes the text formats' bytes into one buffer (a cell per byte took 40-75x the payload in
// memory). Checked against the plain ways of writing the same text, on random bytes and row widths.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decimals, hexCells, pythonBytesLines } from '../src/format/_byte-text.js';
import { format, type FormatInput } from '../src/format/index.js';
import { TEXT_PACKETS_MAX } from '../src/format/text-limit.js';
import { UsageError } from '../src/errors.js';
import { runMain } from './helpers/run-main.js';

const HEX = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');
const rowsOf = (bytes: Uint8Array, width: number) => Array.from({ length: Math.ceil(bytes.length / width) }, (_, i) => bytes.subarray(i * width, (i + 1) * width));
const bytes = fc.uint8Array({ maxLength: 300 });

test('hexCells: a C array body and a spaced hex line, as row-by-row joins write them', () => {
  fc.assert(
    fc.property(bytes, fc.integer({ min: 1, max: 40 }), (b, width) => {
      const c = rowsOf(b, width).map((row) => `    ${Array.from(row, (x) => `0x${HEX(x)}`).join(', ')}`).join(',\n');
      expect(hexCells(b, { cell: '0x', separator: ', ', perRow: width, indent: '    ', newline: ',\n' })).toBe(c);
      expect(hexCells(b)).toBe(Array.from(b, HEX).join(' '));
      expect(hexCells(b, { separator: '' })).toBe(Buffer.from(b).toString('hex').toUpperCase());
    }),
  );
});

test("pythonBytesLines: Python's repr of each row (printable ASCII, \\\\ and \\' escaped, else \\xNN)", () => {
  const repr = (row: Uint8Array) =>
    Array.from(row, (x) => (x === 0x5c ? '\\\\' : x === 0x27 ? "\\'" : x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`)).join('');
  fc.assert(
    fc.property(bytes, fc.integer({ min: 1, max: 40 }), (b, width) => {
      expect(pythonBytesLines(b, width, '  ')).toBe(rowsOf(b, width).map((row) => `  b'${repr(row)}'`).join('\n'));
    }),
  );
});

test('a text past 64 KiB (made in a Buffer) is the same as a short one (made by String.fromCharCode)', () => {
  const b = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 131 + 7) & 255);
  expect(hexCells(b, { separator: ', ', cell: '0x' })).toBe(Array.from(b, (x) => `0x${HEX(x)}`).join(', '));
  expect(decimals(b, ', ')).toBe(Array.from(b).join(', '));
});

test('decimals: the bytes as a JavaScript array lists them', () => {
  fc.assert(
    fc.property(bytes, (b) => {
      expect(decimals(b, ', ')).toBe(Array.from(b).join(', '));
    }),
  );
});

test('packets over 16 MiB are refused by the text formats, naming --format and --format raw; raw writes them', async () => {
  const big: FormatInput = { packets: [{ name: 'publish', bytes: new Uint8Array(TEXT_PACKETS_MAX + 1) }] };
  expect(() => format('hex', big)).toThrow(UsageError);
  expect(format('raw', big).output).toHaveLength(TEXT_PACKETS_MAX + 1);
  const file = `${process.env.TMPDIR ?? '/tmp'}/mqtt-sign-big-${process.pid}.bin`;
  (await import('node:fs')).writeFileSync(file, new Uint8Array(TEXT_PACKETS_MAX));
  try {
    const r = await runMain(['generic', '--host', 'h', '--client-id', 'c', '--publish', 't', '--payload', `@${file}`, '--format', 'c']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`mqtt-sign: --format c writes at most ${TEXT_PACKETS_MAX} bytes of packets as text, and these are ${TEXT_PACKETS_MAX + 23}; --format raw writes the bytes themselves`);
  } finally {
    (await import('node:fs')).rmSync(file);
  }
});
