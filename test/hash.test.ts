// The JavaScript MD5, SHA-1 and SHA-256 and their HMAC (src/platforms/_hash.ts) against node:crypto: the published
// test vectors, every length across the padding boundaries, keys longer than a block, and random bytes and text.
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { jsDigest, jsHmac, type JsHash } from '../src/platforms/_hash.js';

const HASHES: JsHash[] = ['md5', 'sha1', 'sha256'];
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('published vectors: RFC 1321 (MD5 "abc"), FIPS 180-4 examples (SHA-1, SHA-256 "abc"), RFC 4231 case 2 and RFC 2202 case 2', () => {
  expect(hex(jsDigest('md5', 'abc'))).toBe('900150983cd24fb0d6963f7d28e17f72');
  expect(hex(jsDigest('sha1', 'abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  expect(hex(jsDigest('sha256', 'abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(hex(jsDigest('sha256', ''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  expect(hex(jsHmac('sha256', 'Jefe', 'what do ya want for nothing?'))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  expect(hex(jsHmac('sha1', 'Jefe', 'what do ya want for nothing?'))).toBe('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
  expect(hex(jsHmac('md5', 'Jefe', 'what do ya want for nothing?'))).toBe('750c783e6ab0b503eaa86e310a5db738');
});

describe.each(HASHES)('%s', (hash) => {
  test('every message length from 0 to 200 bytes (the padding boundaries at 55/56 and 64 and their multiples)', () => {
    for (let n = 0; n <= 200; n++) {
      const message = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(hex(jsDigest(hash, message)), `${n} bytes`).toBe(createHash(hash).update(message).digest('hex'));
    }
  });

  test('HMAC with keys of 0 to 150 bytes (longer than a block are hashed first)', () => {
    for (let n = 0; n <= 150; n++) {
      const key = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
      expect(hex(jsHmac(hash, key, 'message')), `${n}-byte key`).toBe(createHmac(hash, key).update('message').digest('hex'));
    }
  });

  test('random bytes and text (UTF-8, lone surrogates too) agree with node:crypto', () => {
    const data = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 120 }));
    fc.assert(
      fc.property(data, data, (key, message) => {
        expect(hex(jsDigest(hash, message))).toBe(createHash(hash).update(message).digest('hex'));
        expect(hex(jsHmac(hash, key, message))).toBe(createHmac(hash, key).update(message).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

test('hmac() and digest() give the same bytes on the JavaScript calls a run starts with and the native ones after', async () => {
  const { hmac, digest } = await import('../src/platforms/_crypto.js');
  // Well past the switch, whatever this module's counter already holds; every hash, keys short and long.
  for (let i = 0; i < 300; i++) {
    const hash = HASHES[i % 3]!;
    const key = 'k'.repeat(i % 130);
    const message = `message ${i} ${'é'.repeat(i % 70)}`;
    expect(hmac(hash, key, message).toString('hex'), `call ${i}`).toBe(createHmac(hash, key).update(message).digest('hex'));
    expect(digest(hash, message).toString('hex'), `call ${i}`).toBe(createHash(hash).update(message).digest('hex'));
  }
});
