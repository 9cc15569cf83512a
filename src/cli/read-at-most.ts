/**
 * Reading with a bound, for the commands that take a whole input into memory (a secret on stdin, a payload file, a
 * mosquitto.conf). A module of its own: io.ts is the edge's view of the world, this is only a loop over its streams.
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
  return Buffer.concat(parts, total);
}
