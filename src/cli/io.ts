/**
 * The edge's view of the world. Everything a command touches outside the core goes through Io,
 * so tests can run main() in-process with a fake one. realIo() is where process is read, but for Ctrl-C
 * (interrupt.ts) and the platform a terminal's device number is judged on (terminal-device.ts).
 */
import { randomBytes } from 'node:crypto';
// fs.promises rather than node:fs/promises: the bundle (scripts/bundle.mjs) then loads it, and the readline and fs
// internals it brings (~1 ms), only in runs that read a file.
import { createReadStream, promises as fs, statSync } from 'node:fs';

import { addAbortSignal } from 'node:stream';
import { directOutStream } from './direct-out.js';
import type { OutStream } from './writer.js';

export type { OutStream } from './writer.js';

export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdinIsTTY: boolean;
  /** All of stdin (for `--secret -`, piped hex, small inputs). */
  readStdin(): Promise<Uint8Array>;
  /** stdin in chunks (for large captures); an abort (Ctrl-C) ends it. */
  streamStdin(signal?: AbortSignal): AsyncIterable<Uint8Array>;
  readFile(path: string): Promise<Uint8Array>;
  /** A file in chunks, so a 1 GB capture needs memory only for what is in flight. */
  streamFile(path: string, signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** A file's size in bytes (for progress), null when unknown (a pipe, a device), undefined when nothing is there. */
  fileSize?(path: string): Promise<number | null | undefined>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Milliseconds since the epoch. */
  now(): number;
  randomBytes(n: number): Uint8Array;
  /** Put text on the clipboard; false when no clipboard exists here (headless Linux). */
  copy(text: string): Promise<boolean>;
  /**
   * Ask for a secret on the terminal (stdin a TTY): `prompt` on stderr, echo off, ended by Enter; the bytes typed.
   * Absent where there is no terminal to ask (tests that do not script one).
   */
  readSecret?(prompt: string): Promise<Uint8Array>;
}

async function* chunks(stream: AsyncIterable<Buffer>): AsyncIterable<Uint8Array> {
  for await (const chunk of stream) yield chunk;
}


export function realIo(): Io {
  // A reader that stops early (`mqtt-sign … | head`) closes the pipe: that ends the output, it is not an error.
  // Other write failures are kept and reported once by main() (src/cli/writer.ts).
  return {
    // Small outputs go to fd 1 and 2 directly: process.stdout and process.stderr are built (a terminal or a pipe brings
    // node:tty and node:net, ~2 ms each) only by runs that write much or ask about a terminal (src/cli/direct-out.ts).
    stdout: directOutStream(1, () => process.stdout),
    stderr: directOutStream(2, () => process.stderr),
    // A getter: the first touch of process.stdin builds its stream (~3 ms), which only runs that read stdin need.
    get stdinIsTTY() {
      return process.stdin.isTTY === true;
    },
    async readStdin() {
      const parts: Buffer[] = [];
      for await (const chunk of process.stdin) parts.push(chunk as Buffer);
      return Buffer.concat(parts);
    },
    streamStdin: (signal) => chunks((signal ? addAbortSignal(signal, process.stdin) : process.stdin) as AsyncIterable<Buffer>),
    readFile: (path) => fs.readFile(path),
    // 64 KiB reads: as fast as 1 MiB ones here, and each read buffer is garbage once decoded, which V8 frees only at
    // its next collection: 1 MiB reads kept ~30 MB more of them alive in a large decode (`npm run bench memory`).
    streamFile: (path, signal) =>
      absent(path) ? noSuchFile(path) : chunks(createReadStream(path, { highWaterMark: 1 << 16, ...(signal ? { signal } : {}) }) as AsyncIterable<Buffer>),
    // statSync: fs.promises brings the readline and fs internals (~1 ms), which decode of a hex argument (asked its
    // size for progress, as any input is) need not pay; a stat does not wait on a pipe or a device.
    async fileSize(path) {
      try {
        const stat = statSync(path, { throwIfNoEntry: false });
        return stat === undefined ? undefined : stat.isFile() ? stat.size : null;
      } catch {
        return null;
      }
    },
    env: process.env,
    now: () => Date.now(),
    randomBytes: (n) => randomBytes(n),
    async copy(text) {
      try {
        const { default: clipboard } = await import('clipboardy');
        await clipboard.write(text);
        return true;
      } catch {
        return false;
      }
    },
    readSecret: (prompt) => readHidden(prompt),
  };
}

/**
 * True only when nothing exists at `path`. decode's argument is usually hex, not a file: that case then fails as the
 * stream would (ENOENT) without building a file stream (~4 ms of stream modules). Any other answer, or a path stat
 * cannot take, is left to the stream, so its errors stay as they were.
 */
function absent(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}

async function* noSuchFile(path: string): AsyncIterable<Uint8Array> {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT', errno: -2, syscall: 'open', path });
}

/**
 * Read a line from the terminal with echo off, as ssh and gh ask for passwords: raw mode, so nothing typed is
 * shown; Enter ends, Backspace and Ctrl-U edit, Ctrl-D on an empty line ends with nothing, Ctrl-C restores the
 * terminal and interrupts the process as usual. Bytes, so invalid UTF-8 is reported rather than replaced.
 */
function readHidden(prompt: string): Promise<Uint8Array> {
  const stdin = process.stdin;
  // Echo goes off before the prompt shows, so nothing typed after it is ever echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let typed: number[] = [];
    const done = (interrupt: boolean) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (interrupt) process.kill(process.pid, 'SIGINT');
      else resolve(Uint8Array.from(typed));
    };
    const onData = (chunk: Buffer) => {
      for (const byte of chunk) {
        if (byte === 0x0d || byte === 0x0a) return done(false);
        if (byte === 0x03) return done(true);
        if (byte === 0x04 && typed.length === 0) return done(false);
        if (byte === 0x15) typed = [];
        else if (byte === 0x7f || byte === 0x08) {
          // Remove one whole UTF-8 character: continuation bytes (10xxxxxx), then its lead byte.
          while (typed.length > 0 && (typed[typed.length - 1]! & 0xc0) === 0x80) typed.pop();
          typed.pop();
        } else typed.push(byte);
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
