/** `python`: one `bytes` literal per packet (MicroPython and CPython alike), 16 bytes a line, size report in comments. */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { checkName, identifiers, rows } from './_bytes.js';
import { describe } from './_c-header.js';
import { sizeReport } from './size.js';

export function formatPython(input: FormatInput, options: FormatOptions = {}): Formatted {
  const ids = identifiers(checkName(options.name ?? 'mqtt'), input.packets.map((p) => p.name));
  const blocks = input.packets.map((packet, i) => {
    const lines = rows(packet.bytes, 16).map((row) => `    b'${literal(row)}'`);
    return [...describe(packet.name, input).map((l) => `# ${l}`), `${ids[i]} = (`, ...lines, ')'].join('\n');
  });
  const report = sizeReport(input.packets, options.lang).map((l) => `# ${l}`);
  return { output: `${blocks.join('\n\n')}\n\n${report.join('\n')}\n`, report: [], warnings: [] };
}

/** The inside of b'…' as Python's repr writes it: printable ASCII as itself, the rest as \xNN. */
function literal(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x27) out += "\\'";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}
