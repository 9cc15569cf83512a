/**
 * Reading with a bound, apart from io.ts: the commands that bound what they read (sign, secrets, doctor) import it
 * without io.ts's Node modules, which only main() needs (a sign run's chunks stay as they were, measured).
 */
/**
 * All of `source` when it holds at most `max` bytes, else null. It stops at the first chunk past `max` (leaving the
 * loop destroys the stream), so /dev/zero or an endless pipe costs about `max` bytes of memory, not what they would send.
 */
export async function readAtMost(source: AsyncIterable<Uint8Array>, max: number): Promise<Uint8Array | null> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > max) return null;
    parts.push(chunk);
  }
  return concat(parts, total);
}

/** The parts as one array (Buffer.concat without needing a Buffer). */
function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
