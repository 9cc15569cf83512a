/**
 * verify's input may be a modem MQTT command log or a firmware line instead of packets. This scans the input (an
 * argument, a file, or stdin) for a modem login command, chunk by chunk, keeping at most LOG_MAX bytes: when one
 * is found anywhere in them, it reads the logins and hands verify their CONNECT packets as hex, so they are checked exactly like a
 * captured CONNECT's fields. Anything else passes through untouched (stdin is replayed, not consumed).
 */
import { MqttSignError, UsageError } from '../errors.js';
import { hasAtLogin, MARKER_MAX, loginsFromAtLog, type AtLogin, type AtLogProblem } from '../format/at-login.js';
import { encode } from '../mqtt/encode.js';
import type { Io } from './io.js';

/** A command log is text a person pasted; more than this is not one (and input past it is not scanned). */
const LOG_MAX = 16 * 1024 * 1024;
/** How much of stdin is read before the packet reader gets it. */
const PEEK = 64 * 1024;
/** Bytes of a chunk's end scanned again with the next chunk, so a marker split between two chunks is found. */
const OVERLAP = MARKER_MAX - 1;

export interface AtLogInput {
  readonly input: string | undefined;
  readonly io: Io;
  readonly logins: readonly AtLogin[];
  /** Logins that cannot be checked, in line order: each counts as a CONNECT that does not verify. */
  readonly refused?: readonly AtRefused[];
}

export async function atLogInput(input: string | undefined, io: Io): Promise<AtLogInput> {
  if (input !== undefined && input !== '-') {
    // A file is scanned up to LOG_MAX bytes before deciding.
    const file = await peek(() => io.streamFile(input), LOG_MAX).catch(() => undefined);
    const text = file ? (file.found ? decodeText(await rest(file)) : undefined) : hasAtLogin(input) ? input : undefined;
    return text === undefined ? { input, io, logins: [] } : asPackets(text, io);
  }
  if (io.stdinIsTTY && input === undefined) return { input, io, logins: [] };
  // stdin may be a live capture whose reports must not wait for 16 MiB: decide on its first PEEK bytes, and scan
  // the rest as it passes to the packet reader (AtLogLater).
  const stdin = await peek(() => io.streamStdin(), PEEK);
  if (stdin.found) return asPackets(decodeText(await rest(stdin)), io);
  // Not a modem log so far: give the packet reader the same stream, starting with what was already read.
  const replay: Io = Object.assign(Object.create(io) as Io, { streamStdin: () => watch(stdin) });
  return { input, io: replay, logins: [] };
}

/**
 * Thrown from the stdin the packet reader reads when a modem login command turns up after the first PEEK bytes
 * (within LOG_MAX): the reader stops there, and verify reads the whole log (kept so far, and the rest) instead.
 */
export class AtLogLater extends Error {
  constructor(readonly peeked: Peeked) {
    super('a modem login command in stdin after its first bytes');
  }

  async logins(io: Io): Promise<AtLogInput> {
    return asPackets(decodeText(await rest(this.peeked)), io);
  }
}

/** The peeked chunks, then the rest of the stream, each chunk scanned for a login command while LOG_MAX bytes are kept. */
async function* watch(p: Peeked): AsyncIterable<Uint8Array> {
  yield* p.chunks;
  let kept: Uint8Array[] | undefined = [...p.chunks];
  let size = p.chunks.reduce((n, c) => n + c.length, 0);
  let tail = p.tail;
  for (let r = await p.iterator.next(); !r.done; r = await p.iterator.next()) {
    if (kept) {
      const text = tail + latin1(r.value);
      kept.push(r.value);
      size += r.value.length;
      if (hasAtLogin(text)) throw new AtLogLater({ found: true, chunks: kept, iterator: p.iterator, done: false, tail: '' });
      tail = text.slice(-OVERLAP);
      // Past LOG_MAX it would not be read as a modem log: stop keeping and scanning.
      if (size > LOG_MAX) kept = undefined;
    }
    yield r.value;
  }
}

/**
 * A login the modem log holds that cannot be checked as a CONNECT: a field the packet cannot carry, or (beside
 * logins that can be) a command the modem would not read as written. verify reports each as not verifying.
 */
interface AtRefused {
  readonly line: number;
  readonly command: string;
  /** The catalogue entry and values saying why. */
  readonly code: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/** MQTT 3.1 and 3.1.1 carry a client id, username and password with a 2-byte length. */
const FIELD_MAX = 0xffff;

function asPackets(text: string, io: Io): AtLogInput {
  const problems: AtLogProblem[] = [];
  const all = loginsFromAtLog(text, problems);
  // The modem would not read such a line as written: that is the answer, and verify fails with it.
  const bad = problems[0];
  if (bad && all.length === 0) throw new MqttSignError(`verify.at.${bad.reason}`, { line: bad.line, command: bad.command }, 1);
  const refused: AtRefused[] = problems.map((p) => ({ line: p.line, command: p.command, code: `verify.at.${p.reason}`, params: { line: p.line, command: p.command } }));
  const logins: AtLogin[] = [];
  const hex: string[] = [];
  for (const l of all) {
    const command = l.commands[l.commands.length - 1]!;
    const field = tooLong(l);
    if (field) {
      refused.push({ line: l.line, command, code: 'verify.at.refused', params: { line: l.line, command, code: 'codec.encode.too-long', ...field } });
      continue;
    }
    try {
      hex.push(
        Buffer.from(
          encode({
            cmd: 'connect',
            protocolVersion: l.protocolVersion,
            clientId: l.clientId,
            keepalive: l.keepalive,
            clean: true,
            ...(l.username !== null ? { username: l.username } : {}),
            ...(l.password !== null ? { password: l.password } : {}),
          }),
        ).toString('hex'),
      );
      logins.push(l);
    } catch (err) {
      if (!(err instanceof MqttSignError)) throw err;
      refused.push({ line: l.line, command, code: 'verify.at.refused', params: { line: l.line, command, code: err.code, ...(err.params as Record<string, string | number>) } });
    }
  }
  refused.sort((a, b) => a.line - b.line);
  return { input: hex.join(' ') || undefined, io, logins, refused };
}

/** The first field over the 2-byte length of MQTT 3.1/3.1.1 (§1.5.3), with the values of codec.encode.too-long. */
function tooLong(l: AtLogin): Record<string, string | number> | undefined {
  const fields = [['clientId', l.clientId], ['username', l.username], ['password', l.password]] as const;
  for (const [field, value] of fields) {
    const length = value === null ? 0 : Buffer.byteLength(value);
    if (length > FIELD_MAX) return { field, value: length, limit: FIELD_MAX, rule: 'MQTT 3.1.1 §1.5.3' };
  }
  return undefined;
}

interface Peeked {
  /** A modem login command is in the chunks read. */
  readonly found: boolean;
  readonly chunks: Uint8Array[];
  readonly iterator: AsyncIterator<Uint8Array>;
  readonly done: boolean;
  /** The last OVERLAP characters scanned. */
  readonly tail: string;
}

/**
 * Reads until a login command is seen, the input ends, or LOG_MAX bytes are held. Each chunk is scanned once (as
 * latin1: the marker is ASCII, and a byte is one character), with the previous chunk's last OVERLAP bytes: linear.
 */
async function peek(open: () => AsyncIterable<Uint8Array>, limit: number): Promise<Peeked> {
  const iterator = open()[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  let found = false;
  let tail = '';
  while (!found && size < limit) {
    const r = await iterator.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    size += r.value.length;
    const text = tail + latin1(r.value);
    found = hasAtLogin(text);
    tail = text.slice(-OVERLAP);
  }
  return { found, chunks, iterator, done, tail };
}

async function rest(p: Peeked): Promise<Uint8Array> {
  const chunks = [...p.chunks];
  let size = chunks.reduce((n, c) => n + c.length, 0);
  if (size > LOG_MAX) throw new UsageError('verify.at.too-large', { option: '[input]', max: LOG_MAX });
  if (!p.done) {
    for (let r = await p.iterator.next(); !r.done; r = await p.iterator.next()) {
      size += r.value.length;
      if (size > LOG_MAX) throw new UsageError('verify.at.too-large', { option: '[input]', max: LOG_MAX });
      chunks.push(r.value);
    }
  }
  return Buffer.concat(chunks);
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');

const decodeText = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
