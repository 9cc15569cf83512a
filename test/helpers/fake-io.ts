// An Io for running main() in-process: captured stdout/stderr, scripted stdin, files, env, clock and clipboard.
import type { Io } from '../../src/cli/io.js';

export interface FakeIoOptions {
  readonly stdin?: string;
  readonly env?: Record<string, string>;
  readonly stdoutTTY?: boolean;
  readonly stderrTTY?: boolean;
  readonly stdinTTY?: boolean;
  readonly files?: Record<string, Uint8Array | string>;
  readonly now?: number;
  /** false: no clipboard here (headless). */
  readonly clipboard?: boolean;
}

export interface FakeIo {
  readonly io: Io;
  stdout(): string;
  stdoutBytes(): Uint8Array;
  stderr(): string;
  readonly copied: string[];
}

export function fakeIo(options: FakeIoOptions = {}): FakeIo {
  const out: Uint8Array[] = [];
  const err: string[] = [];
  const copied: string[] = [];
  const bytes = (chunk: string | Uint8Array): Uint8Array => (typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
  const files = options.files ?? {};
  const io: Io = {
    stdout: { write: (c) => void out.push(bytes(c)), isTTY: options.stdoutTTY ?? false },
    stderr: { write: (c) => void err.push(typeof c === 'string' ? c : new TextDecoder().decode(c)), isTTY: options.stderrTTY ?? false },
    stdinIsTTY: options.stdinTTY ?? false,
    readStdin: async () => new TextEncoder().encode(options.stdin ?? ''),
    async *streamStdin() {
      yield new TextEncoder().encode(options.stdin ?? '');
    },
    async readFile(path) {
      const content = files[path];
      if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return bytes(content);
    },
    async *streamFile(path) {
      yield await io.readFile(path);
    },
    env: options.env ?? {},
    now: () => options.now ?? 1_700_000_000_000,
    randomBytes: (n) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff),
    async copy(text) {
      if (options.clipboard === false) return false;
      copied.push(text);
      return true;
    },
  };
  return {
    io,
    stdout: () => new TextDecoder().decode(Buffer.concat(out)),
    stdoutBytes: () => Buffer.concat(out),
    stderr: () => err.join(''),
    copied,
  };
}
