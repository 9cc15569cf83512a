// main() in-process with the real file system, network and clock, capturing stdout and stderr.
import { main } from '../../src/cli/main.js';
import { realIo } from '../../src/cli/io.js';

// One real Io per test file: each realIo() adds an error listener to process.stdout/stderr.
const real = realIo();

export async function runMain(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    ...real,
    stdout: { write: (c: string | Uint8Array) => void (stdout += typeof c === 'string' ? c : Buffer.from(c).toString()), isTTY: false },
    stderr: { write: (c: string | Uint8Array) => void (stderr += typeof c === 'string' ? c : Buffer.from(c).toString()), isTTY: false },
    stdinIsTTY: true,
    env: { LANG: 'en_US.UTF-8', ...env },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
