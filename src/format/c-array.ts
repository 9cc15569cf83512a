/**
 * `c`: one `static const uint8_t` array and one `#define <NAME>_LEN` per packet, 16 bytes a line, ready to paste
 * into firmware. A comment above each array names the broker, clientId and username (never the secret), and the
 * size report sits in a trailing comment, so `mqtt-sign … --format c > mqtt_packets.h` is a valid header.
 */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { checkName, hex2, identifiers, rows } from './_bytes.js';
import { sizeReport } from './size.js';

export function formatC(input: FormatInput, options: FormatOptions = {}): Formatted {
  const body = cArrays(input, options, (id) => `static const uint8_t ${id}[]`);
  return { output: `#include <stdint.h>\n\n${body}`, report: [], warnings: [] };
}

/** The arrays, defines and size comment; `declare` writes the declaration before ` = {` (C or Arduino PROGMEM). */
export function cArrays(input: FormatInput, options: FormatOptions, declare: (id: string) => string): string {
  const prefix = checkName(options.name ?? 'mqtt');
  const ids = identifiers(prefix, input.packets.map((p) => p.name));
  const blocks = input.packets.map((packet, i) => {
    const id = ids[i]!;
    const lines = rows(packet.bytes, 16).map((row) => '    ' + Array.from(row, (b) => `0x${hex2(b)}`).join(', '));
    return [
      comment(describe(packet.name, input)),
      `${declare(id)} = {`,
      lines.join(',\n'),
      '};',
      `#define ${id.toUpperCase()}_LEN ${packet.bytes.length}`,
    ].join('\n');
  });
  return `${blocks.join('\n\n')}\n\n${comment(sizeReport(input.packets, options.lang))}\n`;
}

/** "<packet> to <host>:<port> (<platform>)", clientId and username, as comment lines. Never the password. */
export function describe(name: string, input: FormatInput): string[] {
  const lines = [input.broker ? `${name} -> ${input.broker.url}${input.platform ? ` (${input.platform})` : ''}` : name];
  if (input.credentials) {
    lines.push(`clientId: ${JSON.stringify(input.credentials.clientId)}`);
    if (input.credentials.username !== null) lines.push(`username: ${JSON.stringify(input.credentials.username)}`);
  }
  return lines;
}

/** A block comment; a value containing `*/` cannot end it early, nor a `/*` in it trip -Wcomment. */
function comment(lines: readonly string[]): string {
  const safe = lines.map((l) => l.replaceAll('*/', '*\\/').replaceAll('/*', '/\\*'));
  return safe.length === 1 ? `/* ${safe[0]} */` : `/*\n${safe.map((l) => ` * ${l}`).join('\n')}\n */`;
}
