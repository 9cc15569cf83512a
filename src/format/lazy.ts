/**
 * The same formatters as `formats`, each behind a dynamic import, for the CLI: a run loads only the formatter it
 * prints with (the table's decoder stays unloaded for `--format c`). A test keeps the two maps in step.
 */
import type { FormatStyle } from './index.js';
import type { Formatter } from './formatter.js';

export const formatLoaders: Readonly<Record<FormatStyle, () => Promise<Formatter>>> = {
  c: () => import('./c-array.js').then((m) => m.formatC),
  hex: () => import('./hex.js').then((m) => m.formatHex),
  arduino: () => import('./arduino.js').then((m) => m.formatArduino),
  python: () => import('./python.js').then((m) => m.formatPython),
  base64: () => import('./base64.js').then((m) => m.formatBase64),
  raw: () => import('./raw.js').then((m) => m.formatRaw),
  table: () => import('./index.js').then((m) => m.formatTable),
  at: () => import('./at.js').then((m) => m.formatAt),
  json: () => import('./json.js').then((m) => m.formatJson),
  mqttjs: () => import('./mqttjs.js').then((m) => m.formatMqttjs),
  mqttx: () => import('./mqttx.js').then((m) => m.formatMqttx),
  mosquitto: () => import('./mosquitto.js').then((m) => m.formatMosquitto),
  env: () => import('./env.js').then((m) => m.formatEnv),
};

export const formatStyles = Object.keys(formatLoaders) as FormatStyle[];
