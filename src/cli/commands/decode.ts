/**
 * `mqtt-sign decode [input]`: explain captured or pasted bytes packet by packet, with the mistakes found in
 * them. The input is a hex argument, a file or stdin; captures stream through in chunks. The capture code
 * and the table renderer load inside the action, so other commands never pay for them.
 */
import { Option, type Command } from 'commander';
import { MqttSignError, UsageError } from '../../errors.js';
import { hint, message, type Lang } from '../../messages.js';
import { termSafe, TERM_LINE_MAX } from '../../terminal-text.js';
import type { CapturedPacket } from '../../capture/packet.js';
import type { Problem } from '../../capture/diagnose.js';
import type { SkippedStream } from '../../capture/stream.js';
import type { Paint } from '../../format/types.js';
import type { ProtocolVersion } from '../../mqtt/types.js';
import type { CliContext } from '../context.js';
import type { Io } from '../io.js';
import { argumentInput, explainArgument, explainedBatches } from '../input-argument.js';
import { palette } from '../palette.js';
import { platformLines, replyMeanings } from '../replies.js';
import { replyPlatforms } from '../../mqtt/replies.js';
import { problemsOf } from '../payload.js';

const VERSIONS: Readonly<Record<string, ProtocolVersion>> = { '3.1': 3, '3.1.1': 4, '5': 5 };

export interface InputFlags {
  readonly input?: 'auto' | 'hex' | 'base64';
  readonly protocol?: string;
}

/** The input options decode and verify share. */
export function addInputOptions(cmd: Command, lang: Lang): Command {
  return cmd
    .argument('[input]', message('decode.arg.input', {}, lang))
    .addOption(new Option('--input <encoding>', message('decode.opt.input', {}, lang)).choices(['auto', 'hex', 'base64']).default('auto'))
    .addOption(new Option('--protocol <version>', message('decode.opt.protocol', {}, lang)).choices(Object.keys(VERSIONS)));
}

export function registerDecode(program: Command, ctx: CliContext): void {
  const lang = ctx.lang();
  const cmd = program.command('decode').description(message('decode.description', {}, lang));
  addInputOptions(cmd, lang)
    .addOption(new Option('--format <style>', message('decode.opt.format', {}, lang)).choices(['table', 'json']).default('table'))
    .addOption(new Option('--platform <id>', message('decode.opt.platform', {}, lang)).choices(replyPlatforms))
    .addHelpText('after', message('decode.help.examples', {}, lang));
  cmd.action((input: string | undefined) => run(input, cmd.opts() as DecodeFlags, ctx));
}

type DecodeFlags = InputFlags & { format: 'table' | 'json'; platform?: string };

async function run(input: string | undefined, opts: DecodeFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const lang = ctx.lang();
  const skipped: SkippedStream[] = [];
  const batches = await openBatches(input, opts, io, (s) => skipped.push(s));
  const out = io.stdout;
  let problems = 0;
  if (opts.format === 'json') {
    out.write('{"packets": [');
    let first = true;
    try {
      for await (const batch of batches) {
        for (const p of batch) {
          const found = problemsOf(p, opts.platform);
          problems += found.length;
          out.write(`${first ? '\n' : ',\n'}  ${JSON.stringify(packetJson(p, found, lang, opts.platform))}`);
          first = false;
        }
      }
    } finally {
      out.write(first ? ']}\n' : '\n]}\n');
    }
  } else {
    const { renderFields } = await import('../../format/table.js');
    const paint = await palette(ctx.color());
    let count = 0;
    const streams = new Set<number>();
    for await (const batch of batches) {
      for (const p of batch) {
        count++;
        if (p.stream !== null) streams.add(p.stream);
        const found = problemsOf(p, opts.platform);
        problems += found.length;
        out.write(`${heading(p, paint, lang)}\n`);
        if (p.packet) out.write(renderFields(p.bytes, p.fields, { paint, lang, codeVersion: p.protocolVersion }));
        else out.write(`${paint.dim(hexBlock(p.bytes))}\n`);
        for (const line of platformLines(p, lang, opts.platform)) out.write(`${paint.warn('→')} ${line}\n`);
        for (const problem of found) out.write(`${problemLine(problem, paint, lang)}\n`);
        out.write('\n');
      }
    }
    const summary = message(streams.size > 0 ? 'decode.summary.capture' : 'decode.summary', { count, streams: streams.size, problems }, lang);
    out.write(`${problems > 0 ? paint.error(summary) : paint.ok(summary)}\n`);
    for (const s of skipped) out.write(`${paint.warn(skippedNote(s, lang))}\n`);
  }
  ctx.exit(problems > 0 ? 1 : 0);
}

/**
 * The packets of any input: a hex argument, `-` or piped stdin, or a file (pcap, pcapng, text or binary).
 * An argument is a file when that path opens, and otherwise the data itself.
 */
export async function openPackets(
  input: string | undefined,
  opts: InputFlags,
  io: Io,
  onSkippedStream?: (stream: SkippedStream) => void,
): Promise<AsyncIterable<CapturedPacket>> {
  return flatten(await openBatches(input, opts, io, onSkippedStream));
}

async function* flatten<T>(batches: AsyncIterable<readonly T[]>): AsyncIterable<T> {
  for await (const batch of batches) yield* batch;
}

/** openPackets in batches (one per chunk read), for the hot path of a large capture. */
async function openBatches(
  input: string | undefined,
  opts: InputFlags,
  io: Io,
  onSkippedStream?: (stream: SkippedStream) => void,
): Promise<AsyncIterable<CapturedPacket[]>> {
  const { readInput } = await import('../../capture/read.js');
  let chunks: AsyncIterable<Uint8Array>;
  if (input === undefined || input === '-') {
    if (input === undefined && io.stdinIsTTY) throw new UsageError('decode.input.none', { option: '[input]' });
    chunks = io.streamStdin();
  } else if (input.trim() === '') {
    throw new UsageError('capture.input.empty', { option: '[input]' });
  } else {
    // A file if that path opens, else the argument is the data itself (src/cli/input-argument.ts).
    const arg = argumentInput(io, input);
    const options = { encoding: opts.input, protocolVersion: protocol(opts), ...(onSkippedStream ? { onSkippedStream } : {}) };
    try {
      return explainedBatches((await readInput(arg.chunks, options)).batches, input, arg);
    } catch (err) {
      throw explainArgument(err, input, arg);
    }
  }
  const { batches } = await readInput(chunks, { encoding: opts.input, protocolVersion: protocol(opts), ...(onSkippedStream ? { onSkippedStream } : {}) });
  return batches;
}

const protocol = (opts: InputFlags) => (opts.protocol === undefined ? undefined : VERSIONS[opts.protocol]);

const DIRECTION_KEYS = { 'client->broker': 'decode.direction.up', 'broker->client': 'decode.direction.down' } as const;

function heading(p: CapturedPacket, paint: Paint, lang: Lang): string {
  const type = p.packet ? p.packet.cmd.toUpperCase() : message('decode.malformed', {}, lang);
  const parts = [`#${p.index}`, p.packet ? paint.ok(type) : paint.error(type)];
  if (p.stream !== null) {
    parts.push(message('decode.where.stream', { stream: p.stream }, lang));
    if (p.direction) parts.push(message(DIRECTION_KEYS[p.direction], {}, lang));
    parts.push(message('decode.where.time', { time: (p.time ?? 0).toFixed(6), frame: p.frame ?? '?' }, lang));
  }
  parts.push(paint.dim(message('decode.where.bytes', { offset: p.offset, length: p.bytes.length }, lang)));
  return parts.join('  ');
}

function hexBlock(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(Array.from(bytes.subarray(i, i + 16), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' '));
  }
  return lines.join('\n');
}

/** A problem's sentence and its fix, in the user's language. */
export function problemText(problem: Problem, lang: Lang): string {
  const fix = hint(problem.code, problem.params, lang);
  return `${message(problem.code, problem.params, lang)}${fix ? ` (${fix})` : ''}`;
}

function problemLine(problem: Problem, paint: Paint, lang: Lang): string {
  return `${paint.error('✗')} ${termSafe(problemText(problem, lang), TERM_LINE_MAX)}`;
}

/** The issue's JSON schema for one packet; binary values become {hex, utf8} with utf8 only when it is valid. */
function packetJson(p: CapturedPacket, problems: readonly Problem[], lang: Lang, platform: string | undefined): unknown {
  // Keyed by place: p.fields may build fresh objects on each access.
  const meanings = new Map(replyMeanings(p, lang, platform).map(({ field, meaning }) => [`${field.name}@${field.offset}`, meaning]));
  return {
    index: p.index,
    stream: p.stream,
    direction: p.direction,
    time: p.time,
    offset: p.offset,
    length: p.bytes.length,
    hex: Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength).toString('hex'),
    type: p.packet ? p.packet.cmd : null,
    packet: p.packet ? jsonValue(p.packet) : null,
    fields: p.packet
      ? p.fields.map((f) => {
          const meaning = meanings.get(`${f.name}@${f.offset}`);
          return meaning === undefined ? { name: f.name, offset: f.offset, length: f.length, value: f.value } : { name: f.name, offset: f.offset, length: f.length, value: f.value, meaning };
        })
      : [],
    problems: problems.map((problem) => ({ code: problem.code, message: problemText(problem, lang) })),
  };
}

function jsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    try {
      return { hex, utf8: new TextDecoder('utf-8', { fatal: true }).decode(value) };
    } catch {
      return { hex };
    }
  }
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  }
  return value;
}

/** Why a TCP stream of the capture shows no packets (TLS: the MQTT inside cannot be read without the keys). */
function skippedNote(s: SkippedStream, lang: Lang): string {
  return `${message('capture.skipped.tls', { stream: s.stream, port: s.port }, lang)} (${hint('capture.skipped.tls', {}, lang)})`;
}
