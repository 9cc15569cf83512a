/** `base64`: one line per packet (standard alphabet with padding), for tools and scripts that take binary as text. */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { sizeReport } from './size.js';

export function formatBase64(input: FormatInput, options: FormatOptions = {}): Formatted {
  const lines = input.packets.map((p) => Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength).toString('base64'));
  return { output: `${lines.join('\n')}\n`, report: sizeReport(input.packets, options.lang), warnings: [] };
}
