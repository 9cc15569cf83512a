// doctor as a user runs it (the built bin): inputs that never end or are far too large are refused after reading
// about the limit, with one line on stderr and exit 2. The child runs under a 4 GB address-space limit, so a reader
// that swallows everything dies (a non-2 exit) instead of filling the machine's memory.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readAtMost } from '../src/cli/read-at-most.js';
import { confDir } from './helpers/mosquitto-conf.js';

const BIN = resolve(import.meta.dirname, '../bin/mqtt-sign.js');
if (!existsSync(resolve(import.meta.dirname, '../dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** bin/mqtt-sign.js with `args`; stdin from `feed` (a command whose output is piped in) or closed. Killed after 60 s. */
function doctor(args: readonly string[], feed?: string): Promise<Run> {
  const script = `ulimit -v 4000000 && ${feed ? `${feed} | exec "$@"` : 'exec "$@" </dev/null'}`;
  return new Promise((done) => {
    const child = spawn('sh', ['-c', script, 'sh', process.execPath, BIN, 'doctor', ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

const files = confDir();
afterAll(() => files.remove());

function refused(r: Run, path: string): void {
  expect(r.signal).toBeNull();
  expect(r.stderr).toContain(`${path} is larger than 1048576 bytes`);
  expect(r.stderr).not.toMatch(/not a mosquitto\.conf|\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(2);
}

describe('doctor refuses endless and oversized input after reading about the limit', () => {
  test('/dev/zero as the config', async () => {
    refused(await doctor(['/dev/zero']), '/dev/zero');
  });

  test('an endless pipe on stdin (yes "listener 1883" | doctor -)', async () => {
    refused(await doctor(['-'], "yes 'listener 1883'"), 'stdin');
  });

  test('an include_dir file that is a symlink to /dev/zero', async () => {
    mkdirSync(join(files.dir, 'zero.d'));
    symlinkSync('/dev/zero', join(files.dir, 'zero.d', 'z.conf'));
    const conf = files.write('zero.conf', `listener 1883\nallow_anonymous true\ninclude_dir ${files.dir}/zero.d\n`);
    refused(await doctor([conf]), join(files.dir, 'zero.d', 'z.conf'));
  });

  test('a 2 MB config of comments: the message gives the size limit as the reason, not "not a mosquitto.conf"', async () => {
    const big = files.write('big.conf', `listener 1883\nallow_anonymous true\n${'# a long comment line\n'.repeat(100_000)}`);
    refused(await doctor([big]), big);
  });
});

describe('readAtMost', () => {
  test('stops pulling from an endless source after the first chunk past the limit, and closes it', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          pulled++;
          yield new Uint8Array(1000);
        }
      } finally {
        closed = true;
      }
    }
    expect(await readAtMost(endless(), 10_000)).toBeNull();
    expect(pulled).toBe(11);
    expect(closed).toBe(true);
  });

  test('returns every byte when the source fits, the limit included', async () => {
    async function* three(): AsyncGenerator<Uint8Array> {
      yield Uint8Array.of(1, 2);
      yield Uint8Array.of(3);
    }
    expect([...((await readAtMost(three(), 3)) ?? [])]).toEqual([1, 2, 3]);
    expect(await readAtMost(three(), 2)).toBeNull();
  });
});

test('a 1 MiB config of 250,000 unknown-option lines: a bounded report (20 lines and one "and N more"), exit 1', async () => {
  const path = join(files.dir, 'unknown.conf');
  writeFileSync(path, 'foo\n'.repeat(250_000));
  const r = await doctor([path]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  expect(r.stdout.split('\n').length).toBeLessThan(100);
  expect(r.stdout).toContain('… and 249980 more findings of the same kind (option.unknown)');
  expect(r.stdout).toContain('250000 error(s)');
});

// A file of exactly the limit is still read (the limit is inclusive).
test('a config of exactly 1 MiB is judged, not refused', async () => {
  const head = 'listener 1883\nallow_anonymous true\n';
  const path = join(files.dir, 'exact.conf');
  writeFileSync(path, head + '#'.repeat((1 << 20) - head.length));
  const r = await doctor([path, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout).listeners).toHaveLength(1);
  expect(r.code).toBe(0);
});

// `ssh host cat <wrong path> | mqtt-sign doctor -` pipes in nothing: judged as mosquitto's empty config it was "no
// errors, mosquitto should start", exit 0. Nothing on stdin is refused, as `--secret -` and `decode -` refuse it; an
// empty file named by its path is still an empty config, judged.
describe('doctor - with nothing on stdin', () => {
  test.each([
    ['stdin /dev/null', undefined],
    ['a pipe from a command that wrote nothing (a failed cat)', 'cat /nonexistent/mosquitto.conf 2>/dev/null'],
  ])('%s: one line, exit 2, no report', async (_, feed) => {
    const r = await doctor(['-'], feed);
    expect(r.stderr).toBe('mqtt-sign: the configuration on stdin is empty (check the command that pipes it in: cat of a wrong path writes nothing; to check an empty config on purpose, give its path)\n');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  test('an empty file named by its path is judged as an empty mosquitto.conf', async () => {
    const r = await doctor([files.write('empty.conf', ''), '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).listeners).toEqual([{ port: 1883, bind: 'localhost', protocol: 'mqtt', tls: false, reachableFrom: 'localhost-only' }]);
  });
});
