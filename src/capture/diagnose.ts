/**
 * The mistakes people make when they write MQTT packets by hand, recognised from the bytes: each becomes a
 * problem whose catalogue entry explains it and whose `.hint` gives the fix. A mistake is named only when
 * the corrected bytes decode, so a diagnosis is never a guess.
 */
import type { MqttSignError } from '../errors.js';
import type { Params } from '../messages.js';
import { decode } from '../mqtt/decode.js';
import { asUint8Array } from '../wire.js';
import { frameLength, INCOMPLETE, INVALID, PACKET_NAMES, remainingLengthBytes, requiredFlags, spacedHex, validFirstByte } from './framing.js';

export interface Problem {
  /** Catalogue code (capture.problem.*, or a codec error code). */
  readonly code: string;
  readonly params: Params;
}

export interface Diagnosis {
  readonly problems: Problem[];
  /** How many bytes the malformed packet spans (as corrected). */
  readonly length: number;
  /** false when where the next packet starts is not known (the stream must resynchronise). */
  readonly framed: boolean;
}

type Version = 3 | 4 | 5;

export function problemOf(error: MqttSignError): Problem {
  return { code: error.code, params: error.params };
}

/**
 * `bytes` start where a packet failed to frame or decode and run to the end of what is available.
 * Returns the recognised mistake, or null when it is none of the known ones.
 */
/**
 * A fix that makes the packet take every byte available is tried only when at most this many are available: each try
 * copies them, and a long run of malformed packets must stay linear (each diagnosis costs a bounded amount).
 */
const TAKE_ALL_MAX = 4096;
/** The longest packet wrongFlags corrects; diagnosisReach stays under it (plus what a framed packet needs). */
const REACH_MAX = 64 * 1024;
/** Corrected string lengths tried per packet: bounded, so a crafted packet full of length-like pairs stays cheap. */
const STRING_TRIES = 64;

/**
 * `atEnd`: the bytes run to the end of the data, so a fix may take all of them (at most TAKE_ALL_MAX). Otherwise the
 * verdict reads only the first `diagnosisReach(bytes)` bytes, so it is the same however the data was cut into chunks.
 */
export function diagnose(input: Uint8Array, version: Version, atEnd = true): Diagnosis | null {
  // The fixes are tried on copies made by slice(): of a Buffer that would be a view, and the fix would change the input.
  const bytes = asUint8Array(input);
  const all = atEnd && bytes.length <= TAKE_ALL_MAX;
  return (
    missingFixedHeader(bytes, version, all) ??
    wrongFlags(bytes, version) ??
    oneLengthByte(bytes, version) ??
    levelMismatch(bytes) ??
    remainingLengthMismatch(bytes, version, all) ??
    stringLengthOffByOne(bytes, version)
  );
}

/**
 * How many bytes from the start a diagnosis not `atEnd` may read: the corrected lengths each kind of mistake tries
 * (a Remaining Length off by up to 16 and the header after it, a length byte of 128–255, the frame under corrected
 * flags, the frame a bare Remaining Length counts), read off the first 10 bytes. A caller that has fewer bytes and
 * more to come waits (src/capture/split.ts).
 */
export function diagnosisReach(bytes: Uint8Array): number {
  let reach = 10; // where missingFixedHeader looks for the protocol name
  const first = bytes[0];
  if (first === undefined) return reach;
  const n = frameLength(bytes, 0);
  if (n > 0) reach = Math.max(reach, n + 1 + 16 + 5 - 1); // remainingLengthMismatch: declared + 16, then a header
  else if (n === INCOMPLETE) reach = Math.max(reach, 6);
  const b = bytes[1];
  if (b !== undefined && b >= 0x80) reach = Math.max(reach, 2 + b); // oneLengthByte
  const required = requiredFlags(first >> 4);
  if (!validFirstByte(first) && required !== null) {
    const m = frameLengthWith(bytes, (first & 0xf0) | required); // wrongFlags
    reach = Math.max(reach, m > 0 && m <= REACH_MAX ? m : 6);
  }
  for (let k = 0; k <= 2; k++) {
    if (first === 0x10 || (!startsWith(bytes, k, MQTT) && !startsWith(bytes, k, MQISDP))) continue;
    // missingFixedHeader: k bytes of Remaining Length before the name count the bytes to decode; failing that (or with
    // no length at all) its fix takes all the rest, which is only known more than TAKE_ALL_MAX bytes on, or at the end.
    const framed = k === 0 ? INCOMPLETE : frameLength(Uint8Array.of(0x10, ...bytes.subarray(0, k)), 0);
    reach = Math.max(reach, framed - 1, TAKE_ALL_MAX + 1);
  }
  return reach;
}

/**
 * The data ended inside a packet: a known mistake, else a cut-off packet (or bytes that cannot start one).
 * When the capture merely stopped (`closed` false), a short packet is not blamed on its Remaining Length.
 */
export function diagnoseTail(input: Uint8Array, version: Version, where: 'stream' | 'input', closed: boolean): Problem[] {
  const bytes = asUint8Array(input);
  const known = closed ? diagnose(bytes, version) : (missingFixedHeader(bytes, version, bytes.length <= TAKE_ALL_MAX) ?? oneLengthByte(bytes, version));
  if (known) return known.problems;
  const n = frameLength(bytes, 0);
  if (n === INVALID) return [{ code: 'capture.problem.trailing', params: { count: bytes.length } }];
  if (n <= 0) {
    // The data stops inside the fixed header (`C0` alone): a packet cut off, not bytes after one.
    return [{ code: 'capture.problem.cut-off-header', params: { type: PACKET_NAMES[bytes[0]! >> 4] ?? '?' } }];
  }
  return [
    {
      code: where === 'stream' ? 'capture.problem.cut-off' : 'capture.problem.cut-off-input',
      params: { type: PACKET_NAMES[bytes[0]! >> 4] ?? '?', have: bytes.length, need: n > 0 ? n : '?' },
    },
  ];
}

function decodes(bytes: ArrayLike<number>, version: Version): boolean {
  return quietly(() => {
    try {
      decode(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes), { protocolVersion: version });
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Runs `f` with no stack traces recorded for errors thrown inside it. A diagnosis tries dozens of candidate fixes whose
 * DecodeErrors are only a "no"; capturing a stack for each was most of the time a malformed packet cost.
 */
export function quietly<T>(f: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return f();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const MQTT = [0x00, 0x04, 0x4d, 0x51, 0x54, 0x54];
const MQISDP = [0x00, 0x06, 0x4d, 0x51, 0x49, 0x73, 0x64, 0x70];

function startsWith(bytes: Uint8Array, at: number, prefix: readonly number[]): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/**
 * A CONNECT written without its first byte (`74 00 04 4D 51 54 54 …`) or without its whole fixed header
 * (`00 04 4D 51 54 54 …`): the protocol name sits where the fixed header should be.
 */
function missingFixedHeader(bytes: Uint8Array, version: Version, all: boolean): Diagnosis | null {
  for (let k = 0; k <= 2; k++) {
    if (!startsWith(bytes, k, MQTT) && !startsWith(bytes, k, MQISDP)) continue;
    if (bytes[0] === 0x10 && k >= 1) return null; // the fixed header is there
    if (k === 0) {
      if (!all) return null;
      const fix = [0x10, ...remainingLengthBytes(bytes.length)];
      if (!decodes([...fix, ...bytes], version)) return null;
      return { problems: [{ code: 'capture.problem.missing-header', params: { fix: spacedHex(fix) } }], length: bytes.length, framed: true };
    }
    // k bytes before the name: the Remaining Length, written without the packet type byte.
    const framed = frameLength(Uint8Array.of(0x10, ...bytes.subarray(0, k)), 0);
    const length = framed - 1; // the RL bytes and the bytes they count
    if (framed <= 0 || length > bytes.length || !decodes([0x10, ...bytes.subarray(0, length)], version)) {
      if (!all) return null;
      const fix = [0x10, ...remainingLengthBytes(bytes.length - k)];
      if (!decodes([...fix, ...bytes.subarray(k)], version)) return null;
      return {
        problems: [{ code: 'capture.problem.missing-header-length', params: { fix: spacedHex(fix), replace: spacedHex(bytes.subarray(0, k)) } }],
        length: bytes.length,
        framed: true,
      };
    }
    return { problems: [{ code: 'capture.problem.missing-header', params: { fix: '10' } }], length, framed: true };
  }
  return null;
}

/**
 * The flag bits of a type whose flags are fixed, set wrong: the classic is SUBSCRIBE written 80 instead of 82
 * [MQTT-3.8.1-1]. Named when the packet decodes with the flags the spec requires.
 */
function wrongFlags(bytes: Uint8Array, version: Version): Diagnosis | null {
  const first = bytes[0];
  if (first === undefined || validFirstByte(first)) return null;
  const required = requiredFlags(first >> 4);
  if (required === null) return null;
  const fixedFirst = (first & 0xf0) | required;
  // The corrected byte has a legal type and flags; the Remaining Length after it is the same.
  const n = frameLengthWith(bytes, fixedFirst);
  // Past REACH_MAX a caller would have to hold that much junk to judge it: a claim that large is not this mistake.
  if (n <= 0 || n > bytes.length || n > REACH_MAX) return null;
  const fixed = bytes.slice(0, n);
  fixed[0] = fixedFirst;
  if (!decodes(fixed, version)) return null;
  return {
    problems: [{ code: 'capture.problem.header-flags', params: { type: PACKET_NAMES[first >> 4]!, byte: spacedHex([first]), fix: spacedHex([fixed[0]!]) } }],
    length: n,
    framed: true,
  };
}

/** frameLength of `bytes` as if its first byte were `first`, without copying them. */
function frameLengthWith(bytes: Uint8Array, first: number): number {
  const head = bytes.slice(0, Math.min(bytes.length, 5));
  head[0] = first;
  const n = frameLength(head, 0);
  // The header is at most 5 bytes: INCOMPLETE on the copy is the truth only when the copy holds every byte there is.
  return n === INCOMPLETE && bytes.length > 5 ? INVALID : n;
}

/** A Remaining Length of 128–255 written as one byte (`10 A5 00 04 …`): its top bit made the decoder read on. */
function oneLengthByte(bytes: Uint8Array, version: Version): Diagnosis | null {
  const b = bytes[1];
  if (bytes.length < 3 || b === undefined || b < 0x80) return null;
  if (2 + b > bytes.length) return null;
  const fix = remainingLengthBytes(b);
  if (!decodes([bytes[0]!, ...fix, ...bytes.subarray(2, 2 + b)], version)) return null;
  return {
    problems: [{ code: 'capture.problem.one-length-byte', params: { value: b, byte: spacedHex([b]), fix: spacedHex(fix) } }],
    length: 2 + b,
    framed: true,
  };
}

/** `MQTT` with level 3, or `MQIsdp` with level 4 or 5 [MQTT-3.1.2-2]. */
function levelMismatch(bytes: Uint8Array): Diagnosis | null {
  if (bytes[0] !== 0x10) return null;
  const n = frameLength(bytes, 0);
  if (n < 0) return null;
  const at = 1 + rlWidth(bytes); // start of the variable header
  let name: string;
  let levelAt: number;
  if (startsWith(bytes, at, MQTT)) {
    name = 'MQTT';
    levelAt = at + 6;
  } else if (startsWith(bytes, at, MQISDP)) {
    name = 'MQIsdp';
    levelAt = at + 8;
  } else {
    return null;
  }
  const level = bytes[levelAt];
  if (level === undefined) return null;
  // Digits only: the catalogue words the sentence in each language.
  const expected = name === 'MQTT' ? '4/5' : '3';
  if ((name === 'MQTT' && (level === 4 || level === 5)) || (name === 'MQIsdp' && level === 3)) return null;
  return {
    problems: [{ code: 'capture.problem.level-mismatch', params: { name, level, expected, offset: levelAt } }],
    length: Math.min(n, bytes.length),
    framed: n <= bytes.length,
  };
}

function rlWidth(bytes: Uint8Array): number {
  let i = 1;
  while (i < 5 && i < bytes.length && bytes[i]! & 0x80) i++;
  return i;
}

/**
 * A Remaining Length that does not count the bytes that follow. Tried: the length that takes everything
 * available, then lengths near the declared one; the first that decodes, followed by nothing or by another
 * packet's header, is the fix.
 */
function remainingLengthMismatch(bytes: Uint8Array, version: Version, all: boolean): Diagnosis | null {
  const n = frameLength(bytes, 0);
  if (n === INVALID || bytes.length < 2) return null;
  const width = rlWidth(bytes);
  const declared = n > 0 ? n - 1 - width : -1;
  const available = bytes.length - 1 - width;
  const candidates = all ? [available] : [];
  for (let d = 1; d <= 16; d++) candidates.push(declared - d, declared + d);
  for (const actual of candidates) {
    if (actual < 0 || actual > available || actual === declared) continue;
    // The cheap test first: what follows the corrected packet must be the end or another header.
    const after = 1 + width + actual;
    if (after < bytes.length && frameLength(bytes, after) <= 0) continue;
    const body = bytes.subarray(1 + width, 1 + width + actual);
    const fixed = [bytes[0]!, ...remainingLengthBytes(actual), ...body];
    if (!decodes(fixed, version)) continue;
    return {
      problems: [
        {
          code: 'capture.problem.remaining-length',
          params: { declared: declared < 0 ? '?' : declared, actual, fix: spacedHex(remainingLengthBytes(actual)) },
        },
      ],
      length: after,
      framed: true,
    };
  }
  return null;
}

/** A string length prefix one more or one less than the string's byte count, in a whole packet. */
function stringLengthOffByOne(bytes: Uint8Array, version: Version): Diagnosis | null {
  const n = frameLength(bytes, 0);
  if (n <= 0 || n > bytes.length || n > 4096) return null;
  const frame = bytes.slice(0, n);
  const start = 1 + rlWidth(bytes);
  let tries = 0;
  for (let p = start; p + 2 <= n && tries < STRING_TRIES; p++) {
    const declared = (frame[p]! << 8) | frame[p + 1]!;
    for (const actual of [declared - 1, declared + 1]) {
      if (actual < 0 || p + 2 + actual > n) continue;
      // Text first (cheap, and most positions fail it), then the decode that proves the fix.
      if (!printable(frame.subarray(p + 2, p + 2 + actual))) continue;
      if (++tries > STRING_TRIES) break;
      const copy = frame.slice();
      copy[p] = actual >> 8;
      copy[p + 1] = actual & 0xff;
      if (!decodes(copy, version)) continue;
      return {
        problems: [
          {
            code: 'capture.problem.string-length',
            params: { offset: p, declared, actual, fix: spacedHex([actual >> 8, actual & 0xff]) },
          },
        ],
        length: n,
        framed: true,
      };
    }
  }
  return null;
}

/** Text a person would have typed: no control characters. */
function printable(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b < 0x20 || b === 0x7f) return false;
  return bytes.length > 0;
}
