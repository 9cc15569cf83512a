/**
 * `mqtt-sign decode [input]`: explain captured or pasted bytes packet by packet, with the mistakes found in
 * them. The input is a hex argument, a file or stdin; captures stream through in chunks. Only the runs that read
 * packets (decode, verify) load this file, so other commands never pay for the capture code and the table renderer.
 */
import { UsageError } from '../../errors.js';
import { message, type Lang } from '../../messages.js';
import type { OptionSpec } from '../options.js';
import type { CapturedPacket } from '../../capture/packet.js';
// Static, so decode's file carries them: every decode reads its input, and the table is the default format (one file
// read and compiled instead of three, issue 15).
import { readInput, type ReadStats } from '../../capture/read.js';
import { renderFields } from '../../format/table.js';
import type { SkippedStream } from '../../capture/stream.js';
import type { ProtocolVersion } from '../../mqtt/types.js';
import type { CliContext } from '../context.js';
import type { Io } from '../io.js';
import { argumentInput, explainArgument, explainedBatches } from '../input-argument.js';
import { palette } from '../palette.js';
import { replyPlatforms } from '../../mqtt/replies.js';
import { problemsOf } from '../payload.js';
import { loadSigner } from '../signers.js';
import { platformIdOf } from '../../platforms/names.js';
import { interruptOnDemand } from '../interrupt.js';
import { ByteSink } from '../byte-sink.js';
import { DECODE_FORMATS, decimalNote, notes, renderer, type DecodeFormat, type Summary } from '../decode-render.js';
import { RepeatFolder } from '../../capture/repeats.js';
import { withPauses } from '../pauses.js';

const VERSIONS: Readonly<Record<string, ProtocolVersion>> = { '3.1': 3, '3.1.1': 4, '5': 5 };

export interface InputFlags {
  readonly input?: 'auto' | 'hex' | 'base64';
  readonly protocol?: string;
}

const described = (flag: string, key: string, more: Omit<OptionSpec, 'flag' | 'describe'>): OptionSpec => ({ flag, ...more, describe: (lang) => message(key, {}, lang) });

/** The input options decode and verify share (after their [input] operand). */
export const INPUT_OPTIONS: readonly OptionSpec[] = [
  described('input', 'decode.opt.input', { value: 'encoding', choices: ['auto', 'hex', 'base64'], default: 'auto' }),
  described('protocol', 'decode.opt.protocol', { value: 'version', choices: Object.keys(VERSIONS) }),
];

/** decode's options; commander builds them in decode-command.ts, parsePlain reads them for a plain command line. */
export const DECODE_OPTIONS: readonly OptionSpec[] = [
  ...INPUT_OPTIONS,
  described('format', 'decode.opt.format', { value: 'style', choices: DECODE_FORMATS, default: 'table' }),
  described('platform', 'decode.opt.platform', { value: 'id', choices: replyPlatforms }),
  described('repeats', 'pipeline.opt.repeats', { value: 'how', choices: ['collapse', 'each'], default: 'collapse' }),
];

export type DecodeFlags = InputFlags & { format: DecodeFormat; platform?: string; repeats: 'collapse' | 'each' };

/**
 * The pipeline: source chunks → framing → decoding and diagnosis (readInput) → one renderer → the writer, batch by
 * batch, waiting for the reader of the output between batches. Ends early, quietly, when that reader goes away, and
 * with the partial summary on Ctrl-C.
 */
export async function runDecode(input: string | undefined, opts: DecodeFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const lang = ctx.lang();
  const summary: Summary = { packets: 0, streams: 0, problems: 0, skipped: [], truncatedFrames: 0, snaplen: null, unreadFrames: 0, unreadLinkType: null, unreadFragments: 0, interrupted: false };
  const interrupt = interruptOnDemand();
  try {
    const platform = opts.platform === undefined ? undefined : platformIdOf(opts.platform);
    const envelopes = platform === undefined ? [] : ((await loadSigner(platform)).payloadEnvelopes ?? []);
    const { batches, stats, total } = await openBatches(input, opts, io, (s) => summary.skipped.push(s), interrupt);
    const fields = opts.format === 'table' ? renderFields : null;
    const r = renderer(opts.format, await palette(ctx.color()), lang, fields, opts.platform);
    const out = io.stdout;
    const sink = new ByteSink((piece, done) => out.write(piece, done));
    const progress = io.stderr.isTTY ? new Progress(io, lang, total) : null;
    const streams = new Set<number>();
    // Copies of a malformed packet right after it are counted here and written as one `repeat` when the run ends.
    const folder = opts.repeats === 'each' ? null : new RepeatFolder();
    let started = false;
    let failure: unknown = null;
    try {
      for await (const batch of batches) {
        // Before anything reaches stdout, which may be the same terminal.
        progress?.clear();
        if (!started) r.head(sink);
        started = true;
        for (const p of batch) {
          summary.packets++;
          if (p.stream !== null) streams.add(p.stream);
          const found = problemsOf(p, opts.platform, envelopes);
          summary.problems += found.length;
          if (folder) {
            if (folder.fold(p, found)) continue;
            const ended = folder.takeEnded();
            if (ended) r.repeat(ended, sink);
          }
          r.packet(p, found, sink);
        }
        sink.flush(true);
        progress?.show(stats.bytesRead, summary.packets);
        await out.ready?.();
        if (out.closed || interrupt.aborted) break;
      }
    } catch (err) {
      if (!interrupt.aborted) failure = err;
    }
    progress?.clear();
    summary.interrupted = interrupt.aborted;
    summary.streams = streams.size;
    summary.truncatedFrames = stats.truncatedFrames;
    summary.snaplen = stats.snaplen;
    summary.unreadFrames = stats.unreadFrames;
    summary.unreadLinkType = stats.unreadLinkType;
    summary.unreadFragments = stats.unreadFragments;
    if (stats.decimalPackets) summary.decimalPackets = stats.decimalPackets;
    // An input refused before any packet (unreadable text, not a capture) prints nothing but its error.
    if (failure !== null && !started) throw failure;
    if (!out.closed) {
      if (!started) r.head(sink);
      const run = folder?.finish();
      if (run) r.repeat(run, sink);
      r.tail(summary, sink);
      sink.flush(true);
      // tsv has no room for sentences: they go to stderr.
      if (opts.format === 'tsv') for (const note of notes(summary, lang)) io.stderr.write(`${note}\n`);
      // json and jsonl have a field for every other note; this diagnosis has none, so it is a line on stderr.
      else if (opts.format !== 'table' && summary.decimalPackets) io.stderr.write(`${decimalNote(summary.decimalPackets, lang)}\n`);
    }
    if (failure !== null) throw failure;
  } finally {
    interrupt.dispose();
  }
  ctx.exit(summary.interrupted ? 130 : summary.problems > 0 || summary.truncatedFrames > 0 || summary.unreadFrames > 0 || summary.unreadFragments > 0 ? 1 : 0);
}

/**
 * On a terminal's stderr: bytes read (of the file's size), packets, MB/s; redrawn at most 5 times a second, after the
 * first second, and cleared before anything goes to stdout (which may be the same terminal).
 */
class Progress {
  private readonly start: number;
  private last = 0;
  private shown = false;

  constructor(
    private readonly io: Io,
    private readonly lang: Lang,
    private readonly total: number | null,
  ) {
    this.start = io.now();
  }

  show(bytes: number, packets: number): void {
    const now = this.io.now();
    if (now - this.start < 1000 || now - this.last < 200) return;
    this.last = now;
    const mb = (n: number): string => (n / 1e6).toFixed(1);
    const rate = mb(bytes / ((now - this.start) / 1000));
    const key = this.total === null ? 'pipeline.progress' : 'pipeline.progress.total';
    this.io.stderr.write(`\r${message(key, { read: mb(bytes), total: mb(this.total ?? 0), packets, rate }, this.lang)}\x1b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.io.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

/**
 * The packets of any input, in batches (one per chunk read: one await per chunk, not per packet, which counts on a
 * stream of millions of small ones): a hex argument, `-` or piped stdin, or a file (pcap, pcapng, text or binary).
 * An argument is a file when that path opens, else the data itself (src/cli/input-argument.ts).
 */
export async function openPackets(
  input: string | undefined,
  opts: InputFlags,
  io: Io,
  onSkippedStream?: (stream: SkippedStream) => void,
): Promise<{ batches: AsyncIterable<readonly CapturedPacket[]>; stats: ReadStats }> {
  const { batches, stats } = await openBatches(input, opts, io, onSkippedStream);
  return { batches, stats };
}

/** openPackets, plus the file's size (for progress on a terminal) and Ctrl-C ending a source that may wait. */
async function openBatches(
  input: string | undefined,
  opts: InputFlags,
  io: Io,
  onSkippedStream?: (stream: SkippedStream) => void,
  interrupt?: { readonly signal: AbortSignal },
): Promise<{ batches: AsyncIterable<CapturedPacket[]>; stats: ReadStats; total: number | null }> {
  let chunks: AsyncIterable<Uint8Array>;
  let total: number | null = null;
  const options = { encoding: opts.input, protocolVersion: protocol(opts), ...(onSkippedStream ? { onSkippedStream } : {}) };
  if (input === undefined || input === '-') {
    if (input === undefined && io.stdinIsTTY) throw new UsageError('decode.input.none', { option: '[input]' });
    chunks = withPauses(io.streamStdin(interrupt?.signal), PAUSE_MS);
  } else if (input.trim() === '') {
    throw new UsageError('capture.input.empty', { option: '[input]' });
  } else {
    // Progress on a terminal needs the size; anything but a regular file (a serial device, a pipe) may be live.
    const size = io.fileSize ? await io.fileSize(input) : 0;
    // A file if that path opens, else the argument is the data itself (src/cli/input-argument.ts). Nothing at that
    // path: the data is all here, so nothing waits and nothing is to interrupt.
    const arg = argumentInput(io, input, size === undefined ? undefined : interrupt?.signal);
    if (io.stderr.isTTY) total = io.fileSize ? (size ?? null) : null;
    try {
      // The argument as data is text (hex, a C array, base64 …): never read as binary packet bytes, as `hello` is not.
      const { batches, stats } = await readInput(size === null ? withPauses(arg.chunks, PAUSE_MS) : arg.chunks, { ...options, textOnly: () => arg.notAFile() !== undefined });
      return { batches: explainedBatches(batches, input, arg), stats, total };
    } catch (err) {
      throw explainArgument(err, input, arg);
    }
  }
  const { batches, stats } = await readInput(chunks, options);
  return { batches, stats, total };
}

/** Silence after which a live source's held-back bytes are judged (src/cli/pauses.ts). */
const PAUSE_MS = 250;

const protocol = (opts: InputFlags) => (opts.protocol === undefined ? undefined : VERSIONS[opts.protocol]);

export { problemText } from '../decode-render.js';
