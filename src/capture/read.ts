/**
 * Any input `decode` and `verify` take → MQTT packets, streamed: pcap and pcapng by their magic numbers
 * (read in chunks, so memory holds only what is in flight), else pasted text or binary packet bytes.
 */
import { MqttSignError } from '../errors.js';
import { asUint8Array } from '../wire.js';
import type { ProtocolVersion } from '../mqtt/types.js';
import type { Frame, FrameReader } from './frame.js';
import type { TextEncoding } from './hex-input.js';
import { TextReader, type TextSegment } from './text-reader.js';
import { PcapReader } from './pcap.js';
import { PcapngReader } from './pcapng.js';
import { captureFormat } from './sniff.js';
import { Splitter, type VersionState } from './split.js';
import type { CapturedPacket, Direction } from './packet.js';
import { TcpReassembler, type SkippedStream } from './stream.js';
import { linkTypeRead } from './ip.js';

export type InputKind = 'pcap' | 'pcapng' | 'text' | 'binary';

export interface ReadOptions {
  /** How to read text input: hex in any of its forms (default) or base64. */
  readonly encoding?: TextEncoding;
  /** Version for packets before any CONNECT says it (plain bytes, or a capture that starts mid-stream). */
  readonly protocolVersion?: ProtocolVersion;
  /** Told about each TCP stream of a capture that is skipped (TLS, WebSocket), so a caller can say why it shows no packets. */
  readonly onSkippedStream?: (stream: SkippedStream) => void;
  /**
   * Asked once the first bytes are in: true reads the input as text whatever bytes it holds (a command-line argument
   * that is no file: an argument is text, and cannot carry a binary's bytes intact, so it is never read as them).
   */
  readonly textOnly?: () => boolean;
}

/**
 * Packets from a pcap or pcapng file, given as chunks. Packets come out as their last byte is read.
 * Throws MqttSignError (exit 1) for a file that is not a capture or is corrupt, after the packets before the damage.
 */
export async function* readCapture(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<CapturedPacket> {
  for await (const batch of readCaptureBatches(chunks)) yield* batch;
}

/** readCapture, one array per chunk read: a large capture costs one await per chunk rather than per packet. */
export async function* readCaptureBatches(
  chunks: AsyncIterable<Uint8Array>,
  onSkippedStream?: (stream: SkippedStream) => void,
  stats?: ReadStats,
): AsyncGenerator<CapturedPacket[]> {
  let reader: FrameReader | null = null;
  let out: CapturedPacket[] = [];
  const tcp = new TcpReassembler((p) => out.push(p), onSkippedStream);
  // Link types change rarely (pcapng with several interfaces), so whether one is read is looked up on a change only.
  let linkType = -1;
  let read = true;
  const onFrame = (frame: Frame): void => {
    if (frame.snaplen !== undefined && stats) {
      stats.truncatedFrames++;
      stats.snaplen = Math.max(stats.snaplen ?? 0, frame.snaplen);
    }
    if (frame.linkType !== linkType) {
      linkType = frame.linkType;
      read = linkTypeRead(linkType);
    }
    if (!read && stats) {
      stats.unreadFrames++;
      stats.unreadLinkType ??= linkType;
    }
    tcp.push(frame);
  };
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue; // a pause of the source: a capture's packets come out as their frames arrive anyway
    if (!reader) {
      // The magic number may straddle tiny chunks (a pipe), so gather four bytes first.
      head = concat(head, chunk);
      if (head.length < 4) continue;
      const format = captureFormat(head);
      if (!format) throw new MqttSignError('capture.file.header', { offset: 0, detail: 'pcap/pcapng' }, 1);
      reader = format === 'pcap' ? new PcapReader() : new PcapngReader();
      reader.push(head, onFrame);
    } else {
      // Seen as a plain Uint8Array once per chunk: every frame, segment and packet below is then a plain view
      // (a Buffer's views are slower to make), and the splitter need not convert each segment itself.
      reader.push(asUint8Array(chunk), onFrame);
    }
    if (stats) stats.unreadFragments = tcp.unreadFragments;
    if (out.length > 0) {
      const batch = out;
      out = [];
      yield batch;
    }
  }
  if (!reader) throw new MqttSignError('capture.file.header', { offset: 0, detail: 'pcap/pcapng' }, 1);
  tcp.end();
  if (stats) stats.unreadFragments = tcp.unreadFragments;
  if (out.length > 0) yield out;
  reader.end();
}

/** Plain packet bytes (pasted or a binary file) → packets and problems; stream, direction and time are null. */
export function decodeBytes(bytes: Uint8Array, options: ReadOptions = {}): CapturedPacket[] {
  const state: VersionState = { version: options.protocolVersion ?? 4, known: options.protocolVersion !== undefined };
  const out: CapturedPacket[] = [];
  const splitter = new Splitter(state, (found) => {
    found.index = out.length;
    out.push(found);
  });
  splitter.push(bytes);
  splitter.end('input', true);
  return out;
}

/** What reading an input found besides its packets; filled in as the input streams through. */
export interface ReadStats {
  /** Bytes of input read so far. */
  bytesRead: number;
  /** Capture frames shorter on file than on the wire (cut by the capture's snaplen). */
  truncatedFrames: number;
  /** The snaplen of the interface a truncated frame came from (the largest one seen), or null. */
  snaplen: number | null;
  /** Frames of a link type that is not read (PPP, 802.11 …): whatever MQTT they carry is not seen. */
  unreadFrames: number;
  /** The first such link type, or null. */
  unreadLinkType: number | null;
  /** Frames holding IP fragments of TCP that were not reassembled (their datagram never completed, or overlapped). */
  unreadFragments: number;
  /**
   * Text whose hex reading has a problem but which, read as decimal numbers, decodes as this many MQTT packets without
   * one (`16 12 0 4 …`: Serial.print(b) without HEX); set once the input has ended, absent otherwise (see decimalPackets).
   */
  decimalPackets?: number;
}

/**
 * Plain input (not a capture) in which this many bytes in a row gave no packet is not MQTT: reading stops with
 * `pipeline.not-mqtt` rather than diagnosing an endless stream of junk (`decode /dev/zero`).
 */
export const NOT_MQTT_LIMIT = 16 << 20;

/**
 * Any input, as batches of packets (one batch per chunk read). A capture streams through readCaptureBatches; binary
 * packet bytes stream through one splitter; text is read by textSegments (hex, dumps, logs) and its segments split per
 * direction. Nothing is gathered whole except text, until the line-by-line reader takes over.
 */
export async function readInput(
  chunks: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): Promise<{ kind: InputKind; batches: AsyncIterable<CapturedPacket[]>; stats: ReadStats }> {
  const stats: ReadStats = { bytesRead: 0, truncatedFrames: 0, snaplen: null, unreadFrames: 0, unreadLinkType: null, unreadFragments: 0 };
  const iterator = chunks[Symbol.asyncIterator]();
  let head: Uint8Array = new Uint8Array(0);
  let done = false;
  while (head.length < 4 && !done) {
    const next = await iterator.next();
    if (next.done) done = true;
    else head = head.length === 0 ? next.value : concat(head, next.value);
  }
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      try {
        stats.bytesRead += head.length;
        yield head;
        if (done) return;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          stats.bytesRead += next.value.length;
          yield next.value;
        }
      } finally {
        // Stopped early (the reader of our output went away, Ctrl-C): close the source too.
        if (!done) await iterator.return?.();
      }
    },
  };
  const textOnly = options.textOnly?.() ?? false;
  const format = textOnly ? null : captureFormat(head);
  if (format) return { kind: format, batches: readCaptureBatches(rest, options.onSkippedStream, stats), stats };
  if (head.length === 0) throw new MqttSignError('capture.input.empty', {}, 2);
  if (textOnly || options.encoding === 'base64' || textLike(head.subarray(0, 4096))) {
    const progress: TextProgress = { text: 0, bytes: 0, textAtPacket: 0, bytesAtPacket: 0 };
    return { kind: 'text', batches: textBatches(textSegments(rest, options.encoding, progress), options, progress, stats), stats };
  }
  return { kind: 'binary', batches: binaryBatches(rest, options), stats };
}

/**
 * Packets handed on together at most (about): a batch lives until it is written, and a batch of tens of thousands
 * (a text chunk of PINGREQs) survives V8's young-generation collections, is promoted, and piles up as old garbage
 * (250 MB of heap for 6 MB of hex text before this bound). Capture batches are bounded by the 64 KiB chunk.
 */
const BATCH_PACKETS = 512;
/** Text is decoded and split into lines this much at a time. */
const TEXT_SLICE = 8192;
/** Binary input and text lines are given to the splitter this much at a time (1,024 packets at most, of 2 bytes each). */
const BINARY_SLICE = 2048;

/** Binary packet bytes, chunk by chunk through one splitter; stops with a verdict after NOT_MQTT_LIMIT bytes without a packet. */
async function* binaryBatches(chunks: AsyncIterable<Uint8Array>, options: ReadOptions): AsyncGenerator<CapturedPacket[]> {
  const state: VersionState = { version: options.protocolVersion ?? 4, known: options.protocolVersion !== undefined };
  let out: CapturedPacket[] = [];
  let index = 0;
  let sinceLastPacket = 0;
  const splitter = new Splitter(
    state,
    (found) => {
      found.index = index++;
      if (found.packet) sinceLastPacket = 0;
      out.push(found);
    },
    false,
    false, // chunks of a file or pipe are cut anywhere
  );
  for await (const chunk of chunks) {
    // An empty chunk: the source paused (see pauses in src/cli); judge what waited for more.
    if (chunk.length === 0) {
      splitter.flush();
      if (out.length > 0) {
        const batch = out;
        out = [];
        yield batch;
      }
      continue;
    }
    // In slices, so a chunk of tiny packets (32,768 PINGREQs in 64 KiB) goes out in batches of about BATCH_PACKETS.
    for (let from = 0; from < chunk.length; from += BINARY_SLICE) {
      const slice = chunk.subarray(from, Math.min(chunk.length, from + BINARY_SLICE));
      sinceLastPacket += slice.length;
      splitter.push(slice);
      // Bytes of a packet still arriving are not judged yet (a PUBLISH larger than the limit is fine); they count
      // once it is complete and turns out malformed.
      if (sinceLastPacket - splitter.arriving > NOT_MQTT_LIMIT) {
        splitter.end('input', false);
        if (out.length > 0) yield out;
        throw notMqtt();
      }
      if (out.length >= BATCH_PACKETS || (out.length > 0 && from + BINARY_SLICE >= chunk.length)) {
        const batch = out;
        out = [];
        yield batch;
      }
    }
  }
  splitter.end('input', true);
  if (out.length > 0) yield out;
}

function notMqtt(limit = NOT_MQTT_LIMIT): MqttSignError {
  return new MqttSignError('pipeline.not-mqtt', { count: limit >> 20 }, 1);
}

/**
 * How much text has been read and how many bytes it carried, and both counts when the last packet was found. Text
 * stops as binary does: after NOT_MQTT_LIMIT carried bytes without a packet (hex of malformed packets), or after
 * TEXT_NOT_MQTT_LIMIT of text without one (`yes | decode -`, which carries no bytes at all). The second is larger
 * because text spells a byte in 2 to 6 characters (`aa `, `0x10, `).
 */
interface TextProgress {
  text: number;
  bytes: number;
  textAtPacket: number;
  bytesAtPacket: number;
  /** The text read as decimal (TextReader.decimalReading), once it has ended. */
  decimal?: Uint8Array | null;
}
export const TEXT_NOT_MQTT_LIMIT = 4 * NOT_MQTT_LIMIT;

/** Text input → segments of bytes, line by line as it streams (TextReader keeps only the unfinished line). */
async function* textSegments(chunks: AsyncIterable<Uint8Array>, encoding: TextEncoding | undefined, progress: TextProgress): AsyncGenerator<TextSegment[]> {
  const reader = new TextReader({ encoding: encoding ?? 'auto' });
  const utf8 = new TextDecoder();
  for await (const chunk of chunks) {
    // An empty chunk (the source paused) is passed on as an empty batch, for textBatches to flush its splitters.
    if (chunk.length === 0) yield [];
    // In slices, for the reason of BATCH_PACKETS: 64 KiB of short lines is thousands of segments at once.
    for (let from = 0; from < chunk.length; from += TEXT_SLICE) {
      progress.text += Math.min(TEXT_SLICE, chunk.length - from);
      if (progress.text - progress.textAtPacket > TEXT_NOT_MQTT_LIMIT) throw notMqtt(TEXT_NOT_MQTT_LIMIT);
      const segments = reader.push(utf8.decode(chunk.subarray(from, Math.min(chunk.length, from + TEXT_SLICE)), { stream: true }));
      if (segments.length > 0) yield segments;
    }
  }
  const last = [...reader.push(utf8.decode()), ...reader.end()];
  progress.decimal = reader.decimalReading();
  if (last.length > 0) yield last;
}

/** Text segments → packets: each direction its own byte stream (like the two directions of a TCP connection). */
async function* textBatches(segments: AsyncIterable<TextSegment[]>, options: ReadOptions, progress: TextProgress, stats: ReadStats): AsyncGenerator<CapturedPacket[]> {
  const state: VersionState = { version: options.protocolVersion ?? 4, known: options.protocolVersion !== undefined };
  let out: CapturedPacket[] = [];
  let index = 0;
  /** Whether the hex reading has a malformed stretch or a problem (for decimalPackets). */
  let trouble = false;
  const splitters = new Map<Direction | undefined, Splitter>();
  const splitterFor = (direction: Direction | undefined): Splitter => {
    let splitter = splitters.get(direction);
    if (!splitter) {
      splitter = new Splitter(state, (found) => {
        found.index = index++;
        if (direction) found.direction = direction;
        if (!found.packet || found.problems.length > 0) trouble = true;
        if (found.packet) {
          progress.textAtPacket = progress.text;
          progress.bytesAtPacket = progress.bytes;
        }
        out.push(found);
      });
      splitters.set(direction, splitter);
    }
    return splitter;
  };
  let any = false;
  for await (const batch of segments) {
    if (batch.length === 0) for (const splitter of splitters.values()) splitter.flush();
    for (const segment of batch) {
      const bytes = segment.bytes;
      if (bytes.length > 0) any = true;
      const splitter = splitterFor(segment.direction);
      // A long line (a whole dump on one line) in slices, as binary input.
      for (let from = 0; from < bytes.length; from += BINARY_SLICE) {
        const slice = from === 0 && bytes.length <= BINARY_SLICE ? bytes : bytes.subarray(from, Math.min(bytes.length, from + BINARY_SLICE));
        progress.bytes += slice.length;
        splitter.push(slice);
        // As in binaryBatches: a packet still arriving is not judged yet, and text carrying its bytes is not text
        // without bytes (TEXT_NOT_MQTT_LIMIT).
        if (splitter.arriving > 0) progress.textAtPacket = progress.text;
        if (progress.bytes - progress.bytesAtPacket - arrivingIn(splitters) > NOT_MQTT_LIMIT) {
          for (const each of splitters.values()) each.end('input', false);
          if (out.length > 0) yield out;
          throw notMqtt();
        }
        if (out.length >= BATCH_PACKETS) {
          const ready = out;
          out = [];
          yield ready;
        }
      }
    }
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield ready;
    }
  }
  if (!any) throw new MqttSignError('capture.input.empty', {}, 2);
  for (const splitter of splitters.values()) splitter.end('input', true);
  if (trouble && progress.decimal) {
    const packets = decimalPackets(progress.decimal, options);
    if (packets > 0) stats.decimalPackets = packets;
  }
  if (out.length > 0) yield out;
}

/**
 * The decimal diagnosis: text whose bytes all came from lines of bare numbers without leading zeros (`16 12 0 4 …`,
 * one or two digits each: TextReader.decimalReading) and whose hex reading has a problem is what `Serial.print(b)`
 * without HEX prints when, read as decimal, it decodes as MQTT with no problem at all: the number of packets it makes
 * then, else 0. (A line with a three-digit number 100-255 is refused where it is read, capture.input.decimal.)
 */
function decimalPackets(bytes: Uint8Array, options: ReadOptions): number {
  const packets = decodeBytes(bytes, options);
  for (const p of packets) if (!p.packet || p.problems.length > 0) return 0;
  return packets.length;
}

/** Bytes held by the splitters of packets still arriving (one per direction, so at most three). */
function arrivingIn(splitters: Map<Direction | undefined, Splitter>): number {
  let n = 0;
  for (const splitter of splitters.values()) n += splitter.arriving;
  return n;
}

/** The start of the input reads as text: no control bytes but whitespace, and UTF-8 (a character cut at the end is fine). */
function textLike(head: Uint8Array): boolean {
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
