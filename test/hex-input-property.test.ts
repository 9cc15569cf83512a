// TextReader on random text built from the pieces real pastes are made of: it throws only typed errors, and any
// chunking gives the same segments (or the same error) as the whole text. The long run is in `npm run fuzz`.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MqttSignError } from '../src/errors.js';
import { TextReader } from '../src/capture/text-reader.js';

const PIECES = [
  '10', '0C', '00', '04', '4D', 'c0', 'ab', 'zz', ' ', ' ', ' ', ',', ':', '-', '\n', '\r\n', '\r', '\t', '0x10', '16', '255', '256',
  '{', '}', '[', ']', '(', ')', '"', "'", '\\x10', '\\', 'b\'', '/*', '*/', '//', '#', '*', '|', '>', '<', '>>', '<<',
  '00000000: ', '00000010  ', '000000 ', '0000000e', 'AT+CIPSEND=4', 'AT+CIPSEND', '+IPD,2:', '+QIURC: "recv",0,2', '+CIPRXGET: 2,2,0',
  'OK', 'SEND OK', '发→◇', '收←◆', '[10:22:31.456]', '2024-01-05 ', 'TX:', 'RX:', '[Tx]', 'EAwABE1RVFQEAgA8AAA=', '=', 'Uint8Array.of(',
  'bytes.fromhex(', 'AT+QISENDEX=0,"C000"', 'AT+MQTTPUBRAW=0,"t",2,0,0', '中', '\u0000', '\u001b[31m',
];

function run(text: string, chunks: number[]): { segments: string[]; error: string | null } {
  const reader = new TextReader();
  const segments: string[] = [];
  try {
    let at = 0;
    for (const size of chunks) {
      for (const s of reader.push(text.slice(at, at + size))) segments.push(`${s.line}:${s.direction ?? '-'}:${Buffer.from(s.bytes).toString('hex')}`);
      at += size;
    }
    for (const s of reader.push(text.slice(at))) segments.push(`${s.line}:${s.direction ?? '-'}:${Buffer.from(s.bytes).toString('hex')}`);
    for (const s of reader.end()) segments.push(`${s.line}:${s.direction ?? '-'}:${Buffer.from(s.bytes).toString('hex')}`);
    return { segments, error: null };
  } catch (err) {
    if (!(err instanceof MqttSignError)) throw err;
    return { segments: [], error: err.code };
  }
}

describe('TextReader on random pastes', () => {
  test('only typed errors, and the same result in any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 40 }), (pieces, chunks) => {
        const text = pieces.join('');
        const whole = run(text, []);
        const cut = run(text, chunks);
        expect(cut.error).toBe(whole.error);
        // Segments may be split differently only if an error ends the run; otherwise they are the same.
        if (whole.error === null) expect(cut.segments).toEqual(whole.segments);
      }),
      { numRuns: 2000 },
    );
  });
});
