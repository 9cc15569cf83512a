// One CLI invocation two ways: main() in-process with a fake Io, and the built bin spawned as a user runs it. Rows of
// the signing-input tables run through both, in en and zh, and must agree on the exit code and on what is printed.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { catalogues, message, type Lang, type Params } from '../../src/messages.js';
import { fakeIo } from './fake-io.js';

const BIN = resolve(import.meta.dirname, '../../bin/mqtt-sign.js');
const BASE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C' };

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function inProcess(argv: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const fake = fakeIo({ env });
  const code = await main(argv, fake.io);
  return { code, stdout: fake.stdout(), stderr: fake.stderr() };
}

export function spawned(argv: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [BIN, ...argv], { env: { ...BASE_ENV, ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
    // A child that exits before reading stdin closes the pipe: EPIPE then is no test failure.
    child.stdin?.on('error', () => {});
    child.stdin?.end('');
  });
}

/** A catalogue line the run must print on stderr: [code, params]. */
export type Expected = readonly [string, Params?];

/** A catalogue sentence with any values in its placeholders, as a pattern: for lines that must NOT be printed. */
export function templatePattern(code: string, lang: Lang): RegExp {
  const template = catalogues[lang][code];
  if (template === undefined) throw new Error(`no catalogue entry ${code}`);
  return new RegExp(template.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?'));
}

export const LANGS: readonly Lang[] = ['en', 'zh'];

/**
 * Run argv (plus --lang) both ways; both must exit with `exit` and print every expected catalogue sentence (rendered
 * in that language) on stderr. Returns both runs for further checks (stdout may differ where the real run draws random
 * nonces).
 */
export async function both(argv: readonly string[], lang: Lang, exit: number, expected: readonly Expected[] = [], env: Record<string, string> = {}): Promise<[CliRun, CliRun]> {
  const args = ['--lang', lang, ...argv];
  const [a, b] = await Promise.all([inProcess(args, env), spawned(args, env)]);
  for (const run of [a, b]) {
    expect(run.code, run.stderr).toBe(exit);
    for (const [code, params] of expected) expect(run.stderr).toContain(message(code, params ?? {}, lang));
    // Never a stack trace.
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }
  return [a, b];
}
