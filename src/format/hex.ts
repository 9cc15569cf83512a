/** `hex`: one line per packet, uppercase and space-separated as serial tools' HEX send expects; `compact` drops the spaces. */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { hexCells } from './_byte-text.js';
import { sizeReport } from './size.js';

export function formatHex(input: FormatInput, options: FormatOptions = {}): Formatted {
  const separator = options.compact ? '' : ' ';
  const lines = input.packets.map((p) => hexCells(p.bytes, { separator }));
  return { output: `${lines.join('\n')}\n`, report: sizeReport(input.packets, options.lang), warnings: [] };
}
