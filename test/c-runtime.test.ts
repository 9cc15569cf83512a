// `--format c --runtime` against the library: the C PUBLISH writers must write exactly the bytes encode() writes
// (differential, thousands of random topics and payload lengths across every Remaining Length width), and the C reply
// readers must survive hundreds of thousands of mutated and truncated packets under ASan/UBSan, never give a wrong
// length, and agree with decode() wherever decode() accepts the packet.
import { afterAll, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '../src/format/index.js';
import type { FormatInput, RuntimeSpec } from '../src/format/formatter.js';
import { encode } from '../src/mqtt/encode.js';
import { decode } from '../src/mqtt/decode.js';
import type { Packet, ProtocolVersion, QoS } from '../src/mqtt/types.js';
import { connectFrom } from '../src/mqtt/connect-from.js';
import { buildC, concat, rng, runC, SANITIZE, STRICT_C, tempDir } from './helpers/c-runtime.js';
import { needsTools } from './helpers/tools.js';

const dir = tempDir('c-runtime');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tools = needsTools(['gcc', 'g++']);

const VERSIONS: readonly ProtocolVersion[] = [3, 4, 5];
/** Topics with their own writer in the header: ASCII, a long one, UTF-8 of 2, 3 and 4 bytes, and a ? (trigraph). */
const TOPICS = [
  { name: 'property-post', topic: '/sys/a1B2c3D4e5F/sensor01/thing/event/property/post', qos: 1 as QoS, retain: false },
  { name: 'telemetry', topic: 'devices/dev-01/messages/events/', qos: 0 as QoS, retain: true },
  { name: 'utf8', topic: 'capteurs/température/传感器/😀', qos: 2 as QoS, retain: false },
  { name: 'trigraph??/', topic: 'a??/b??=c"d\\e', qos: 1 as QoS, retain: true },
  { name: 'long', topic: 'x/'.repeat(150) + 'end', qos: 0 as QoS, retain: false },
];
const spec: RuntimeSpec = { topics: TOPICS, envelopes: [] };

function header(version: ProtocolVersion): string {
  const connect = encode(connectFrom({ clientId: 'fw', username: 'u', password: 'p' }, { keepalive: 120, protocolVersion: version }), { protocolVersion: version });
  const input: FormatInput = { packets: [{ name: 'connect', bytes: connect }], protocolVersion: version, runtime: spec };
  return format('c', input, { runtime: true }).output as string;
}

const payloadOf = (length: number, seed: number): Uint8Array => {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
};

// ---- differential: the writers against encode() ----------------------------------------------------------------

/** Record: kind (0 generic, 1+i writer i at QoS 0, 101+i writer i at its QoS), qos, retain, id u16, topic length u16, length u32, seed, topic. */
interface Case {
  readonly kind: number;
  readonly topic: string;
  readonly qos: number;
  readonly retain: boolean;
  readonly id: number;
  readonly length: number;
  readonly seed: number;
}

const DIFF_DRIVER = (writers: string) => `#include <stdio.h>
#include <stdlib.h>
#include "runtime.h"
static int get(void *p, size_t n) { return fread(p, 1, n, stdin) == n; }
static uint32_t be(const uint8_t *b, int n) { uint32_t v = 0; int i; for (i = 0; i < n; i++) v = v << 8 | b[i]; return v; }
static size_t write_one(int kind, uint8_t *buf, size_t cap, const char *topic, size_t tlen, const uint8_t *pl, size_t len, int qos, int retain, uint16_t id) {
  switch (kind) {
    case 0: return mqtt_publish(buf, cap, topic, tlen, pl, len, qos, retain, id);
${writers}
    default: abort();
  }
}
int main(void) {
  uint8_t h[12];
  while (get(h, 12)) {
    int kind = h[0], qos = h[1], retain = h[2], seed = h[11];
    uint16_t id = (uint16_t)be(h + 3, 2);
    size_t tlen = be(h + 5, 2), len = be(h + 7, 4), i, n, again, less;
    char *topic = malloc(tlen + 1);
    uint8_t *pl, *buf;
    if (tlen && !get(topic, tlen)) return 2;
    pl = malloc(len + 1);
    for (i = 0; i < len; i++) pl[i] = (uint8_t)(i * 31 + (size_t)seed);
    /* The exact size the packet needs at most: header 5, topic, id 2, property length 1. */
    buf = malloc(len + tlen + 16);
    n = write_one(kind, buf, len + tlen + 16, topic, tlen, pl, len, qos, retain, id);
    /* With one byte less room it must write nothing; with exactly the room, the same length. */
    less = n == 0 ? 0 : write_one(kind, buf, n - 1, topic, tlen, pl, len, qos, retain, id);
    again = n == 0 ? 0 : write_one(kind, buf, n, topic, tlen, pl, len, qos, retain, id);
    fputc(less == 0 && again == n, stdout);
    fputc((int)(n >> 24) & 255, stdout); fputc((int)(n >> 16) & 255, stdout); fputc((int)(n >> 8) & 255, stdout); fputc((int)n & 255, stdout);
    fwrite(buf, 1, n, stdout);
    free(topic); free(pl); free(buf);
  }
  return 0;
}
`;

function writerCases(): string {
  return TOPICS.map((t, i) => {
    const name = t.name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    const q = t.qos > 0 ? `    case ${101 + i}: return mqtt_publish_${name}_qos${t.qos}(buf, cap, pl, len, id);\n` : '';
    return `    case ${1 + i}: return mqtt_publish_${name}(buf, cap, pl, len);\n${q}`;
  }).join('');
}

function encodeCase(c: Case): Uint8Array {
  const topic = Buffer.from(c.topic, 'utf8');
  const h = Buffer.alloc(12);
  h[0] = c.kind;
  h[1] = c.qos;
  h[2] = c.retain ? 1 : 0;
  h.writeUInt16BE(c.id, 3);
  h.writeUInt16BE(topic.length, 5);
  h.writeUInt32BE(c.length, 7);
  h[11] = c.seed;
  return Buffer.concat([h, topic]);
}

const BOUNDARIES = [0, 1, 126, 127, 128, 16383, 16384];
const RL_EDGES = [127, 128, 16383, 16384, 2097151, 2097152];
/** Printable ASCII without the wildcards, '/', and multi-byte characters. */
const ALPHABET = [...'abcxyzABC019_-. /$', 'é', 'ß', '中', '传感', '😀'];

function cases(version: ProtocolVersion, seed: number): Case[] {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const out: Case[] = [];
  const overhead = (topicBytes: number, qos: number) => 2 + topicBytes + (qos > 0 ? 2 : 0) + (version === 5 ? 1 : 0);
  // Every writer at every boundary length and at each Remaining Length edge and one either side of it.
  TOPICS.forEach((t, i) => {
    const tb = Buffer.byteLength(t.topic);
    const lengths = [...BOUNDARIES, ...RL_EDGES.flatMap((e) => [e - 1, e, e + 1].map((v) => v - overhead(tb, t.qos)))].filter((l) => l >= 0);
    for (const length of lengths) {
      out.push({ kind: 1 + i, topic: t.topic, qos: 0, retain: t.retain, id: 0, length, seed: length & 0xff });
      if (t.qos > 0) out.push({ kind: 101 + i, topic: t.topic, qos: t.qos, retain: t.retain, id: 1 + (length % 65535), length, seed: 7 });
    }
  });
  // The generic writer: random topics, QoS, retain and ids, lengths mostly small, some at the boundaries.
  for (let n = 0; n < 3000; n++) {
    const topic = Array.from({ length: 1 + Math.floor(r() * 40) }, () => pick(ALPHABET)).join('');
    const qos = Math.floor(r() * 3);
    const length = r() < 0.2 ? pick(BOUNDARIES) : Math.floor(r() * (r() < 0.9 ? 300 : 20000));
    out.push({ kind: 0, topic, qos, retain: r() < 0.3, id: qos > 0 ? 1 + Math.floor(r() * 65535) : 0, length, seed: n & 0xff });
  }
  // Arguments the writer must refuse, as encode() does: wildcards, an empty topic, QoS 1 or 2 without an id, QoS 3.
  for (const topic of ['a/+/b', 'a/#', '#', '+', '']) out.push({ kind: 0, topic, qos: 0, retain: false, id: 0, length: 3, seed: 1 });
  out.push({ kind: 0, topic: 'a', qos: 1, retain: false, id: 0, length: 3, seed: 1 });
  out.push({ kind: 0, topic: 'a', qos: 2, retain: false, id: 0, length: 3, seed: 1 });
  out.push({ kind: 0, topic: 'a', qos: 3, retain: false, id: 1, length: 3, seed: 1 });
  out.push({ kind: 0, topic: 'a\u0000b', qos: 0, retain: false, id: 0, length: 3, seed: 1 });
  return out;
}

/** What encode() makes of the case, or null when it refuses it. */
function expected(c: Case, version: ProtocolVersion): Uint8Array | null {
  const qos = c.kind === 0 ? c.qos : c.kind > 100 ? c.qos : 0;
  try {
    return encode(
      { cmd: 'publish', topic: c.topic, payload: payloadOf(c.length, c.seed), qos: qos as QoS, retain: c.retain, ...(qos > 0 ? { messageId: c.id } : {}) } as Packet,
      { protocolVersion: version },
    );
  } catch {
    return null;
  }
}

tools.describe('the C PUBLISH writers write what encode() writes', () => {
  test.each(VERSIONS)('protocol level %i: every writer, every Remaining Length width, 3000 random topics, refusals', (version) => {
    const exe = buildC(tempDir(`diff${version}`), header(version), DIFF_DRIVER(writerCases()), [...STRICT_C, ...SANITIZE]);
    const list = cases(version, 1000 + version);
    const out = runC(exe, concat(list.map(encodeCase)));
    let at = 0;
    let compared = 0;
    let refused = 0;
    for (const c of list) {
      const capOk = out[at]!;
      const n = out.readUInt32BE(at + 1);
      const bytes = out.subarray(at + 5, at + 5 + n);
      at += 5 + n;
      const want = expected(c, version);
      const label = `${JSON.stringify({ ...c, topic: c.topic.slice(0, 40) })}`;
      if (want === null) {
        expect(n, label).toBe(0);
        refused++;
        continue;
      }
      expect(n, label).toBe(want.length);
      // Compared as buffers: a 2 MB mismatch would otherwise print 2 MB.
      expect(Buffer.compare(bytes, Buffer.from(want)), label).toBe(0);
      expect(capOk, `${label}: cap one short must give 0, exact cap the same length`).toBe(1);
      compared++;
    }
    expect(at).toBe(out.length);
    expect([compared > 3000, refused]).toEqual([true, 9]);
  }, 300_000);

  test('a PUBLISH over 268435455 bytes is refused before anything is written', () => {
    const main = `#include <stdio.h>
#include "runtime.h"
int main(void) {
  uint8_t buf[8];
  /* 2 (topic length) + 1 (topic) + n: the largest allowed n writes 268435455; one more must be refused. */
  size_t over = mqtt_publish(buf, (size_t)-1, "a", 1, buf, 268435453u, 0, 0, 0);
  size_t small = mqtt_publish(buf, sizeof buf, "a", 1, buf, 268435452u, 0, 0, 0);
  printf("%zu %zu\\n", over, small);
  return 0;
}
`;
    const exe = buildC(tempDir('limit'), header(4), main, [...STRICT_C, ...SANITIZE]);
    expect(runC(exe).toString()).toBe('0 0\n');
  });
});

// ---- parser fuzz: the reply readers against decode() ------------------------------------------------------------

const FUZZ_DRIVER = `#include <stdio.h>
#include <stdlib.h>
#include "runtime.h"
int main(void) {
  uint8_t h[4];
  while (fread(h, 1, 4, stdin) == 4) {
    size_t n = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3], f, i;
    /* Exactly n bytes on the heap: one byte read past them is an ASan report. */
    uint8_t *p = malloc(n ? n : 1), codes[512];
    uint16_t id = 0;
    long s;
    int r;
    struct mqtt_publish_view v;
    if (n && fread(p, 1, n, stdin) != n) return 2;
    f = mqtt_frame_len(p, n);
    printf("%lld %d %d %ld", f == MQTT_FRAME_INVALID ? -1LL : (long long)f, mqtt_packet_type(p, n), mqtt_connack_code(p, n), mqtt_puback_id(p, n));
    s = mqtt_suback_codes(p, n, &id, codes, sizeof codes);
    printf(" %ld:%u:", s, (unsigned)id);
    for (i = 0; s > 0 && i < (size_t)s; i++) printf("%02x", codes[i]);
    r = mqtt_parse_publish(p, n, &v);
    if (r == 0) {
      printf(" 0:%zu:%zu:%zu:%zu:%u:%u:%u:%u\\n", (size_t)(v.topic - p), v.topic_len, (size_t)(v.payload - p), v.payload_len,
             (unsigned)v.qos, (unsigned)v.retain, (unsigned)v.dup, (unsigned)v.packet_id);
    } else {
      printf(" %d\\n", r);
    }
    free(p);
  }
  return 0;
}
`;

/** Valid replies of every kind a device receives, to mutate. */
function seeds(version: ProtocolVersion, r: () => number): Uint8Array[] {
  const v5 = version === 5;
  const enc = (p: Packet) => encode(p, { protocolVersion: version });
  const list: Packet[] = [
    { cmd: 'connack', sessionPresent: true, ...(v5 ? { reasonCode: 0 } : { returnCode: 0 }) },
    { cmd: 'connack', sessionPresent: false, ...(v5 ? { reasonCode: 0x87, properties: { assignedClientIdentifier: 'abc', serverKeepAlive: 60 } } : { returnCode: 5 }) },
    { cmd: 'puback', messageId: 1 },
    { cmd: 'puback', messageId: 65535, ...(v5 ? { reasonCode: 0x10, properties: { reasonString: 'no subscribers' } } : {}) },
    { cmd: 'suback', messageId: 7, granted: [0, 1, 2, 0x80] },
    { cmd: 'suback', messageId: 300, granted: [1], ...(v5 ? { properties: { reasonString: 'ok' } } : {}) },
    { cmd: 'unsuback', messageId: 9, ...(v5 ? { granted: [0] } : {}) } as Packet,
    { cmd: 'pingresp' },
    { cmd: 'publish', topic: 'a/b', payload: new Uint8Array(), qos: 0 },
    { cmd: 'publish', topic: '/sys/pk/dn/thing/service/property/set', payload: Buffer.from('{"method":"thing.service.property.set","params":{"temp":1}}'), qos: 1, messageId: 513, retain: true, dup: true },
    { cmd: 'publish', topic: '传感器/😀', payload: payloadOf(200, 3), qos: 2, messageId: 2, ...(v5 ? { properties: { payloadFormatIndicator: true, contentType: 'json', userProperties: { k: 'v' } } } : {}) },
    { cmd: 'publish', topic: 't', payload: payloadOf(20000, 9), qos: 0 },
  ];
  if (v5) list.push({ cmd: 'disconnect', reasonCode: 0x8e } as Packet);
  const out = list.map(enc);
  for (let i = 0; i < 20; i++) {
    const topic = Array.from({ length: 1 + Math.floor(r() * 30) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join('');
    const qos = Math.floor(r() * 3) as QoS;
    out.push(enc({ cmd: 'publish', topic, payload: payloadOf(Math.floor(r() * 300), i), qos, ...(qos > 0 ? { messageId: 1 + Math.floor(r() * 65535) } : {}) }));
  }
  return out;
}

function mutate(seed: Uint8Array, r: () => number): Uint8Array {
  const b = Uint8Array.from(seed);
  switch (Math.floor(r() * 7)) {
    case 0: // cut short anywhere
      return b.subarray(0, Math.floor(r() * b.length));
    case 1: // one to three bytes changed
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return b;
    case 2: // bytes after the packet
      return concat([b, Uint8Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256))]);
    case 3: { // a Remaining Length byte changed (lengths that lie)
      const at = 1 + Math.floor(r() * Math.min(4, b.length - 1));
      if (at < b.length) b[at] = Math.floor(r() * 256);
      return b;
    }
    case 4: // a length field inside the body changed
      if (b.length > 4) b[2 + Math.floor(r() * 4)] = r() < 0.5 ? 0xff : Math.floor(r() * 256);
      return b;
    case 5: // the first byte changed: another type, other flags
      b[0] = Math.floor(r() * 256);
      return b;
    default: // random bytes
      return Uint8Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256));
  }
}

/** The Remaining Length rule read independently of the C: 0 = need more, -1 = over 4 bytes, else the frame length. */
function frameLength(b: Uint8Array): number {
  let value = 0;
  for (let i = 1; i < 5; i++) {
    if (i >= b.length) return 0;
    value += (b[i]! & 0x7f) * 128 ** (i - 1);
    if ((b[i]! & 0x80) === 0) return 1 + i + value;
  }
  return -1;
}

const E_SHORT = -1;
const E_TYPE = -2;
const E_MALFORMED = -3;
const E_REFUSED = -5;

tools.describe('the C reply readers under ASan/UBSan', () => {
  test.each([4, 5] as const)('protocol level %i: 120000 mutated, truncated and random packets; lengths exact; decode() agrees', (version) => {
    const exe = buildC(tempDir(`fuzz${version}`), header(version), FUZZ_DRIVER, [...STRICT_C, ...SANITIZE]);
    const r = rng(77 + version);
    const base = seeds(version, r);
    const inputs: Uint8Array[] = [...base];
    while (inputs.length < 120_000) inputs.push(mutate(base[Math.floor(r() * base.length)]!, r));
    const stdin = concat(inputs.flatMap((b) => [Uint8Array.of(b.length >>> 24, (b.length >>> 16) & 255, (b.length >>> 8) & 255, b.length & 255), b]));
    const lines = runC(exe, stdin).toString().trimEnd().split('\n');
    expect(lines).toHaveLength(inputs.length);
    const agreed = { connack: 0, puback: 0, suback: 0, publish: 0, other: 0 };
    inputs.forEach((b, i) => {
      const line = lines[i]!;
      const [f, t, c, a, s, p] = line.split(' ') as [string, string, string, string, string, string];
      const label = `${Buffer.from(b.subarray(0, 64)).toString('hex')} -> ${line}`;
      const want = frameLength(b);
      expect(Number(f), label).toBe(want);
      const complete = want > 0 && want <= b.length;
      if (!complete) {
        // Every reader says the same: read more, or the length is broken.
        const e = want === -1 ? E_MALFORMED : E_SHORT;
        expect([t, c, a, s.split(':')[0], p].map(Number), label).toEqual([e, e, e, e, e]);
        return;
      }
      expect(Number(t), label).toBe(b[0]! >> 4);
      let packet: Packet;
      try {
        packet = decode(b.subarray(0, want), { protocolVersion: version }).packet;
      } catch {
        return; // decode refuses it: the C may refuse or read it, but it must not read past the input (ASan).
      }
      expect(Number(c), label).toBe(packet.cmd === 'connack' ? (version === 5 ? packet.reasonCode : packet.returnCode) : E_TYPE);
      // A PUBACK of Packet Identifier 0 is malformed [MQTT-2.3.1-1]; a 5.0 one with a Reason Code of 0x80 or more is a refusal.
      const puback = packet.cmd !== 'puback' ? E_TYPE : packet.messageId === 0 ? E_MALFORMED : (packet.reasonCode ?? 0) >= 0x80 ? E_REFUSED : packet.messageId;
      expect(Number(a), label).toBe(puback);
      expect(s, label).toBe(packet.cmd === 'suback' ? `${packet.granted.length}:${packet.messageId}:${Buffer.from(packet.granted).toString('hex')}` : `${E_TYPE}:0:`);
      if (packet.cmd === 'publish') {
        const [rc, toff, tlen, poff, plen, qos, retain, dup, id] = p.split(':').map(Number) as number[];
        expect(rc, label).toBe(0);
        expect(Buffer.from(b.subarray(toff!, toff! + tlen!)).toString('utf8'), label).toBe(packet.topic);
        expect(Buffer.compare(Buffer.from(b.subarray(poff!, poff! + plen!)), Buffer.from(packet.payload)), label).toBe(0);
        expect([qos, retain === 1, dup === 1, id], label).toEqual([packet.qos ?? 0, packet.retain === true, packet.dup === true, packet.messageId ?? 0]);
      } else {
        expect(Number(p), label).toBe(E_TYPE);
      }
      const kind = packet.cmd in agreed ? (packet.cmd as keyof typeof agreed) : 'other';
      agreed[kind]++;
    });
    // The mutations must leave plenty of packets decode() accepts, of every kind, for the agreement to mean something.
    for (const [kind, n] of Object.entries(agreed)) expect(n, kind).toBeGreaterThan(500);
  }, 600_000);
});

tools.describe('suback_codes', () => {
  test.each([4, 5] as const)('(v%i) codes NULL with max 0 counts the codes, as its comment says; too small an array is E_SPACE', (version) => {
  const suback = version === 5 ? '90 06 00 07 00 00 01 80' : '90 05 00 07 00 01 80';
  const bytes = suback.split(' ').map((h) => `0x${h}`).join(', ');
  const main = `#include <stdio.h>
#include "runtime.h"
int main(void) {
  static const uint8_t p[] = { ${bytes} };
  uint8_t codes[3] = { 0xee, 0xee, 0xee };
  uint16_t id = 0;
  long count = mqtt_suback_codes(p, sizeof p, NULL, NULL, 0);
  long counted = mqtt_suback_codes(p, sizeof p, &id, NULL, 0);
  long small = mqtt_suback_codes(p, sizeof p, NULL, codes, 2);
  long all = mqtt_suback_codes(p, sizeof p, NULL, codes, 3);
  printf("%ld %ld:%u %ld %ld:%02x%02x%02x\\n", count, counted, (unsigned)id, small, all, codes[0], codes[1], codes[2]);
  return 0;
}
`;
  const exe = buildC(tempDir(`suback-count-${version}`), header(version), main, [...STRICT_C, ...SANITIZE]);
  expect(runC(exe).toString()).toBe('3 3:7 -4 3:000180\n');
  });
});

tools.describe('puback_id', () => {
  test.each([
    [4, '40 02 00 00', '-3 -3:0'],
    [4, '40 02 00 05', '5 0:5'],
    [5, '40 02 00 00', '-3 -3:0'],
    [5, '40 03 00 01 80', '-5 128:1'],
    [5, '40 04 00 02 97 00', '-5 151:2'],
    [5, '40 03 00 03 10', '3 16:3'],
    [5, '40 02 00 04', '4 0:4'],
  ] as const)('(v%i) %s: id 0 is malformed, a refused 5.0 PUBLISH is MQTT_E_REFUSED and puback_reason gives its code', (version, hex, want) => {
    const bytes = hex.split(' ').map((h) => `0x${h}`).join(', ');
    const main = `#include <stdio.h>
#include "runtime.h"
int main(void) {
  static const uint8_t p[] = { ${bytes} };
  uint16_t id = 0;
  long a = mqtt_puback_id(p, sizeof p);
  int r = mqtt_puback_reason(p, sizeof p, &id);
  printf("%ld %d:%u\\n", a, r, (unsigned)id);
  return 0;
}
`;
    const exe = buildC(tempDir(`puback-${version}-${hex.replace(/ /g, '')}`), header(version), main, [...STRICT_C, ...SANITIZE]);
    expect(runC(exe).toString()).toBe(`${want}\n`);
  });
});

tools.describe('parse_publish refuses what a broker must not send', () => {
  test.each([
    [4, '30 03 00 00 78', '-3', 'an empty topic in 3.1.1 [MQTT-4.7.3-1]'],
    [4, '30 04 00 01 2b 78', '-3', 'a + in the topic [MQTT-3.3.2-2]'],
    [4, '30 06 00 03 61 2f 23 78', '-3', 'a # in the topic'],
    [4, '32 05 00 01 61 00 00', '-3', 'QoS 1 with Packet Identifier 0 [MQTT-2.3.1-1]'],
    [4, '32 06 00 01 61 00 07 78', '0 7', 'QoS 1 with an id: read'],
    [5, '30 04 00 00 00 78', '0 0', 'an empty topic in 5.0 (with a Topic Alias it is allowed)'],
  ] as const)('(v%i) %s gives %s: %s', (version, hex, want, _why) => {
    const bytes = hex.split(' ').map((h) => `0x${h}`).join(', ');
    const main = `#include <stdio.h>
#include "runtime.h"
int main(void) {
  static const uint8_t p[] = { ${bytes} };
  struct mqtt_publish_view v;
  int r = mqtt_parse_publish(p, sizeof p, &v);
  if (r == 0) printf("0 %u\\n", (unsigned)v.packet_id); else printf("%d\\n", r);
  return 0;
}
`;
    const exe = buildC(tempDir(`publish-${version}-${hex.replace(/ /g, '')}`), header(version), main, [...STRICT_C, ...SANITIZE]);
    expect(runC(exe).toString()).toBe(`${want}\n`);
  });
});

tools.test('envelope writers: the id in decimal from 0 to 4294967295, and nothing written when it does not fit', () => {
  const connect = encode(connectFrom({ clientId: 'fw' }, {}));
  const runtime: RuntimeSpec = {
    topics: [],
    envelopes: [
      { name: 'id-only', parts: ['<', { slot: 'id' }, '>'] },
      { name: 'both', parts: ['{"id":', { slot: 'id' }, ',"params":', { slot: 'params' }, '}'] },
      { name: 'dp', parts: ['\u0003', { slot: 'length16' }, { slot: 'params' }] },
    ],
  };
  const source = format('c', { packets: [{ name: 'connect', bytes: connect }], runtime }, { runtime: true }).output as string;
  const ids = [0, 1, 9, 10, 99, 100, 1000000000, 4294967295];
  const main = `#include <stdio.h>
#include "runtime.h"
int main(void) {
  static const uint32_t ids[] = { ${ids.map((i) => `${i}ul`).join(', ')} };
  uint8_t buf[32];
  size_t i, n, cap;
  for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    n = mqtt_envelope_id_only(buf, sizeof buf, ids[i]);
    printf("%.*s", (int)n, (const char *)buf);
    /* Every cap below the length gives 0. */
    for (cap = 0; cap < n; cap++) if (mqtt_envelope_id_only(buf, cap, ids[i]) != 0) printf("!");
  }
  n = mqtt_envelope_both(buf, sizeof buf, 7, "{\\"t\\":1}", 7);
  printf(" %.*s %zu", (int)n, (const char *)buf, mqtt_envelope_both(buf, n - 1, 7, "{\\"t\\":1}", 7));
  /* $dp type 3: the length as two bytes; none over 65535 (the params pointer is not read then). */
  n = mqtt_envelope_dp(buf, sizeof buf, "{\\"t\\":1}", 7);
  printf(" %zu %02x%02x%02x%.*s %zu\\n", n, buf[0], buf[1], buf[2], (int)n - 3, (const char *)buf + 3, mqtt_envelope_dp(buf, (size_t)-1, "", 70000u));
  return 0;
}
`;
  const exe = buildC(tempDir('ids'), source, main, [...STRICT_C, ...SANITIZE]);
  expect(runC(exe).toString()).toBe(`${ids.map((i) => `<${i}>`).join('')} {"id":7,"params":{"t":1}} 0 10 030007{"t":1} 0\n`);
});

tools.test('two clouds in one firmware: runtime headers with different --name prefixes build together in C and C++', () => {
  const sub = tempDir('two');
  const make = (name: string, version: ProtocolVersion) => {
    const connect = encode(connectFrom({ clientId: name }, { protocolVersion: version }), { protocolVersion: version });
    return format('c', { packets: [{ name: 'connect', bytes: connect }], protocolVersion: version, runtime: spec }, { runtime: true, name }).output as string;
  };
  writeFileSync(join(sub, 'cloud_a.h'), make('cloud_a', 4));
  writeFileSync(join(sub, 'cloud_b.h'), make('cloud_b', 5));
  const main = `#include "cloud_a.h"
#include "cloud_b.h"
#include "cloud_a.h"
int main(void) {
  uint8_t buf[256];
  struct cloud_a_publish_view a;
  struct cloud_b_publish_view b;
  size_t na = cloud_a_publish_telemetry(buf, sizeof buf, "1", 1);
  size_t nb = cloud_b_publish_telemetry(buf + 128, 128, "1", 1);
  /* The 5.0 packet is one byte longer: its empty property length. */
  return nb == na + 1 && cloud_a_parse_publish(buf, na, &a) == 0 && cloud_b_parse_publish(buf + 128, nb, &b) == 0 && a.payload_len == 1 && b.payload_len == 1 ? 0 : 1;
}
`;
  writeFileSync(join(sub, 'two.c'), main);
  execFileSync('gcc', [...STRICT_C, ...SANITIZE, '-o', join(sub, 'two'), join(sub, 'two.c')], { stdio: 'pipe' });
  runC(join(sub, 'two'));
  execFileSync('g++', ['-std=c++11', '-Wall', '-Wextra', '-pedantic', '-Werror', '-x', 'c++', '-c', '-o', join(sub, 'two.o'), join(sub, 'two.c')], { stdio: 'pipe' });
});
