/**
 * What a reply code means: the spec's name of a CONNACK return code, SUBACK return code or any 5.0 reason code
 * (from constants.ts), its one-line meaning (catalogue reply.v3.* / reply.v5.*), and what a platform means by it
 * (catalogue reply.<packet>.<platform>.<code>, from PLATFORMS.md). decode, verify and probe all ask here.
 */
import { catalogues, hint, message, type Lang } from '../messages.js';
import { connackReturnCodes, packetNames, packetReasonCodes, subackReturnCodes, type ReasonCmd } from './constants.js';
import type { PacketCmd, ProtocolVersion } from './types.js';

/** One explained code, as decode's JSON prints it. */
export interface ReplyMeaning {
  readonly code: number;
  /** The spec's name; null for a code the spec does not define for this packet. */
  readonly name: string | null;
  readonly meaning: string;
  /** What the platform means by it and the likely causes, with the fix; null without a platform or a known meaning. */
  readonly platformMeaning: string | null;
}

/** A catalogue code and its params, rendered by whoever prints it. */
interface ReplyText {
  readonly code: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/**
 * Whose meanings to use (PLATFORMS.md §2.5, §3, §4, §5, §6, §7, §8): a platform id, or a broker kind for a plain
 * target. mosquitto is the generic table; the OneNET legacy platform shares OneNET's.
 */
export const replyPlatforms = ['generic', 'mosquitto', 'thingsboard', 'aliyun', 'onenet', 'onenet-legacy', 'huawei', 'tencent', 'azure', 'baidu'] as const;
const tableOf: Readonly<Record<string, string>> = { mosquitto: 'generic', 'onenet-legacy': 'onenet' };

/**
 * MQTT 5 reason codes that mean the same as a 3.1.1 return code (MQTT 5.0 §3.2.2.2), so a platform's
 * explanation of "5" also explains 0x87.
 */
const v5ToV3: Readonly<Record<number, number>> = { 0x84: 1, 0x85: 2, 0x88: 3, 0x89: 3, 0x86: 4, 0x87: 5, 0x8c: 4 };

const versionNames: Readonly<Record<ProtocolVersion, string>> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

/** The decoder's names of the fields that hold a reply code (3.x says Return Code, 5.0 Reason Code). */
export function isCodeField(name: string): boolean {
  return name === 'Return Code' || name === 'Reason Code';
}

/** Packets whose fields carry a reply code (3.x: CONNACK and SUBACK only). */
export function carriesCode(cmd: PacketCmd, version: ProtocolVersion): cmd is ReasonCmd {
  return version === 5 ? cmd in packetReasonCodes : cmd === 'connack' || cmd === 'suback';
}

/** The spec's name of `code` in `cmd`, or null when the spec defines no such code there. */
function replyName(cmd: ReasonCmd, version: ProtocolVersion, code: number): string | null {
  const table = version === 5 ? packetReasonCodes[cmd] : cmd === 'connack' ? connackReturnCodes : cmd === 'suback' ? subackReturnCodes : {};
  return table[code] ?? null;
}

/** The catalogue entry of the code's general meaning. */
export function replyText(cmd: ReasonCmd, version: ProtocolVersion, code: number): ReplyText {
  if (replyName(cmd, version, code) !== null) {
    const keys = version === 5 ? [`reply.v5.${cmd}.${code}`, `reply.v5.${code}`] : [`reply.v3.${cmd}.${code}`];
    const key = keys.find((k) => k in catalogues.en);
    if (key) return { code: key };
  }
  return { code: 'reply.unknown', params: { code, packet: packetNames[cmd], version: versionNames[version] } };
}

/**
 * What a platform means by a code, or null when it says nothing particular about it. CONNACK codes fall back
 * to the generic broker table only for generic targets; a 5.0 reason code is read as the 3.1.1 code it stands for.
 */
export function platformReplyText(cmd: ReasonCmd, version: ProtocolVersion, code: number, platform: string): ReplyText | null {
  if (code === 0) return null;
  const table = (replyPlatforms as readonly string[]).includes(platform) ? (tableOf[platform] ?? platform) : null;
  if (table === null) return null;
  const rc = cmd === 'connack' && version === 5 ? v5ToV3[code] : code;
  if (rc === undefined) return null;
  const key = `reply.${cmd}.${table}.${rc}`;
  return key in catalogues.en ? { code: key, params: { code } } : null;
}

/** The whole explanation of one code in `lang`. */
export function explainReply(cmd: ReasonCmd, version: ProtocolVersion, code: number, lang: Lang, platform?: string): ReplyMeaning {
  const text = replyText(cmd, version, code);
  const own = platform === undefined ? null : platformReplyText(cmd, version, code, platform);
  return {
    code,
    name: replyName(cmd, version, code),
    meaning: message(text.code, text.params, lang),
    platformMeaning: own === null ? null : withFix(own, lang),
  };
}

/** A sentence followed by its catalogue hint, when it has one. */
function withFix(text: ReplyText, lang: Lang): string {
  const sentence = message(text.code, text.params, lang);
  const fix = hint(text.code, text.params, lang);
  return fix === undefined ? sentence : message('reply.platform.fix', { text: sentence, fix }, lang);
}
