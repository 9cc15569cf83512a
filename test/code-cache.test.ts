// bin/mqtt-sign.js finds a V8 code cache by a key of the bundle, Node build, architecture and V8 flags: the one the
// build shipped, else one this machine wrote on an earlier run in the user's cache directory (written after a run that
// had none, atomically, and never fatal), one cache per chunk of the bundle the run loads. MQTT_SIGN_CODE_CACHE_REPORT
// makes bin say which cache each chunk used.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const BIN = resolve(import.meta.dirname, '../bin/mqtt-sign.js');
// A sign run: the entry's file and its platform's (decode's file holds all a decode run needs).
const ARGS = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', 'CacheSecret0123456789abcdefABCDE', '--timestamp', '1700000000000', '--tls', '--format', 'c'];
const home = mkdtempSync(join(tmpdir(), 'mqtt-sign-cache-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function run(nodeFlags: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && k !== 'XDG_CACHE_HOME'));
    execFile(
      process.execPath,
      [...nodeFlags, BIN, ...ARGS],
      { env: { ...clean, HOME: home, MQTT_SIGN_CODE_CACHE_REPORT: '1', NO_COLOR: '1', ...env } },
      (error, out, err) => done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out, err }),
    );
  });
}

/** Per chunk the run loaded (cli.cjs first), what bin says of its cache. */
function report(r: Run): Map<string, string> {
  const lines = [...r.err.matchAll(/^code cache: ([\w-]+\.cjs): (.*)$/gm)];
  if (lines.length === 0) throw new Error(`no code cache report in ${JSON.stringify(r.err)}`);
  return new Map(lines.map((m) => [m[1]!, m[2]!]));
}
const base = (chunk: string): string => chunk.replace(/\.cjs$/, '');

describe('the code cache bin uses, for each chunk a run loads', () => {
  let plain: Run;
  let chunks: string[];

  test('with no V8 flags the shipped caches are accepted and nothing is written', async () => {
    const dir = join(home, 'plain');
    plain = await run([], { XDG_CACHE_HOME: dir });
    expect(plain.code).toBe(0);
    chunks = [...report(plain).keys()];
    // A sign run needs more than the entry: its platform's file.
    expect(chunks[0]).toBe('cli.cjs');
    expect(chunks.length).toBeGreaterThan(1);
    for (const [chunk, what] of report(plain)) expect(what).toMatch(new RegExp(`^accepted .*dist[\\\\/]bundle[\\\\/]${base(chunk)}\\.\\w+\\.v\\d+\\.\\d+\\.\\d+\\.\\w+\\.\\w+\\.cache$`));
    expect(existsSync(dir)).toBe(false);
  });

  test('another V8 flag: the first run writes a cache per chunk, the next accepts them, the output is the same', async () => {
    const dir = join(home, 'flags');
    const first = await run(['--max-old-space-size=123'], { XDG_CACHE_HOME: dir });
    expect([...report(first).keys()]).toEqual(chunks);
    for (const [chunk, what] of report(first)) expect(what).toMatch(new RegExp(`^none; wrote .*flags[\\\\/]mqtt-sign[\\\\/]${base(chunk)}\\..+\\.cache$`));
    const files = readdirSync(join(dir, 'mqtt-sign'));
    expect(files).toHaveLength(chunks.length);
    const second = await run(['--max-old-space-size=123'], { XDG_CACHE_HOME: dir });
    for (const [chunk, what] of report(second)) expect(what).toBe(`accepted ${join(dir, 'mqtt-sign', files.find((f) => f.startsWith(`${base(chunk)}.`))!)}`);
    // NODE_OPTIONS counts as flags too: another key, so other files.
    const viaOptions = await run([], { XDG_CACHE_HOME: dir, NODE_OPTIONS: '--max-old-space-size=77' });
    for (const what of report(viaOptions).values()) expect(what).toMatch(/^none; wrote /);
    expect(readdirSync(join(dir, 'mqtt-sign'))).toHaveLength(2 * chunks.length);
    for (const r of [first, second, viaOptions]) expect([r.code, r.out]).toEqual([0, plain.out]);
  });

  test('damaged caches are rejected by V8 and rewritten; the run is unaffected', async () => {
    const dir = join(home, 'damaged');
    await run(['--max-old-space-size=99'], { XDG_CACHE_HOME: dir });
    for (const file of readdirSync(join(dir, 'mqtt-sign'))) writeFileSync(join(dir, 'mqtt-sign', file), 'not a code cache');
    const damaged = await run(['--max-old-space-size=99'], { XDG_CACHE_HOME: dir });
    expect([...report(damaged).keys()]).toEqual(chunks);
    for (const what of report(damaged).values()) expect(what).toMatch(/^rejected .*; wrote /);
    expect([damaged.code, damaged.out]).toEqual([0, plain.out]);
    for (const what of report(await run(['--max-old-space-size=99'], { XDG_CACHE_HOME: dir })).values()) expect(what).toMatch(/^accepted /);
  });

  test("one chunk's cache under another chunk's name is rejected, not used", async () => {
    const dir = join(home, 'swapped');
    await run(['--max-old-space-size=98'], { XDG_CACHE_HOME: dir });
    const files = readdirSync(join(dir, 'mqtt-sign')).sort();
    const [a, b] = [files.find((f) => f.startsWith('cli.'))!, files.find((f) => !f.startsWith('cli.'))!];
    const [bytesA, bytesB] = [readFileSync(join(dir, 'mqtt-sign', a)), readFileSync(join(dir, 'mqtt-sign', b))];
    writeFileSync(join(dir, 'mqtt-sign', a), bytesB);
    writeFileSync(join(dir, 'mqtt-sign', b), bytesA);
    const swapped = await run(['--max-old-space-size=98'], { XDG_CACHE_HOME: dir });
    expect(report(swapped).get('cli.cjs')).toMatch(/^rejected .*; wrote /);
    expect([swapped.code, swapped.out]).toEqual([0, plain.out]);
  });

  test('an unwritable cache directory is ignored silently', async () => {
    const notADir = join(home, 'a-file');
    writeFileSync(notADir, '');
    const r = await run(['--max-old-space-size=101'], { XDG_CACHE_HOME: notADir });
    expect([...report(r).values()]).toEqual(chunks.map(() => 'none'));
    expect([r.code, r.out]).toEqual([0, plain.out]);
    expect(r.err.replace(/^code cache: .*\n/gm, '')).toBe('');
  });
});
