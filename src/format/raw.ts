/** `raw`: the packets' bytes back to back, exactly as they go on the wire (for `> file.bin`, `| nc host 1883`). */
import type { FormatInput, Formatted } from './formatter.js';

export function formatRaw(input: FormatInput): Formatted {
  const total = input.packets.reduce((n, p) => n + p.bytes.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of input.packets) {
    out.set(p.bytes, at);
    at += p.bytes.length;
  }
  return { output: out, report: [], warnings: [] };
}
