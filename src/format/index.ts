/**
 * The formats map: style → formatter. Each formatter is pure (packets and context in, text or bytes out);
 * the CLI picks one with --format, and the library exports `format()` for the same job.
 */
import type { FormatInput, FormatOptions, Formatted, Formatter } from './formatter.js';
import { formatC } from './c-array.js';
import { formatHex } from './hex.js';
import { formatArduino } from './arduino.js';
import { formatPython } from './python.js';
import { formatBase64 } from './base64.js';
import { formatRaw } from './raw.js';
import { formatAt } from './at.js';
import { formatJson } from './json.js';
import { formatMqttjs } from './mqttjs.js';
import { formatMqttx } from './mqttx.js';
import { formatMosquitto } from './mosquitto.js';
import { formatEnv } from './env.js';
import { formatTable } from './sign-table.js';
import { checkTextSize } from './text-limit.js';
import { UsageError } from '../errors.js';

export const formats = {
  c: formatC,
  hex: formatHex,
  arduino: formatArduino,
  python: formatPython,
  base64: formatBase64,
  raw: formatRaw,
  table: formatTable,
  at: formatAt,
  json: formatJson,
  mqttjs: formatMqttjs,
  mqttx: formatMqttx,
  mosquitto: formatMosquitto,
  env: formatEnv,
} as const satisfies Record<string, Formatter>;

export type FormatStyle = keyof typeof formats;

/** Render `input` in `style`. Throws UsageError for a bad --name, a missing --modem or packets too large to write as text. */
export function format(style: FormatStyle, input: FormatInput, options: FormatOptions = {}): Formatted {
  // The library takes any string: only the map's own styles (not toString, constructor, __proto__).
  if (typeof style !== 'string' || !Object.hasOwn(formats, style)) throw new UsageError('format.unknown', { option: 'style', value: String(style), allowed: Object.keys(formats).join(', ') });
  checkTextSize(style, input);
  return formats[style](input, options ?? {});
}

export { formatTable };
export type { FormatInput, FormatOptions, Formatted, Formatter, Endpoint, Login, Modem, Notice } from './formatter.js';
export type { NamedPacket, Paint } from './types.js';
export { sizes, sizeReport, type SizeSummary, type PacketSize } from './size.js';
