/**
 * A packet's problems as decode reports them: the capture reader's (framing, malformed bytes) followed by the
 * payload lint of a PUBLISH, with the envelopes of the platform named by --platform.
 */
import { lintPayload } from '../capture/payload-lint.js';
import type { CapturedPacket } from '../capture/packet.js';
import type { Problem } from '../capture/diagnose.js';
import type { PayloadEnvelope } from '../platforms/types.js';

/** `envelopes`: those of the platform named by --platform (src/cli/signers.ts loads it), if any. */
export function problemsOf(p: CapturedPacket, platform: string | undefined, envelopes: readonly PayloadEnvelope[] = []): readonly Problem[] {
  if (p.packet?.cmd !== 'publish') return p.problems;
  const lint = lintPayload(p.packet, envelopes, platform ?? '');
  return lint.length === 0 ? p.problems : [...p.problems, ...lint];
}
