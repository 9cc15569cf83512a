/**
 * The same formatters as `formats` for the CLI, given the options they will be called with: a run loads only the
 * formatter it prints with (the firmware runtime stays unloaded for plain `c`, the AT formatters for json without
 * --modem). The small byte formats are here already: a file of their own cost a run more to read and compile than
 * they weigh (issue 15); so is the table, a terminal's default, whose own file cost its runs ~0.5 ms (measured) and
 * the others ~0.1 ms by being here. A test keeps the two maps in step.
 */
import type { FormatStyle } from './index.js';
import type { FormatOptions, Formatter } from './formatter.js';
import { formatPlainC } from './c-plain.js';
import { formatHex } from './hex.js';
import { formatArduino } from './arduino.js';
import { formatPython } from './python.js';
import { formatBase64 } from './base64.js';
import { formatRaw } from './raw.js';
import { formatPlainJson } from './json-document.js';
import { formatTable } from './sign-table.js';

const ready = (formatter: Formatter) => (): Promise<Formatter> => Promise.resolve(formatter);

export const formatLoaders: Readonly<Record<FormatStyle, (options: FormatOptions) => Promise<Formatter>>> = {
  c: (options) => (options.runtime ? import('./c-runtime.js').then((m) => m.formatCRuntime) : Promise.resolve(formatPlainC)),
  hex: ready(formatHex),
  arduino: ready(formatArduino),
  python: ready(formatPython),
  base64: ready(formatBase64),
  raw: ready(formatRaw),
  table: ready(formatTable),
  at: () => import('./at.js').then((m) => m.formatAt),
  json: (options) => (options.modem === undefined ? Promise.resolve(formatPlainJson) : import('./json.js').then((m) => m.formatJson)),
  mqttjs: () => import('./mqttjs.js').then((m) => m.formatMqttjs),
  mqttx: () => import('./mqttx.js').then((m) => m.formatMqttx),
  mosquitto: () => import('./mosquitto.js').then((m) => m.formatMosquitto),
  env: () => import('./env.js').then((m) => m.formatEnv),
};

export const formatStyles = Object.keys(formatLoaders) as FormatStyle[];
