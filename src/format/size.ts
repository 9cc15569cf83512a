/**
 * The size report printed with every human format: each packet's length split into fixed header, Remaining Length
 * field and the rest, the total, and the buffer the firmware needs. The split is the point: a CONNECT over 127
 * bytes needs a 2-byte Remaining Length, which hand-made packets get wrong.
 */
import { message, type Lang } from '../messages.js';
import { termSafe } from '../terminal-text.js';
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
  // A packet's name is the caller's (the library takes any): escaped as on a terminal, so a line feed in it cannot
  // end the comment a format puts the report in (a Python or AT line of its own), nor an ESC reach the terminal.
  const names = summary.packets.map((p) => termSafe(p.name, Infinity));
  // A loop, not Math.max(...names): 25,000 packets are more arguments than a call takes.
  let width = 0;
  for (const name of names) width = Math.max(width, name.length);
  return [
    ...summary.packets.map((p, i) =>
      message('format.size.packet', { name: names[i]!.padEnd(width), length: p.length, width: p.lengthWidth, rest: p.remainingLength }, lang),
    ),
    message('format.size.total', { total: summary.total, buffer: summary.buffer }, lang),
  ];
}
