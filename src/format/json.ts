/** `json`: the document of json-document.ts (its schema is described there and in the README), with --modem's AT script. */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { atScript } from './at.js';
import { jsonDocument } from './json-document.js';

export function formatJson(input: FormatInput, options: FormatOptions = {}): Formatted {
  return jsonDocument(input, options.modem === undefined ? undefined : atScript(input, options));
}
