/** `python`: one `bytes` literal per packet (MicroPython and CPython alike), 16 bytes a line, size report in comments. */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { checkName, identifiers } from './_bytes.js';
import { pythonBytesLines } from './_byte-text.js';
import { describe, websocketNote } from './_c-header.js';
import { termSafe } from '../terminal-text.js';
import { sizeReport } from './size.js';
import { fromPieces, slices } from './_pieces.js';

/** Bytes of a literal written as one piece: 4,096 lines of 16. */
const SLICE = 16 * 4096;

export function formatPython(input: FormatInput, options: FormatOptions = {}): Formatted {
  const ids = identifiers(checkName(options.name ?? 'mqtt'), input.packets.map((p) => p.name));
  const report = sizeReport(input.packets, options.lang).map((l) => `# ${l}`);
  const note = websocketNote(input, options.lang).filter((l) => l !== '').map((l) => `# ${termSafe(l, Infinity)}\n\n`).join('');
  const heads = input.packets.map((packet, i) => [...describe(packet.name, input).map((l) => `# ${l}`), `${ids[i]} = (`].join('\n'));
  const packets = input.packets;
  return fromPieces(function* () {
    yield note;
    for (const [i, packet] of packets.entries()) {
      yield `${i > 0 ? '\n\n' : ''}${heads[i]}`;
      for (const slice of slices(packet.bytes, SLICE)) yield `\n${pythonBytesLines(slice, 16, '    ')}`;
      yield '\n)';
    }
    yield `\n\n${report.join('\n')}\n`;
  });
}
