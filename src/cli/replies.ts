/**
 * The reply codes of one decoded packet, explained: what decode's JSON puts beside each code field, what its
 * table prints under a packet with --platform, and what verify says about the broker's answer.
 */
import { message, type Lang } from '../messages.js';
import { carriesCode, explainReply, isCodeField, type ReplyMeaning } from '../mqtt/replies.js';
import type { Field } from '../mqtt/types.js';
import type { CapturedPacket } from '../capture/packet.js';

/** Each code field of the packet with its meaning; empty for packets without codes and for malformed ones. */
export function replyMeanings(p: CapturedPacket, lang: Lang, platform?: string): { field: Field; meaning: ReplyMeaning }[] {
  const packet = p.packet;
  if (!packet || !carriesCode(packet.cmd, p.protocolVersion)) return [];
  const out: { field: Field; meaning: ReplyMeaning }[] = [];
  for (const field of p.fields) {
    if (typeof field.value !== 'number' || !isCodeField(field.name)) continue;
    out.push({ field, meaning: explainReply(packet.cmd, p.protocolVersion, field.value, lang, platform) });
  }
  return out;
}

/** "aliyun CONNACK 5: …" lines for the codes the platform has something to say about. */
export function platformLines(p: CapturedPacket, lang: Lang, platform: string | undefined): string[] {
  if (platform === undefined || !p.packet) return [];
  const packet = p.packet.cmd.toUpperCase();
  return replyMeanings(p, lang, platform)
    .filter(({ meaning }) => meaning.platformMeaning !== null)
    .map(({ meaning }) => message('reply.platform', { platform, packet, code: meaning.code, meaning: meaning.platformMeaning! }, lang));
}
