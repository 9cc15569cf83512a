/** Hash and HMAC helpers over node:crypto (computation only, no randomness). Private to src/platforms. */
import { createHash, createHmac } from 'node:crypto';

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sm3';

export function hmac(hash: HashName, key: Uint8Array | string, message: Uint8Array | string): Buffer {
  return createHmac(hash, key).update(message).digest();
}

export function digest(hash: HashName, message: Uint8Array | string): Buffer {
  return createHash(hash).update(message).digest();
}

/** Strict standard base64 (alphabet +/, = padding, length a multiple of 4); null when the text is not that. */
export function base64Strict(text: string): Buffer | null {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  // Reject non-canonical encodings (stray bits in the last character): they do not round-trip.
  return bytes.toString('base64') === text ? bytes : null;
}
