/**
 * Hash and HMAC helpers (computation only, no randomness). Private to src/platforms. MD5, SHA-1 and SHA-256 are
 * computed in JavaScript for the first calls of a run (_hash.ts: the CLI then never loads node:crypto to sign), by
 * node:crypto after that and for SM3.
 */
import { createHash, createHmac } from 'node:crypto';
import { jsDigest, jsHmac, type JsHash } from './_hash.js';

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sm3';

// A sign run computes a few hashes, for which JavaScript saves loading node:crypto (~3 ms); verify over a capture
// computes thousands (every CONNECT, every known mistake tried), where OpenSSL's are several times faster. Both give
// the same bytes (test/hash.test.ts), so past the first few dozen calls the native ones take over.
const JS_CALLS = 48;
let jsCalls = 0;
const isJs = (hash: HashName): hash is JsHash => hash !== 'sm3' && jsCalls++ < JS_CALLS;
const buffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function hmac(hash: HashName, key: Uint8Array | string, message: Uint8Array | string): Buffer {
  return isJs(hash) ? buffer(jsHmac(hash, key, message)) : createHmac(hash, key).update(message).digest();
}

export function digest(hash: HashName, message: Uint8Array | string): Buffer {
  return isJs(hash) ? buffer(jsDigest(hash, message)) : createHash(hash).update(message).digest();
}

/** Strict standard base64 (alphabet +/, = padding, length a multiple of 4); null when the text is not that. */
export function base64Strict(text: string): Buffer | null {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  // Reject non-canonical encodings (stray bits in the last character): they do not round-trip.
  return bytes.toString('base64') === text ? bytes : null;
}
