// Every text form of issue 5 → bytes; rows in test/fixtures/hex-input.json.
import { describe, expect, test } from 'vitest';
import { MqttSignError } from '../src/errors.js';
import { parseHexInput } from '../src/capture/hex-input.js';
import { readInput } from '../src/capture/read.js';
import rows from './fixtures/hex-input.json' with { type: 'json' };

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MqttSignError);
    expect((err as MqttSignError).exitCode).toBe(2);
    return (err as MqttSignError).code;
  }
  return undefined;
}

describe('parseHexInput', () => {
  test.each(rows.valid)('$name', ({ input, hex: expected }) => {
    expect(hex(parseHexInput(input))).toBe(expected);
  });
  test.each(rows.errors)('refuses: $name', ({ input, code }) => {
    expect(codeOf(() => parseHexInput(input))).toBe(code);
  });
  test.each(rows.base64)('base64: $name', ({ input, hex: expected }) => {
    expect(hex(parseHexInput(input, 'base64'))).toBe(expected);
  });
  test.each(rows.base64Errors)('base64 refuses: $name', ({ input, code }) => {
    expect(codeOf(() => parseHexInput(input, 'base64'))).toBe(code);
  });
});

// File or stdin bytes are read as pasted text only when valid UTF-8 with no control bytes besides whitespace: a
// binary MQTT packet always has one (its first byte is 0x10–0xF0, and lengths hold 0x00).
describe('text or binary input', () => {
  test.each([
    ['pasted hex', Buffer.from('10 0c 00 04\n'), 'text'],
    ['UTF-8 serial log', Buffer.from('[10:22:31]发→◇10 0C\n'), 'text'],
    ['a binary CONNECT', Buffer.from('100c00044d5154540402003c0000', 'hex'), 'binary'],
    ['a binary PUBLISH with a printable header', Buffer.from('300800017468656c6c6f', 'hex'), 'binary'],
    ['invalid UTF-8', Buffer.from([0x41, 0xff, 0x42]), 'binary'],
  ])('%s', async (_name, bytes, expected) => {
    const { kind } = await readInput((async function* () { yield bytes; })());
    expect(kind).toBe(expected);
  });
});
