/** `table`: a signing run's packets for a person to read, field by field, with the login summary and the sizes. */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { renderTable } from './table.js';
import { sizeReport } from './size.js';
import { summaryLines } from './summary.js';

/** `table`: the annotated field-by-field view of each packet, rendered from the decoder's field spans, then the sizes. */
export function formatTable(input: FormatInput, options: FormatOptions = {}): Formatted {
  const { paint, lang } = options;
  const tables = input.packets.map((p) => oneNewline(renderTable(p.bytes, { protocolVersion: input.protocolVersion, paint, lang })));
  const report = sizeReport(input.packets, lang).map((l) => (paint ? paint.dim(l) : l));
  // The summary first: what a person types into a client before anything else.
  const summary = summaryLines(input, lang);
  const head = summary.length === 0 ? '' : `${summary.join('\n')}\n\n`;
  return { output: `${head}${tables.join('\n')}\n${report.join('\n')}\n`, report: [], warnings: [] };
}

/** The text ending in exactly one line feed (string code: a regular expression costs a short run its compilation). */
function oneNewline(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return `${text.slice(0, end)}\n`;
}
