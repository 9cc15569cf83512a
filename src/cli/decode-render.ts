/**
 * decode's output formats as streaming renderers: a head, one piece of text per packet as it is decoded, and a tail
 * with the summary. Nothing is gathered: each packet's text is written and dropped.
 *   table  annotated fields per packet, a summary line          (people)
 *   json   {"packets": [...], "summary": {...}}                  (one document)
 *   jsonl  one packet object per line, then {"summary": {...}}   (jq -c, streaming consumers)
 *   tsv    a header line, then one line per packet               (cut, awk, spreadsheets)
 * A malformed packet repeated back to back (src/capture/repeats.ts) is written once, then its copies as one `repeat`.
 */
import { hint, message, type Lang } from '../messages.js';
import { termSafe, TERM_LINE_MAX } from '../terminal-text.js';
import { toJson } from '../json-text.js';
import type { CapturedPacket } from '../capture/packet.js';
import type { Problem } from '../capture/diagnose.js';
import type { Repeat } from '../capture/repeats.js';
import type { SkippedStream } from '../capture/stream.js';
import type { Field, ProtocolVersion } from '../mqtt/types.js';
import { platformLines } from './replies.js';
import type { ByteSink } from './byte-sink.js';
import { writePacketJson } from './packet-json.js';
import type { Paint } from '../format/types.js';

export const DECODE_FORMATS = ['table', 'json', 'jsonl', 'tsv'] as const;
export type DecodeFormat = (typeof DECODE_FORMATS)[number];

/** What a run found besides its packets; the last thing every format writes. */
export interface Summary {
  packets: number;
  /** TCP streams that gave packets (0 for plain bytes or text). */
  streams: number;
  problems: number;
  readonly skipped: SkippedStream[];
  truncatedFrames: number;
  snaplen: number | null;
  /** Frames of a link type decode does not read, and the first such type. */
  unreadFrames: number;
  unreadLinkType: number | null;
  /** Frames holding IP fragments of TCP that were not reassembled. */
  unreadFragments: number;
  /** Ctrl-C stopped the run: the counts cover what was read until then. */
  interrupted: boolean;
  /** Packets the text makes read as decimal, when its hex reading has a problem and that one has none (ReadStats). */
  decimalPackets?: number;
}

/** Each writes into the sink (src/cli/byte-sink.ts), which hands the bytes to stdout in pieces. */
interface Renderer {
  head(out: ByteSink): void;
  /** `problems`: the packet's own and any the run adds (the payload lint of --platform). */
  packet(p: CapturedPacket, problems: readonly Problem[], out: ByteSink): void;
  /** The copies of the packet written just before (counted in the summary, one by one). */
  repeat(run: Repeat, out: ByteSink): void;
  tail(summary: Summary, out: ByteSink): void;
}

export function renderer(format: DecodeFormat, paint: Paint, lang: Lang, renderFields: RenderFields | null, platform?: string): Renderer {
  const text = problemTexts(lang);
  switch (format) {
    case 'json':
      return jsonRenderer(lang, platform);
    case 'jsonl':
      return {
        head: () => {},
        packet: (p, problems, out) => {
          writePacketJson(out, p, problems, text, lang, platform);
          out.text('\n');
        },
        repeat: (run, out) => out.text(`${toJson({ repeat: repeatJson(run) })}\n`),
        tail: (s, out) => out.text(`${toJson({ summary: summaryJson(s) })}\n`),
      };
    case 'tsv':
      return {
        head: (out) => out.text(`${TSV_COLUMNS.join('\t')}\n`),
        packet: (p, _problems, out) => out.text(tsvLine(p)),
        repeat: (run, out) => out.text(tsvRepeat(run)),
        tail: () => {},
      };
    default:
      return tableRenderer(paint, lang, renderFields!, platform);
  }
}

type RenderFields = (bytes: Uint8Array, fields: readonly Field[], opts: { paint: Paint; lang: Lang; codeVersion: ProtocolVersion }) => string;

function jsonRenderer(lang: Lang, platform: string | undefined): Renderer {
  const text = problemTexts(lang);
  let first = true;
  return {
    head: (out) => out.text('{"packets": ['),
    packet(p, problems, out) {
      out.text(first ? '\n  ' : ',\n  ');
      first = false;
      writePacketJson(out, p, problems, text, lang, platform);
    },
    repeat: (run, out) => out.text(`,\n  ${toJson({ repeat: repeatJson(run) })}`),
    tail: (s, out) => out.text(`${first ? '' : '\n'}], "summary": ${toJson(summaryJson(s))}}\n`),
  };
}

/**
 * A run of copies as JSON: `of` is the index of the packet repeated (the entry just before), the copies are indexes
 * `index` … `lastIndex` (`count` of them), each `length` bytes with that packet's bytes and problems, the first at
 * `offset` and `time`, the last at `lastOffset` and `lastTime`.
 */
function repeatJson(run: Repeat): unknown {
  const { first, copy, last, count } = run;
  return {
    of: first.index,
    count,
    index: copy.index,
    lastIndex: last.index,
    stream: copy.stream,
    direction: copy.direction,
    time: copy.time,
    lastTime: last.time,
    offset: copy.offset,
    lastOffset: last.offset,
    length: copy.bytes.length,
  };
}

/** The summary object of json and jsonl. */
function summaryJson(s: Summary): unknown {
  return {
    packets: s.packets,
    streams: s.streams,
    problems: s.problems,
    skippedStreams: s.skipped.map((k) => ({ stream: k.stream, port: k.port, reason: k.reason })),
    truncatedFrames: s.truncatedFrames,
    snaplen: s.snaplen,
    unreadFrames: s.unreadFrames,
    unreadLinkType: s.unreadLinkType,
    unreadFragments: s.unreadFragments,
    interrupted: s.interrupted,
  };
}

const DIRECTION_KEYS = { 'client->broker': 'decode.direction.up', 'broker->client': 'decode.direction.down' } as const;

function tableRenderer(paint: Paint, lang: Lang, renderFields: RenderFields, platform: string | undefined): Renderer {
  const sentence = problemTexts(lang);
  return {
    head: () => {},
    packet(p, problems, out) {
      let text = `${heading(p, paint, lang)}\n`;
      text += p.packet ? renderFields(p.bytes, p.fields, { paint, lang, codeVersion: p.protocolVersion }) : unparsed(p.bytes, paint, lang);
      for (const line of platformLines(p, lang, platform)) text += `${paint.warn('→')} ${line}\n`;
      for (const problem of problems) text += `${paint.error('✗')} ${termSafe(sentence(problem), TERM_LINE_MAX)}\n`;
      out.text(`${text}\n`);
    },
    repeat: (run, out) => out.text(`${paint.error('✗')} ${repeatText(run, lang)}\n\n`),
    tail(s, out) {
      const line = message(s.streams > 0 ? 'decode.summary.capture' : 'decode.summary', { count: s.packets, streams: s.streams, problems: s.problems }, lang);
      let text = `${s.problems > 0 ? paint.error(line) : paint.ok(line)}\n`;
      for (const note of notes(s, lang)) text += `${paint.warn(note)}\n`;
      out.text(text);
    },
  };
}

/**
 * The summary's sentences beyond the counts: skipped TLS and WebSocket streams, frames cut by the snaplen or of a link
 * type not read, fragments not reassembled, an interruption, and the text's decimal reading.
 */
export function notes(s: Summary, lang: Lang): string[] {
  const out = s.skipped.map((k) => `${message(`capture.skipped.${k.reason}`, { stream: k.stream, port: k.port }, lang)} (${hint(`capture.skipped.${k.reason}`, {}, lang)})`);
  if (s.truncatedFrames > 0) {
    const params = { count: s.truncatedFrames, snaplen: s.snaplen ?? 0 };
    out.push(`${message('pipeline.truncated', params, lang)} (${hint('pipeline.truncated', params, lang)})`);
  }
  if (s.unreadFrames > 0) {
    const params = { count: s.unreadFrames, linkType: s.unreadLinkType ?? 0 };
    out.push(`${message('pipeline.link-type', params, lang)} (${hint('pipeline.link-type', params, lang)})`);
  }
  if (s.unreadFragments > 0) {
    const params = { count: s.unreadFragments };
    out.push(`${message('pipeline.fragments', params, lang)} (${hint('pipeline.fragments', params, lang)})`);
  }
  if (s.interrupted) out.push(message('pipeline.interrupted', {}, lang));
  if (s.decimalPackets) out.push(decimalNote(s.decimalPackets, lang));
  return out;
}

/** The one line of the decimal diagnosis (src/capture/read.ts decimalPackets), with its fix. */
export function decimalNote(count: number, lang: Lang): string {
  return `${message('pipeline.decimal', { count }, lang)} (${hint('pipeline.decimal', {}, lang)})`;
}

function heading(p: CapturedPacket, paint: Paint, lang: Lang): string {
  const type = p.packet ? p.packet.cmd.toUpperCase() : message('decode.malformed', {}, lang);
  const parts = [`#${p.index}`, p.packet ? paint.ok(type) : paint.error(type)];
  if (p.stream !== null) {
    parts.push(message('decode.where.stream', { stream: p.stream }, lang));
    if (p.direction) parts.push(message(DIRECTION_KEYS[p.direction], {}, lang));
    parts.push(message('decode.where.time', { time: (p.time ?? 0).toFixed(6), frame: p.frame ?? '?' }, lang));
  } else if (p.direction) {
    parts.push(message(DIRECTION_KEYS[p.direction], {}, lang));
  }
  parts.push(paint.dim(message('decode.where.bytes', { offset: p.offset, length: p.bytes.length }, lang)));
  return parts.join('  ');
}

/**
 * Bytes that did not decode, shown in the table: the first SHOWN_BYTES as hex, then how many more. A 16 MiB cut-off
 * stretch was once a 50 MB hex dump on the terminal; the count says what is left out and where to get it whole.
 */
const SHOWN_BYTES = 256;

function unparsed(bytes: Uint8Array, paint: Paint, lang: Lang): string {
  const shown = paint.dim(hexBlock(bytes.subarray(0, SHOWN_BYTES)));
  if (bytes.length <= SHOWN_BYTES) return `${shown}\n`;
  return `${shown}\n${paint.dim(message('decode.bytes.more', { count: bytes.length - SHOWN_BYTES }, lang))}\n`;
}

function hexBlock(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(Array.from(bytes.subarray(i, i + 16), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' '));
  }
  return lines.join('\n');
}

/** A run of copies in one sentence: which packet, how many more times, and where (and when, in a capture) they are. */
function repeatText(run: Repeat, lang: Lang): string {
  const { first, copy, last, count } = run;
  const params = { of: first.index, count, from: copy.index, to: last.index, start: copy.offset, end: last.offset + last.bytes.length - 1 };
  if (copy.stream === null) return message('pipeline.repeat', params, lang);
  const when = { stream: copy.stream, time: (copy.time ?? 0).toFixed(6), lastTime: (last.time ?? 0).toFixed(6), frame: copy.frame ?? '?', lastFrame: last.frame ?? '?' };
  return message('pipeline.repeat.capture', { ...params, ...when }, lang);
}

/**
 * problemText that remembers the last problem's sentence: the malformed packets of a broken stream carry the same
 * problem object packet after packet (src/capture/split.ts), and formatting it again each time showed in profiles.
 */
function problemTexts(lang: Lang): (problem: Problem) => string {
  let last: Problem | null = null;
  let sentence = '';
  return (problem) => {
    if (problem !== last) {
      sentence = problemText(problem, lang);
      last = problem;
    }
    return sentence;
  };
}

/** A problem's sentence and its fix, in the user's language. */
export function problemText(problem: Problem, lang: Lang): string {
  const fix = hint(problem.code, problem.params, lang);
  return `${message(problem.code, problem.params, lang)}${fix ? ` (${fix})` : ''}`;
}

const TSV_COLUMNS = ['index', 'time', 'stream', 'direction', 'type', 'length', 'key'];

/** index, time, stream, direction, type, length, key: empty cells for what the input does not have. */
function tsvLine(p: CapturedPacket): string {
  const cells = [
    String(p.index),
    p.time === null ? '' : p.time.toFixed(6),
    p.stream === null ? '' : String(p.stream),
    p.direction ?? '',
    p.packet ? p.packet.cmd : 'malformed',
    String(p.bytes.length),
    tsvCell(keyOf(p)),
  ];
  return `${cells.join('\t')}\n`;
}

/** A run of copies: the first copy's index, time, stream and direction, type `repeat`, its length, and the count as key. */
function tsvRepeat(run: Repeat): string {
  const { copy, count } = run;
  const time = copy.time === null ? '' : copy.time.toFixed(6);
  return `${[String(copy.index), time, copy.stream === null ? '' : String(copy.stream), copy.direction ?? '', 'repeat', String(copy.bytes.length), String(count)].join('\t')}\n`;
}

/** The one value that identifies a packet: client id, topic, packet id, return or reason code; a malformed one's problem. */
function keyOf(p: CapturedPacket): string {
  const packet = p.packet;
  if (!packet) return p.problems[0]?.code ?? '';
  switch (packet.cmd) {
    case 'connect':
      return packet.clientId;
    case 'connack':
      return String(packet.returnCode ?? packet.reasonCode ?? '');
    case 'publish':
      return packet.topic;
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
    case 'subscribe':
    case 'suback':
    case 'unsubscribe':
    case 'unsuback':
      return String(packet.messageId);
    case 'disconnect':
    case 'auth':
      return packet.reasonCode === undefined ? '' : String(packet.reasonCode);
    default:
      return '';
  }
}

/**
 * A TSV cell never holds a tab, a line break or a character a terminal acts on: backslash escapes as in PostgreSQL's
 * text format for C0, DEL and C1 (\x9b); format characters (bidi, zero-width), U+2028/U+2029 and lone surrogates as
 * \u202e or \u{e0001}, the forms termSafe (src/terminal-text.ts) shows them in.
 */
function tsvCell(text: string): string {
  if (plainCell(text) || !TSV_UNSAFE().test(text)) return text;
  return text.replace(TSV_UNSAFE_ALL(), (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\t') return '\\t';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    const cp = c.codePointAt(0)!;
    if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
    if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
    return `\\u{${cp.toString(16)}}`;
  });
}

/** Printable ASCII without a backslash (most client ids and topics): nothing to escape, no Unicode class built. */
function plainCell(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x5c) return false;
  }
  return true;
}

const TSV_UNSAFE_SOURCE = '[\\\\\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}]';
// Made on first use, as in terminal-text.ts: the Unicode classes cost to build and only tsv needs these.
let tsvUnsafe: RegExp | undefined;
let tsvUnsafeAll: RegExp | undefined;
const TSV_UNSAFE = (): RegExp => (tsvUnsafe ??= new RegExp(TSV_UNSAFE_SOURCE, 'u'));
const TSV_UNSAFE_ALL = (): RegExp => (tsvUnsafeAll ??= new RegExp(TSV_UNSAFE_SOURCE, 'gu'));
