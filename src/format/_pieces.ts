/**
 * Output made in pieces of a bounded size as they are asked for (private to src/format): the CLI writes one, waits for
 * its reader, then asks for the next, so a large payload's text (2–6 characters a byte) is never whole in memory.
 */
import type { Formatted, Notice } from './formatter.js';

/** A Formatted of `pieces`; `output` is joined from them only when something reads it (--copy, the library). */
export function fromPieces(pieces: () => Iterable<string>, report: readonly string[] = [], warnings: readonly Notice[] = []): Formatted {
  let text: string | undefined;
  return {
    get output() {
      return (text ??= [...pieces()].join(''));
    },
    pieces,
    report,
    warnings,
  };
}

/** Consecutive views of at most `size` bytes, no copies (none for no bytes): a format's pieces, a modem's sends. */
export function* slices(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
