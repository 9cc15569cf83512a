// Hand-made packets with the mistakes of issue 5: each gets its diagnosis (rows in test/fixtures/decode-problems.json),
// and no input of any kind makes decoding throw.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeBytes } from '../src/capture/read.js';
import { message, hint } from '../src/messages.js';
import fixture from './fixtures/decode-problems.json' with { type: 'json' };

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

describe('diagnosis of hand-made packets', () => {
  test.each(fixture.rows)('$name', ({ hex, problems, types }) => {
    const got = decodeBytes(bytes(hex));
    expect(got.map((p) => p.packet?.cmd ?? null)).toEqual(types);
    expect(got.flatMap((p) => p.problems)).toMatchObject(problems);
    // The entries cover the input exactly, in order.
    expect(Buffer.concat(got.map((p) => p.bytes)).toString('hex')).toBe(hex);
    for (const problem of got.flatMap((p) => p.problems)) {
      expect(message(problem.code, problem.params)).not.toMatch(/\{\w+\}/);
      const fix = hint(problem.code, problem.params);
      if (fix) expect(fix).not.toMatch(/\{\w+\}/);
    }
  });

  test('every mistake named in the catalogue has its explanation in en and zh, and its fix unless there is none', () => {
    // Bytes that are simply not a packet: skipping them is all there is to say.
    const noFix = new Set(['capture.problem.junk']);
    const codes = new Set(fixture.rows.flatMap((r) => r.problems.map((p) => p.code)));
    expect(codes.size).toBeGreaterThan(5);
    for (const code of codes) {
      for (const lang of ['en', 'zh'] as const) {
        expect(message(code, {}, lang)).not.toBe(code);
        expect(hint(code, {}, lang) !== undefined, `${code}.hint (${lang})`).toBe(!noFix.has(code));
      }
    }
  });
});

describe('never a crash', () => {
  test('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
        const got = decodeBytes(input);
        // Every byte is accounted for by a packet or a problem entry.
        expect(got.reduce((n, p) => n + p.bytes.length, 0)).toBe(input.length);
        for (const p of got) expect(p.packet !== null || p.problems.length > 0).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  test('valid packets with one byte changed, cut short, or with bytes added', () => {
    const valid = bytes('101800044d5154540402003c000c6d717474782d636c69656e74' + '300d00056121622f63' + '68656c6c6f' + 'a20600020002612f' + 'c000');
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.nat(255), fc.nat(valid.length), (at, value, cut) => {
        const mutated = Uint8Array.from(valid);
        mutated[at] = value;
        for (const input of [mutated, valid.subarray(0, cut), Uint8Array.from([...valid.subarray(0, cut), value, ...valid.subarray(cut)])]) {
          const got = decodeBytes(input);
          expect(got.reduce((n, p) => n + p.bytes.length, 0)).toBe(input.length);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
