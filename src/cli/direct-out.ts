/**
 * stdout (and stderr) written straight to its file descriptor while the output is small: building process.stdout on a pipe or a
 * socket loads node:net and the stream machinery (~2–3 ms of a ~20 ms start), which a signing run, --help or a short
 * decode (a few hundred bytes in all) does not need. The first `limit` bytes go out with fs.writeSync; past that,
 * or when the descriptor would block (EAGAIN on a non-blocking pipe), process.stdout takes over for the rest of the run,
 * so a large output keeps the stream's back-pressure. The order of the bytes never changes: a direct write has finished
 * before it returns, and nothing is written directly once the stream exists.
 *
 * A regular file, a pipe (FIFO), a socket, /dev/null itself and a terminal are written directly. A terminal is told
 * by its device number or tty.isatty (src/cli/terminal-device.ts), and writing it directly spares building a tty.WriteStream
 * (~1 ms each for stdout and stderr); its width (`columns`, commander's help) needs the stream, which then takes over.
 * Another character device (/dev/zero, /dev/full) gets the stream.
 */
import { fstatSync, statSync, writeSync } from 'node:fs';
import { characterDeviceIsTerminal } from './terminal-device.js';
import { OutputError, outStream, type OutStream } from './writer.js';

/** A pipe holds 64 KiB on Linux: an output this small never waits long on a reader that is reading. */
const DIRECT_LIMIT = 64 * 1024;

/** The same device as /dev/null (`> /dev/null`, a spawn's 'ignore'); false where there is none. */
function isDevNull(st: { dev: number; ino: number; rdev: number }): boolean {
  try {
    const nul = statSync('/dev/null');
    return st.rdev === nul.rdev && st.rdev !== 0;
  } catch {
    return false;
  }
}

export function directOutStream(fd: number, open: () => NodeJS.WriteStream, limit = DIRECT_LIMIT): OutStream {
  let stream: OutStream | undefined;
  let direct: boolean | undefined;
  let terminal = false;
  let written = 0;
  let gone = false;
  let failure: string | null = null;
  const out = (): OutStream => (stream ??= outStream(open()));
  const canWriteDirectly = (): boolean => {
    if (direct === undefined) {
      try {
        const st = fstatSync(fd);
        const devNull = st.isCharacterDevice() && isDevNull(st);
        terminal = st.isCharacterDevice() && !devNull && characterDeviceIsTerminal(fd, st.rdev);
        direct = st.isFile() || st.isFIFO() || st.isSocket() || terminal || devNull;
      } catch {
        direct = false;
      }
    }
    return direct && stream === undefined;
  };
  /** Writes `bytes` from `at` on; returns where it stopped when the descriptor would block, -1 when all went out or failed. */
  const writeAll = (bytes: Uint8Array): number => {
    let at = 0;
    try {
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      return -1;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return at;
      // The reader went away (`| head`): the output ends quietly, as outStream's does.
      if (code === 'EPIPE') gone = true;
      else failure = code ?? 'EIO';
      return -1;
    }
  };
  return {
    write(chunk, done) {
      if (gone || failure !== null) return;
      if (!canWriteDirectly()) return out().write(chunk, done);
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (written + bytes.length > limit) return out().write(bytes, done);
      const stopped = writeAll(bytes);
      if (stopped >= 0) return out().write(bytes.subarray(stopped), done);
      written += bytes.length;
      done?.();
    },
    get isTTY() {
      return canWriteDirectly() ? terminal : out().isTTY;
    },
    get columns() {
      // Only the stream knows a terminal's width; asking builds it, and the writes go through it from then on.
      return canWriteDirectly() && !terminal ? undefined : out().columns;
    },
    get closed() {
      return gone || failure !== null || stream?.closed === true;
    },
    async ready() {
      if (failure !== null) throw new OutputError(failure);
      if (stream) await stream.ready!();
    },
    async flush() {
      if (failure !== null) throw new OutputError(failure);
      if (stream) await stream.flush!();
    },
  };
}
