/**
 * Any input `decode` and `verify` take → MQTT packets, streamed: pcap and pcapng by their magic numbers
 * (read in chunks, so memory holds only what is in flight), else pasted text or binary packet bytes.
 */
import { MqttSignError } from '../errors.js';
import type { ProtocolVersion } from '../mqtt/types.js';
import type { FrameReader } from './frame.js';
import { looksLikeText, parseHexInput, type TextEncoding } from './hex-input.js';
import { PcapReader } from './pcap.js';
import { PcapngReader } from './pcapng.js';
import { captureFormat } from './sniff.js';
import { Splitter, type VersionState } from './split.js';
import type { CapturedPacket } from './packet.js';
import { TcpReassembler, type SkippedStream } from './stream.js';

export type InputKind = 'pcap' | 'pcapng' | 'text' | 'binary';

export interface ReadOptions {
  /** How to read text input: hex in any of its forms (default) or base64. */
  readonly encoding?: TextEncoding;
  /** Version for packets before any CONNECT says it (plain bytes, or a capture that starts mid-stream). */
  readonly protocolVersion?: ProtocolVersion;
  /** Told about each TCP stream of a capture that is skipped (TLS), so a caller can say why it shows no packets. */
  readonly onSkippedStream?: (stream: SkippedStream) => void;
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
): AsyncGenerator<CapturedPacket[]> {
  let reader: FrameReader | null = null;
  let out: CapturedPacket[] = [];
  const tcp = new TcpReassembler((p) => out.push(p), onSkippedStream);
  const onFrame = tcp.push.bind(tcp);
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    if (!reader) {
      // The magic number may straddle tiny chunks (a pipe), so gather four bytes first.
      head = concat(head, chunk);
      if (head.length < 4) continue;
      const format = captureFormat(head);
      if (!format) throw new MqttSignError('capture.file.header', { offset: 0, detail: 'pcap/pcapng' }, 1);
      reader = format === 'pcap' ? new PcapReader() : new PcapngReader();
      reader.push(head, onFrame);
    } else {
      reader.push(chunk, onFrame);
    }
    if (out.length > 0) {
      const batch = out;
      out = [];
      yield batch;
    }
  }
  if (!reader) throw new MqttSignError('capture.file.header', { offset: 0, detail: 'pcap/pcapng' }, 1);
  tcp.end();
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

/**
 * Any input, as batches of packets: a capture streams through readCaptureBatches; anything else is gathered (it is small: pasted text
 * or a few packets), read as text when it is text, and split into packets.
 */
export async function readInput(
  chunks: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): Promise<{ kind: InputKind; batches: AsyncIterable<CapturedPacket[]> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  let head: Uint8Array = new Uint8Array(0);
  let done = false;
  while (head.length < 4 && !done) {
    const next = await iterator.next();
    if (next.done) done = true;
    else head = concat(head, next.value);
  }
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      yield head;
      if (done) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    },
  };
  const format = captureFormat(head);
  if (format) return { kind: format, batches: readCaptureBatches(rest, options.onSkippedStream) };
  const parts: Uint8Array[] = [];
  for await (const chunk of rest) parts.push(chunk);
  const all = parts.length === 1 ? parts[0]! : concat(...parts);
  if (options.encoding === 'base64' || looksLikeText(all)) {
    const text = new TextDecoder().decode(all);
    return { kind: 'text', batches: once(decodeBytes(parseHexInput(text, options.encoding), options)) };
  }
  if (all.length === 0) throw new MqttSignError('capture.input.empty', {}, 2);
  return { kind: 'binary', batches: once(decodeBytes(all, options)) };
}

async function* once<T>(item: T): AsyncGenerator<T> {
  yield item;
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
