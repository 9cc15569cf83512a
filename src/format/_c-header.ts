/**
 * The C header every C-family format writes (private to src/format): one comment on top (title, login, notes, size
 * report), an include guard, the unused-attribute macro, one array and _LEN define per packet, then the format's code.
 */
import { jsonQuote } from '../json-text.js';
import type { FormatInput, FormatOptions } from './formatter.js';
import { slices } from './_pieces.js';
import { checkName, identifiers } from './_bytes.js';
import { hexCells } from './_byte-text.js';
import { sizeReport } from './size.js';
import { message } from '../messages.js';
import { termSafe } from '../terminal-text.js';
import { websocketListener } from './_websocket.js';

/** How a header differs between C and Arduino: its guard, includes, array declaration and any code after the arrays. */
interface HeaderParts {
  readonly guard: string;
  readonly includes: readonly string[];
  /** The declaration before ` = {`, e.g. `static const uint8_t mqtt_connect[]`. */
  readonly declare: (id: string) => string;
  /** Source appended after the arrays, inside the guard. */
  readonly after?: string;
  /** Lines for the top comment, after the title (how to use what follows). */
  readonly notes?: readonly string[];
}

/** The attribute macro the arrays carry; defined once, whichever of our headers comes first. */
export const UNUSED = 'MQTT_SIGN_UNUSED';

/**
 * GCC and Clang warn about an unused static const array in C (-Wunused-const-variable, part of -Wall): the attribute
 * tells them it may go unused. Other compilers get nothing, and none of them warns for it.
 */
const UNUSED_MACRO = `#ifndef ${UNUSED}
#if defined(__GNUC__) || defined(__clang__)
#define ${UNUSED} __attribute__((unused))
#else
#define ${UNUSED}
#endif
#endif`;

/** Bytes of an array written as one piece: 4,096 rows of 16, ~400 KB of text. */
const SLICE = 16 * 4096;

/**
 * The whole header (comment, guard, includes, the unused-attribute macro, the arrays and _LEN defines, `after`) in
 * pieces of a bounded size, made as they are asked for: a writer that takes one at a time (the CLI, waiting for its
 * reader) never holds a large payload's text (~6 characters a byte) whole, nor a copy of it. The checks that can fail
 * (--name) run here, before any piece exists.
 */
export function cHeaderPieces(input: FormatInput, options: FormatOptions, parts: HeaderParts): () => Generator<string> {
  const ids = identifiers(checkName(options.name ?? 'mqtt'), input.packets.map((p) => p.name));
  const notes = parts.notes === undefined ? [] : ['', ...parts.notes];
  const head = [...describeFile(input, options), ...notes, '', ...sizeReport(input.packets, options.lang)];
  const top = [comment(head), `#ifndef ${parts.guard}\n#define ${parts.guard}`, parts.includes.map((h) => `#include ${h}`).join('\n'), UNUSED_MACRO].join('\n\n');
  const tail = [...(parts.after === undefined ? [] : [parts.after]), `#endif /* ${parts.guard} */\n`].join('\n\n');
  const layout = { cell: '0x', separator: ', ', perRow: 16, indent: '    ', newline: ',\n' };
  return function* () {
    yield top;
    for (const [i, packet] of input.packets.entries()) {
      const id = ids[i]!;
      yield `\n\n${parts.declare(id)} = {\n`;
      let first = true;
      for (const slice of slices(packet.bytes, SLICE)) {
        yield `${first ? '' : layout.newline}${hexCells(slice, layout)}`;
        first = false;
      }
      yield `\n};\n#define ${id.toUpperCase()}_LEN ${packet.bytes.length}`;
    }
    yield `\n\n${tail}`;
  };
}

/** The file's title: what the packets are for and where they go, then clientId and username. Never the password. */
function describeFile(input: FormatInput, options: FormatOptions): string[] {
  const names = input.packets.map((p) => p.name).join(', ');
  const title = input.broker
    ? message('firmware.c.title', { packets: names, where: `${input.broker.url}${input.platform ? ` (${input.platform})` : ''}` }, options.lang)
    : message('firmware.c.title.nobroker', { packets: names }, options.lang);
  return [title, ...login(input), ...websocketNote(input, options.lang)];
}

/**
 * Where the broker's port speaks WebSocket, the packets are right but travel inside WebSocket frames: said once on
 * top, with a blank line before it, so no one opens bare TCP to that port.
 */
export function websocketNote(input: FormatInput, lang: FormatOptions['lang']): string[] {
  const listener = input.broker === undefined ? undefined : websocketListener(input.broker);
  return listener === undefined ? [] : ['', message('firmware.websocket', { url: listener.url }, lang)];
}

function login(input: FormatInput): string[] {
  if (!input.credentials) return [];
  const lines = [`clientId: ${jsonQuote(input.credentials.clientId)}`];
  if (input.credentials.username !== null) lines.push(`username: ${jsonQuote(input.credentials.username)}`);
  return lines;
}

/** "<packet> -> <broker url> (<platform>)", clientId and username, as comment lines (python). Never the password. */
export function describe(name: string, input: FormatInput): string[] {
  const lines = [input.broker ? `${name} -> ${input.broker.url}${input.platform ? ` (${input.platform})` : ''}` : name, ...login(input)];
  return lines.map((l) => termSafe(l, Infinity));
}

/** A block comment of lines made safe by commentText. */
function comment(lines: readonly string[]): string {
  const safe = lines.map(commentText);
  return safe.length === 1 ? `/* ${safe[0]} */` : `/*\n${safe.map((l) => (l === '' ? ' *' : ` * ${l}`)).join('\n')}\n */`;
}

/**
 * Text for inside a C comment. Controls and bidi overrides are escaped as on a terminal: in source code they would
 * hide or reorder what a reader sees (Trojan Source). A `*\/` cannot end the comment early, nor a `/*` trip
 * -Wcomment, and a `?` before another gets a backslash after it, so no trigraph (`??/` is a backslash in strict
 * C89/C99) can form.
 */
export function commentText(text: string): string {
  return termSafe(text, Infinity).replaceAll('*/', '*\\/').replaceAll('/*', '/\\*').replace(/\?(?=\?)/g, '?\\');
}
