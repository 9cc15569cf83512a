/**
 * Text a user pasted → bytes, in one call: every form TextReader reads (hex in any spacing, 0x and decimal lists,
 * C/Python/JavaScript source, xxd/hexdump/od dumps, serial and modem logs, base64). Directions are dropped here;
 * a caller that needs them (decode's two streams of a log) uses TextReader itself.
 */
import { ByteBuf } from './text-bytes.js';
import { TextReader, type TextEncodingOption } from './text-reader.js';

export type TextEncoding = TextEncodingOption;

/** Parse pasted text into bytes. Throws UsageError (code capture.input.*) naming the line and the token it could not read. */
export function parseHexInput(text: string, encoding: TextEncoding = 'auto'): Uint8Array {
  const reader = new TextReader({ encoding });
  const out = new ByteBuf();
  for (const segment of reader.push(text)) out.append(segment.bytes);
  for (const segment of reader.end()) out.append(segment.bytes);
  return out.take();
}

/**
 * Whether file or stdin bytes are pasted text rather than binary packets: valid UTF-8 with no control bytes
 * besides whitespace. A binary MQTT packet always has one (its first byte is 0x10–0xF0, and lengths hold 0x00).
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
