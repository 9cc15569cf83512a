/**
 * verify's input may be a modem MQTT command log or a firmware line instead of packets. This looks at the start of
 * the input (an argument, a file, or stdin, at most 64 KiB before deciding) and, when it holds a modem login
 * command, reads the logins and hands verify their CONNECT packets as hex, so they are checked exactly like a
 * captured CONNECT's fields. Anything else passes through untouched (stdin is replayed, not consumed).
 */
import { MqttSignError, UsageError } from '../errors.js';
import { hasAtLogin, loginsFromAtLog, type AtLogin, type AtLogProblem } from '../format/at-login.js';
import { encode } from '../mqtt/encode.js';
import type { Io } from './io.js';

const PEEK = 64 * 1024;
/** A command log is text a person pasted; more than this is not one. */
const LOG_MAX = 16 * 1024 * 1024;

export interface AtLogInput {
  readonly input: string | undefined;
  readonly io: Io;
  readonly logins: readonly AtLogin[];
}

export async function atLogInput(input: string | undefined, io: Io): Promise<AtLogInput> {
  if (input !== undefined && input !== '-') {
    const file = await peek(() => io.streamFile(input)).catch(() => undefined);
    const text = file ? (hasAtLogin(decodeText(file.head)) ? decodeText(await rest(file)) : undefined) : hasAtLogin(input) ? input : undefined;
    return text === undefined ? { input, io, logins: [] } : asPackets(text, io);
  }
  if (io.stdinIsTTY && input === undefined) return { input, io, logins: [] };
  const stdin = await peek(() => io.streamStdin());
  if (hasAtLogin(decodeText(stdin.head))) return asPackets(decodeText(await rest(stdin)), io);
  // Not a modem log: give the packet reader the same stream, starting with what was already read.
  const replay: Io = Object.assign(Object.create(io) as Io, { streamStdin: () => chain(stdin.chunks, stdin.iterator) });
  return { input, io: replay, logins: [] };
}

function asPackets(text: string, io: Io): AtLogInput {
  const problems: AtLogProblem[] = [];
  const logins = loginsFromAtLog(text, problems);
  // The modem would not read such a line as written: that is the answer, and verify fails with it.
  const bad = problems[0];
  if (bad && logins.length === 0) throw new MqttSignError('verify.at.unescaped', { line: bad.line, command: bad.command }, 1);
  const hex = logins.map((l) =>
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
  return { input: hex.join(' ') || undefined, io, logins };
}

interface Peeked {
  readonly head: Uint8Array;
  readonly chunks: Uint8Array[];
  readonly iterator: AsyncIterator<Uint8Array>;
  readonly done: boolean;
}

async function peek(open: () => AsyncIterable<Uint8Array>): Promise<Peeked> {
  const iterator = open()[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < PEEK) {
    const r = await iterator.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    size += r.value.length;
  }
  return { head: Buffer.concat(chunks), chunks, iterator, done };
}

async function rest(p: Peeked): Promise<Uint8Array> {
  const chunks = [...p.chunks];
  let size = chunks.reduce((n, c) => n + c.length, 0);
  if (!p.done) {
    for (let r = await p.iterator.next(); !r.done; r = await p.iterator.next()) {
      size += r.value.length;
      if (size > LOG_MAX) throw new UsageError('verify.at.too-large', { option: '[input]', max: LOG_MAX });
      chunks.push(r.value);
    }
  }
  return Buffer.concat(chunks);
}

async function* chain(head: readonly Uint8Array[], tail: AsyncIterator<Uint8Array>): AsyncIterable<Uint8Array> {
  yield* head;
  for (let r = await tail.next(); !r.done; r = await tail.next()) yield r.value;
}

const decodeText = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
