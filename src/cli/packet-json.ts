/**
 * One decoded packet as a JSON object (a `packets[]` entry of `--format json`, a line of `--format jsonl`), written
 * straight into a ByteSink. The text is exactly what toJson (src/json-text.ts: JSON.stringify, with the characters a
 * terminal acts on escaped too) would make of the documented object (same keys, same order); it is written by hand so that no intermediate object, string or hex copy is made per
 * packet: the packet's `hex` and a UTF-8 payload go from its bytes to the output bytes.
 *
 * The packet's bytes appear once, as `hex`. A binary value inside `packet` (payload, password, correlation data, …)
 * is `{offset, length}` locating it in those bytes, plus `utf8` when it is valid UTF-8; a field whose value would
 * only repeat its bytes has no `value` (read `hex` at its offset and length).
 */
import { isUtf8 } from 'node:buffer';
import type { Lang } from '../messages.js';
import type { CapturedPacket } from '../capture/packet.js';
import type { Problem } from '../capture/diagnose.js';
import type { Field } from '../mqtt/types.js';
import { isBinaryField } from '../mqtt/decode.js';
import type { ReplyMeaning } from '../mqtt/replies.js';
import type { ByteSink } from './byte-sink.js';
import { replyMeanings } from './replies.js';
import { jsonQuote } from '../json-text.js';

export function writePacketJson(
  out: ByteSink,
  p: CapturedPacket,
  problems: readonly Problem[],
  problemText: (problem: Problem) => string,
  lang: Lang,
  platform?: string,
): void {
  const bytes = p.bytes;
  out.text(
    `{"index":${p.index},"stream":${p.stream ?? 'null'},"direction":${p.direction === null ? 'null' : `"${p.direction}"`},` +
      `"time":${p.time === null ? 'null' : num(p.time)},"offset":${p.offset},"length":${bytes.length},"hex":"`,
  );
  out.hex(bytes);
  const packet = p.packet;
  if (packet) {
    out.text(`","type":"${packet.cmd}","packet":`);
    writeValue(out, packet, bytes);
    out.text(',"fields":[');
    const meanings = replyMeanings(p, lang, platform);
    // Keyed by place: p.fields may build fresh objects on each access.
    const meaningAt = meanings.length === 0 ? null : new Map(meanings.map(({ field, meaning }) => [`${field.name}@${field.offset}`, meaning]));
    const fields = p.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      writeField(out, f, meaningAt?.get(`${f.name}@${f.offset}`), i > 0);
    }
    out.text('],"problems":[');
  } else {
    out.text('","type":null,"packet":null,"fields":[],"problems":[');
  }
  for (let i = 0; i < problems.length; i++) {
    const problem = problems[i]!;
    out.text(`${i > 0 ? ',' : ''}{"code":`);
    out.jsonString(problem.code);
    out.text(',"message":');
    out.jsonString(problemText(problem));
    out.text('}');
  }
  out.text(']}');
}

/** A number as JSON.stringify writes it (finite ones as String does; NaN and ±Infinity as null). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/** `{"name":"<name>","offset":` per field name: the codec's names are a few dozen spec names, quoted once each. */
const fieldHeads = new Map<string, string>();

function fieldHead(name: string): string {
  let head = fieldHeads.get(name);
  if (head === undefined) {
    head = `{"name":${jsonQuote(name)},"offset":`;
    // Bounded all the same, should a name ever come from the input.
    if (fieldHeads.size < 512) fieldHeads.set(name, head);
  }
  return head;
}

function writeField(out: ByteSink, f: Field, meaning: ReplyMeaning | undefined, comma: boolean): void {
  out.text(`${comma ? ',' : ''}${fieldHead(f.name)}${f.offset},"length":${f.length}`);
  // A binary field's value would repeat the packet's `hex` (and is made only when read: not read here); an empty one
  // keeps its "" value.
  if (!(isBinaryField(f) && f.length > 0) && f.value !== undefined) {
    out.text(',"value":');
    writeValue(out, f.value, null);
  }
  if (meaning !== undefined) {
    out.text(',"meaning":');
    writeValue(out, meaning, null);
  }
  out.text('}');
}

/** A UTF-8 byte order mark: TextDecoder drops it, and the `utf8` value always has (kept so the output does not change). */
const hasBom = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/**
 * Any value of a decoded packet, as JSON.stringify writes it (undefined members left out, non-finite numbers null),
 * except that a Uint8Array is its place in `bytes` (or its own hex) plus its UTF-8 text. Packets nest a few levels at
 * most (properties, user properties, subscriptions), so recursion is bounded by the codec's types, not by the input.
 */
function writeValue(out: ByteSink, value: unknown, bytes: Uint8Array | null): void {
  if (value === null) return out.text('null');
  switch (typeof value) {
    case 'string':
      return out.jsonString(value);
    case 'number':
      return out.text(num(value));
    case 'boolean':
      return out.text(value ? 'true' : 'false');
    case 'object':
      break;
    default:
      // undefined, functions and symbols inside an array (members are filtered before): JSON.stringify writes null.
      return out.text('null');
  }
  if (value instanceof Uint8Array) return writeBinary(out, value, bytes);
  if (Array.isArray(value)) {
    out.text('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.text(',');
      writeValue(out, value[i], bytes);
    }
    return out.text(']');
  }
  out.text('{');
  let first = true;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (!first) out.text(',');
    first = false;
    out.jsonString(key);
    out.text(':');
    writeValue(out, v, bytes);
  }
  out.text('}');
}

function writeBinary(out: ByteSink, value: Uint8Array, bytes: Uint8Array | null): void {
  const at = bytes !== null && value.buffer === bytes.buffer ? value.byteOffset - bytes.byteOffset : -1;
  // A view into the packet's bytes (the decoder never copies): where it is. Otherwise (not expected) its own hex.
  if (bytes !== null && at >= 0 && at + value.length <= bytes.length) {
    out.text(`{"offset":${at},"length":${value.length}`);
  } else {
    out.text('{"hex":"');
    out.hex(value);
    out.text(`","length":${value.length}`);
  }
  if (isUtf8(value)) {
    out.text(',"utf8":');
    out.jsonUtf8(hasBom(value) ? value.subarray(3) : value);
  }
  out.text('}');
}
