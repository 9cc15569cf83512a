/** `python`: one `bytes` literal per packet (MicroPython and CPython alike), 16 bytes a line, size report in comments. */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { checkName, identifiers } from './_bytes.js';
import { pythonBytesLines } from './_byte-text.js';
import { describe, websocketNote } from './_c-header.js';
import { termSafe } from '../terminal-text.js';
import { sizeReport } from './size.js';

export function formatPython(input: FormatInput, options: FormatOptions = {}): Formatted {
  const ids = identifiers(checkName(options.name ?? 'mqtt'), input.packets.map((p) => p.name));
  const blocks = input.packets.map((packet, i) => {
    const lines = packet.bytes.length === 0 ? [] : [pythonBytesLines(packet.bytes, 16, '    ')];
    return [...describe(packet.name, input).map((l) => `# ${l}`), `${ids[i]} = (`, ...lines, ')'].join('\n');
  });
  const report = sizeReport(input.packets, options.lang).map((l) => `# ${l}`);
  const note = websocketNote(input, options.lang).filter((l) => l !== '').map((l) => `# ${termSafe(l, Infinity)}\n\n`).join('');
  return { output: `${note}${blocks.join('\n\n')}\n\n${report.join('\n')}\n`, report: [], warnings: [] };
}
