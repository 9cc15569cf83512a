/**
 * `c --runtime`: one self-contained C99 header for a firmware that keeps talking after the first packet. The signed
 * CONNECT and the SUBSCRIBE/PINGREQ/DISCONNECT arrays as in `c`, a PUBLISH writer per topic (the Remaining Length
 * is computed for each payload, so a reading that grows past 127 bytes still makes a valid packet), the platform's
 * payload envelope around the caller's params JSON, and readers for what the broker sends back. Only <stdint.h> and
 * <stddef.h>; no allocation, no libc calls; `static inline` under an include guard, so it is usable from C++ too.
 */
import type { FormatInput, FormatOptions, Formatted, RuntimeEnvelope, RuntimeSpec, RuntimeTopic } from './formatter.js';
import type { NamedPacket } from './types.js';
import { fromPieces } from './_pieces.js';
import { cHeaderPieces, commentText, UNUSED } from './_c-header.js';
import { checkName, remainingLength } from './_bytes.js';
import { websocketListener } from './_websocket.js';
import { runtimeLibrary } from './_c-runtime-lib.js';
import { message } from '../messages.js';

export function formatCRuntime(input: FormatInput, options: FormatOptions = {}): Formatted {
  const p = checkName(options.name ?? 'mqtt');
  const P = p.toUpperCase();
  const version = input.protocolVersion ?? 4;
  // PUBLISH packets become writers; a PINGREQ is always there, since every firmware loop needs one.
  const arrays: NamedPacket[] = input.packets.filter((pk) => pk.name !== 'publish');
  if (!arrays.some((pk) => pk.name === 'pingreq')) arrays.push({ name: 'pingreq', bytes: Uint8Array.of(0xc0, 0x00) });
  const spec = input.runtime ?? { topics: publishTopics(input.packets), envelopes: [] };
  const writers = topicWriters(p, spec.topics);
  const envelopes = spec.envelopes.map((e) => envelopeWriter(p, e));
  const connect = input.packets.find((pk) => pk.name === 'connect');
  const keepalive = connect && keepAlive(connect.bytes);
  const code = [
    ...(keepalive !== undefined
      ? [`/* Keep Alive of the CONNECT: send something (${p}_pingreq) at least this often, in seconds. */\n#define ${P}_KEEPALIVE ${keepalive}`]
      : []),
    runtimeLibrary(p, version === 5 ? 5 : version === 3 ? 3 : 4),
    ...writers.map((w) => w.code),
    ...(envelopes.length > 0 ? [putHelpers(p), ...envelopes.map((e) => e.code)] : []),
  ].join('\n\n');
  const pieces = cHeaderPieces({ ...input, packets: arrays }, options, {
    guard: `${P}_RUNTIME_H`,
    includes: ['<stdint.h>', '<stddef.h>'],
    declare: (id) => `${UNUSED} static const uint8_t ${id}[]`,
    notes: usage(p, arrays, writers[0]?.call, envelopes[0]?.call, input.broker !== undefined && websocketListener(input.broker) !== undefined, options),
    after: code,
  });
  return fromPieces(pieces);
}

/**
 * Without a spec from the CLI: one writer per PUBLISH packet's topic, at its QoS and retain. The packets come from
 * encode(), so the fields are read at their fixed places (3.1.1 §3.3.1-§3.3.2): flags in byte 0, then the topic.
 */
function publishTopics(packets: readonly NamedPacket[]): RuntimeTopic[] {
  return packets.flatMap((pk) => {
    const b = pk.bytes;
    if (pk.name !== 'publish' || b[0]! >> 4 !== 3) return [];
    const at = 1 + remainingLength(b).width;
    const topic = new TextDecoder().decode(b.subarray(at + 2, at + 2 + ((b[at]! << 8) | b[at + 1]!)));
    const qos = ((b[0]! >> 1) & 3) as 0 | 1 | 2;
    return [{ name: topic, topic, qos, retain: (b[0]! & 1) === 1 }];
  });
}

/** The CONNECT's Keep Alive: after the fixed header, the protocol name (u16 length + bytes), level and flags (3.1.1 §3.1.2). */
function keepAlive(b: Uint8Array): number | undefined {
  if (b[0] !== 0x10) return undefined;
  const at = 1 + remainingLength(b).width;
  const k = at + 2 + ((b[at]! << 8) | b[at + 1]!) + 2;
  return k + 1 < b.length ? (b[k]! << 8) | b[k + 1]! : undefined;
}

interface Writer {
  readonly code: string;
  /** How the usage comment shows a call. */
  readonly call: string;
}

/** An identifier part from a topic name or topic: runs of other characters become one _, and no __ (C++ reserves it). */
function identifierPart(name: string): string {
  const part = name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return part === '' ? 'topic' : part;
}

/** `<p>_publish_<name>` at QoS 0, and `<p>_publish_<name>_qos<N>` with a Packet Identifier when the topic's QoS is 1 or 2. */
function topicWriters(p: string, topics: readonly RuntimeTopic[]): Writer[] {
  const seen = new Map<string, number>();
  return topics.map((t) => {
    const base = identifierPart(t.name);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const name = n === 1 ? base : `${base}_${n}`;
    const topicId = `${p}_topic_${name}`;
    const retain = t.retain ? 1 : 0;
    const lines = [
      `/* ${t.name === t.topic ? 'PUBLISH' : `${t.name}: PUBLISH`} to ${commentText(t.topic)}${t.retain ? ', retained' : ''} */`,
      `${UNUSED} static const char ${topicId}[] = ${cString(t.topic)};`,
      `#define ${topicId.toUpperCase()}_LEN ${utf8(t.topic).length}`,
      `static inline size_t ${p}_publish_${name}(uint8_t *buf, size_t cap, const void *payload, size_t len) {`,
      `  return ${p}_publish(buf, cap, ${topicId}, sizeof ${topicId} - 1u, payload, len, 0, ${retain}, 0);`,
      '}',
    ];
    if (t.qos > 0) {
      lines.push(
        `static inline size_t ${p}_publish_${name}_qos${t.qos}(uint8_t *buf, size_t cap, const void *payload, size_t len, uint16_t packet_id) {`,
        `  return ${p}_publish(buf, cap, ${topicId}, sizeof ${topicId} - 1u, payload, len, ${t.qos}, ${retain}, packet_id);`,
        '}',
      );
    }
    return { code: lines.join('\n'), call: `${p}_publish_${name}(tx, sizeof tx, json, json_len)` };
  });
}

/** The byte-copy helpers the envelope writers share: each returns 0 when the next bytes would not fit. */
function putHelpers(p: string): string {
  return `/* Appends n bytes at *at when they fit in cap; 1 on success, 0 (nothing written) when not. */
static inline int ${p}_put(uint8_t *buf, size_t cap, size_t *at, const char *s, size_t n) {
  size_t i;
  if (n > cap - *at) return 0;
  for (i = 0; i < n; i++) buf[(*at)++] = (uint8_t)s[i];
  return 1;
}

/* Appends n as a 16-bit big-endian length; 0 when it does not fit in 16 bits. */
static inline int ${p}_put_u16(uint8_t *buf, size_t cap, size_t *at, size_t n) {
  if (n > 65535u || cap - *at < 2u) return 0;
  buf[(*at)++] = (uint8_t)(n >> 8);
  buf[(*at)++] = (uint8_t)(n & 0xffu);
  return 1;
}

/* Appends v in decimal; by subtraction, since a Cortex-M0 has no divide instruction. */
static inline int ${p}_put_u32(uint8_t *buf, size_t cap, size_t *at, uint32_t v) {
  static const uint32_t tens[10] = { 1000000000ul, 100000000ul, 10000000ul, 1000000ul, 100000ul, 10000ul, 1000ul, 100ul, 10ul, 1ul };
  size_t i, start = *at;
  int seen = 0;
  for (i = 0; i < 10; i++) {
    uint8_t digit = 0;
    while (v >= tens[i]) {
      v -= tens[i];
      digit++;
    }
    if (digit == 0 && !seen && i < 9) continue;
    seen = 1;
    if (*at == cap) {
      *at = start;
      return 0;
    }
    buf[(*at)++] = (uint8_t)('0' + digit);
  }
  return 1;
}`;
}

/** `<p>_envelope_<name>(buf, cap[, id][, params_json, params_len])`: the envelope's text around the holes it has. */
function envelopeWriter(p: string, e: RuntimeEnvelope): Writer {
  const name = identifierPart(e.name);
  const hasId = e.parts.some((x) => typeof x !== 'string' && x.slot === 'id');
  const hasParams = e.parts.some((x) => typeof x !== 'string' && x.slot === 'params');
  const args = ['uint8_t *buf', 'size_t cap', ...(hasId ? ['uint32_t id'] : []), ...(hasParams ? ['const char *params_json', 'size_t params_len'] : [])];
  const hasLength = e.parts.some((x) => typeof x !== 'string' && x.slot === 'length16');
  const steps = e.parts.map((x) => {
    if (typeof x === 'string') return `${p}_put(buf, cap, &at, ${cString(x)}, ${utf8(x).length}u)`;
    if (x.slot === 'length16') return `${p}_put_u16(buf, cap, &at, params_len)`;
    return x.slot === 'id' ? `${p}_put_u32(buf, cap, &at, id)` : `${p}_put(buf, cap, &at, params_json, params_len)`;
  });
  const shape = e.parts.map((x) => (typeof x === 'string' ? x : x.slot === 'id' ? '<id>' : x.slot === 'length16' ? '<length: 2 bytes>' : '<params_json>')).join('');
  const code = [
    `/* ${e.name} payload: ${commentText(shape)}`,
    ` * Returns its length, or 0 when cap is too small${hasLength ? ' or params_len is over 65535' : ''}.${hasParams ? ` params_json is copied as given: a JSON object${e.paramsExample ? `, each value in the platform's shape, e.g. ${commentText(e.paramsExample)}` : ''}.` : ''} */`,
    `static inline size_t ${p}_envelope_${name}(${args.join(', ')}) {`,
    '  size_t at = 0;',
    `  return ${steps.join('\n      && ')} ? at : 0;`,
    '}',
  ].join('\n');
  const callArgs = ['json', 'sizeof json', ...(hasId ? ['id'] : []), ...(hasParams ? ['params', 'params_len'] : [])];
  return { code, call: `${p}_envelope_${name}(${callArgs.join(', ')})` };
}

/** The how-to lines of the top comment, in the user's language, naming this header's own functions. */
function usage(p: string, arrays: readonly NamedPacket[], publish: string | undefined, envelope: string | undefined, websocket: boolean, options: FormatOptions): string[] {
  const params = { p, P: p.toUpperCase(), publish: publish ?? `${p}_publish(tx, sizeof tx, topic, topic_len, json, json_len, 0, 0, 0)`, envelope: envelope ?? '' };
  const lang = options.lang;
  const subscribe = arrays.some((pk) => pk.name === 'subscribe') ? 'firmware.runtime.how.subscribe' : 'firmware.runtime.how.nosubscribe';
  return [
    // Over WebSocket the first steps open the upgraded connection and read frames' payloads, not a bare TCP stream.
    ...message(websocket ? 'firmware.runtime.how.websocket' : 'firmware.runtime.how', params, lang).split('\n'),
    message(subscribe, params, lang),
    message(envelope ? 'firmware.runtime.how.envelope' : 'firmware.runtime.how.publish', params, lang),
    ...message('firmware.runtime.how.receive', params, lang).split('\n'),
  ];
}

/** A C string literal: printable ASCII as itself; quotes, backslash, ? (no trigraphs) and every other byte escaped in octal. */
function cString(text: string): string {
  let out = '"';
  for (const b of utf8(text)) {
    if (b === 0x22 || b === 0x5c || b === 0x3f) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export type { RuntimeSpec };
