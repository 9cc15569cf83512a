/** `hex`: one line per packet, uppercase and space-separated as serial tools' HEX send expects; `compact` drops the spaces. */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { hexCells } from './_byte-text.js';
import { fromPieces, slices } from './_pieces.js';
import { sizeReport } from './size.js';

/** Bytes of a line written as one piece (~200 KB of text). */
const SLICE = 64 * 1024;

export function formatHex(input: FormatInput, options: FormatOptions = {}): Formatted {
  const separator = options.compact ? '' : ' ';
  const packets = input.packets;
  return fromPieces(function* () {
    for (const [i, p] of packets.entries()) {
      if (i > 0) yield '\n';
      let first = true;
      for (const slice of slices(p.bytes, SLICE)) {
        yield `${first ? '' : separator}${hexCells(slice, { separator })}`;
        first = false;
      }
    }
    yield '\n';
  }, sizeReport(packets, options.lang));
}
