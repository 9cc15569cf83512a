/**
 * The size report printed with every human format: each packet's length split into fixed header, Remaining Length
 * field and the rest, the total, and the buffer the firmware needs. The split is the point: a CONNECT over 127
 * bytes needs a 2-byte Remaining Length, which hand-made packets get wrong.
 */
import { message, type Lang } from '../messages.js';
import type { NamedPacket } from './types.js';
import { remainingLength } from './_bytes.js';

export interface PacketSize {
  readonly name: string;
  readonly length: number;
  readonly remainingLength: number;
  /** Bytes the Remaining Length varint takes (1–4). */
  readonly lengthWidth: number;
}

export interface SizeSummary {
  readonly packets: readonly PacketSize[];
  readonly total: number;
  /** The largest packet: a firmware that sends them one after another needs a buffer this big. */
  readonly buffer: number;
}

export function sizes(packets: readonly NamedPacket[]): SizeSummary {
  const list = packets.map((p) => {
    const rl = remainingLength(p.bytes);
    return { name: p.name, length: p.bytes.length, remainingLength: rl.value, lengthWidth: rl.width };
  });
  return {
    packets: list,
    total: list.reduce((sum, p) => sum + p.length, 0),
    buffer: list.reduce((max, p) => Math.max(max, p.length), 0),
  };
}

/** The report as plain lines, without comment markers; each format frames them its own way. */
export function sizeReport(packets: readonly NamedPacket[], lang: Lang = 'en'): string[] {
  const summary = sizes(packets);
  const width = Math.max(...summary.packets.map((p) => p.name.length));
  return [
    ...summary.packets.map((p) =>
      message('format.size.packet', { name: p.name.padEnd(width), length: p.length, width: p.lengthWidth, rest: p.remainingLength }, lang),
    ),
    message('format.size.total', { total: summary.total, buffer: summary.buffer }, lang),
  ];
}
