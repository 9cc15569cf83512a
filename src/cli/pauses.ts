/**
 * A live source (stdin, a serial device) passed on chunk by chunk, plus one empty chunk each time it falls silent for
 * `ms` after data: the reader then judges what it held back waiting for more bytes (Splitter.flush), so a malformed
 * packet from a device shows when it arrives rather than when the device next sends something. Not for regular files:
 * a slow disk would make the verdicts depend on timing.
 */
export async function* withPauses(chunks: AsyncIterable<Uint8Array>, ms: number): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    const next = iterator.next();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silence = new Promise<null>((resolve) => {
      timer = setTimeout(resolve, ms, null);
    });
    let result = await Promise.race([next, silence]);
    clearTimeout(timer);
    if (result === null) {
      yield new Uint8Array(0);
      result = await next;
    }
    if (result.done) return;
    yield result.value;
  }
}
