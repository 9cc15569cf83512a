/**
 * A packet's problems as decode reports them: the capture reader's (framing, malformed bytes) followed by the
 * payload lint of a PUBLISH, with the envelopes of the platform named by --platform.
 */
import { lintPayload } from '../capture/payload-lint.js';
import type { CapturedPacket } from '../capture/packet.js';
import type { Problem } from '../capture/diagnose.js';
import { platforms } from '../platforms/index.js';

export function problemsOf(p: CapturedPacket, platform: string | undefined): readonly Problem[] {
  if (p.packet?.cmd !== 'publish') return p.problems;
  const signer = platform !== undefined && Object.hasOwn(platforms, platform) ? platforms[platform] : undefined;
  const lint = lintPayload(p.packet, signer?.payloadEnvelopes ?? [], platform ?? '');
  return lint.length === 0 ? p.problems : [...p.problems, ...lint];
}
