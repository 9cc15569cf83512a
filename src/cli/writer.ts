/**
 * stdout and stderr as the commands write to them: a write never blocks, `ready()` waits for 'drain' so a slow
 * reader slows the producer instead of filling memory, a reader that went away (EPIPE, `| head`) ends the output
 * quietly, and any other write failure (ENOSPC, EIO) becomes one OutputError that main() reports on one line, exit 1.
 */
import { MqttSignError } from '../errors.js';

export interface OutStream {
  /**
   * `done`, when given, is called once the stream no longer needs the chunk (it was handed to the system), so its
   * buffer may be used again; a stream that keeps chunks (a test's fake) never calls it.
   */
  write(chunk: string | Uint8Array, done?: () => void): void;
  readonly isTTY: boolean;
  /** The terminal's width when isTTY (commander wraps help to it); absent otherwise or unknown. */
  readonly columns?: number;
  /**
   * Resolves once the stream has room again; throws OutputError when writing failed. A producer of much output awaits it
   * between pieces. Absent (a test's fake): always ready.
   */
  ready?(): Promise<void>;
  /** The output cannot go anywhere any more (the reader closed the pipe, or a write failed): stop producing it. */
  readonly closed?: boolean;
  /** Waits until everything written has been handed to the system; throws OutputError when writing failed. */
  flush?(): Promise<void>;
}

/** Writing the output failed for a reason other than the reader going away. Exit 1. */
export class OutputError extends MqttSignError {
  constructor(readonly errno: string) {
    super(`pipeline.output.${KNOWN.has(errno) ? errno : 'other'}`, { option: 'stdout', reason: errno }, 1);
  }
}

/** errno codes the catalogue words (pipeline.output.<code>); others are named by their code. */
const KNOWN = new Set(['ENOSPC', 'EIO', 'EDQUOT', 'EFBIG', 'EBADF', 'EACCES']);

/** A Node writable (process.stdout) as an OutStream. */
export function outStream(stream: NodeJS.WriteStream): OutStream {
  let failure: string | null = null;
  let gone = false;
  const errored = (): string | null => {
    if (failure === null) {
      const err = stream.errored as NodeJS.ErrnoException | null;
      if (err) note(err);
    }
    return failure;
  };
  const note = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') gone = true;
    else failure ??= err.code ?? 'EIO';
  };
  // Without a listener an error event would end the process with a stack trace.
  stream.on('error', note);
  /** Resolves on drain, error or close, whichever comes first. */
  const settle = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
      stream.on('close', done);
    });
  return {
    write(chunk, done) {
      if (gone || errored() !== null) return;
      // Not on error: the stream may still hold the chunk, and the run is ending anyway.
      stream.write(chunk, done && ((err) => err || done()));
    },
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
    get closed() {
      return gone || errored() !== null || stream.destroyed;
    },
    async ready() {
      if (errored() !== null) throw new OutputError(failure!);
      if (!gone && !stream.destroyed && stream.writableNeedDrain) await settle();
      if (errored() !== null) throw new OutputError(failure!);
    },
    async flush() {
      if (!gone && !stream.destroyed && errored() === null) {
        await new Promise<void>((resolve) => {
          stream.write('', (err) => {
            if (err) note(err);
            resolve();
          });
        });
      }
      // An error event is emitted on the next tick after the failed write's callback.
      await new Promise((resolve) => setImmediate(resolve));
      if (errored() !== null) throw new OutputError(failure!);
    },
  };
}
