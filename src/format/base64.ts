/** `base64`: one line per packet (standard alphabet with padding), for tools and scripts that take binary as text. */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { fromPieces, slices } from './_pieces.js';
import { sizeReport } from './size.js';

/** Bytes of a line written as one piece: a multiple of 3, so the pieces' base64 joins into the line's without padding. */
const SLICE = 3 * 16 * 1024;

export function formatBase64(input: FormatInput, options: FormatOptions = {}): Formatted {
  const packets = input.packets;
  return fromPieces(function* () {
    for (const [i, p] of packets.entries()) {
      if (i > 0) yield '\n';
      for (const slice of slices(p.bytes, SLICE)) yield Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength).toString('base64');
    }
    yield '\n';
  }, sizeReport(packets, options.lang));
}
