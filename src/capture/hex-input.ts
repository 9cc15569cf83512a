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

