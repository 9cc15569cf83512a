// Building and running C programs around a `--format c --runtime` header: each test writes its header and driver
// into a temp dir, compiles with warnings as errors and the sanitizers, and feeds the driver binary input.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every warning an error; ASan and UBSan abort on the first fault, so a bad read cannot pass quietly. */
export const STRICT_C = ['-std=c99', '-Wall', '-Wextra', '-pedantic', '-Werror'];
export const SANITIZE = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-g', '-O1'];

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `mqtt-sign-${name}-`));
}

/** Writes header.h and main.c into dir, compiles them with `compiler` and `flags`, returns the executable's path. */
export function buildC(dir: string, header: string, main: string, flags: readonly string[], compiler = 'gcc', ext = 'c'): string {
  writeFileSync(join(dir, 'runtime.h'), header);
  writeFileSync(join(dir, `main.${ext}`), main);
  const exe = join(dir, `main-${compiler}`);
  execFileSync(compiler, [...flags, '-o', exe, join(dir, `main.${ext}`)], { stdio: 'pipe' });
  return exe;
}

/** Runs exe with `input` on stdin; its stdout as bytes (a sanitizer report makes it exit non-zero, which throws). */
export function runC(exe: string, input: Uint8Array = new Uint8Array()): Buffer {
  return execFileSync(exe, { input, maxBuffer: 1 << 30, env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', UBSAN_OPTIONS: 'print_stacktrace=1' } });
}

/** A small deterministic generator (mulberry32), so a failing case can be run again from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Concatenates chunks (Buffer.concat takes the list itself, so no argument spreading). */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}
