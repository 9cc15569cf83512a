/**
 * How many packet bytes a text format writes: each byte becomes up to 6 characters (C's `0x00, `), built in memory as
 * one string, and V8's longest string is ~512 MB. A firmware array, an AT script or a snippet of more than 16 MiB
 * has no use on a device anyway; raw writes the bytes themselves and the table shows a few lines of each field.
 */
import { UsageError } from '../errors.js';
import type { FormatInput } from './formatter.js';

export const TEXT_PACKETS_MAX = 16 * 1024 * 1024;

/** Refuses, naming --format, packets a text format would write whole and that are over TEXT_PACKETS_MAX together. */
export function checkTextSize(style: string, input: FormatInput): void {
  if (style === 'raw' || style === 'table') return;
  let size = 0;
  for (const p of input.packets) size += p.bytes.length;
  if (size > TEXT_PACKETS_MAX) throw new UsageError('format.size.limit', { option: '--format', format: style, size, max: TEXT_PACKETS_MAX });
}
