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

function run(nodeFlags: string[], env: Record<string, string>, args: readonly string[] = ARGS): Promise<Run> {
  return new Promise((done) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && k !== 'XDG_CACHE_HOME'));
    execFile(
      process.execPath,
      [...nodeFlags, BIN, ...args],
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
    // cli.cjs's by the profile of `--format c` (bin/mqtt-sign.js, cacheProfile).
    for (const [chunk, what] of report(plain)) expect(what).toMatch(new RegExp(`^accepted .*dist[\\\\/]bundle[\\\\/]${base(chunk)}${chunk === 'cli.cjs' ? '\\.c' : ''}\\.\\w+\\.v\\d+\\.\\d+\\.\\d+\\.\\w+\\.\\w+\\.cache$`));
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

  // cli.cjs has a cache per sign format (bin/mqtt-sign.js, cacheProfile): the build ships c's, table's and at's.
  const withFormat = (...format: string[]): string[] => [...ARGS.slice(0, -2), ...format];

  test("a format the build warmed no cache for starts from the default's shipped cache, writes its own, then uses it", async () => {
    const dir = join(home, 'profile-hex');
    const first = await run([], { XDG_CACHE_HOME: dir }, withFormat('--format', 'hex'));
    expect(first.code).toBe(0);
    expect(report(first).get('cli.cjs')).toMatch(/^accepted .*dist[\\/]bundle[\\/]cli\.c\.\w+\..*\.cache; wrote .*profile-hex[\\/]mqtt-sign[\\/]cli\.hex\.\w+\..*\.cache$/);
    // The platform's file has no profiles: its shipped cache fits.
    for (const [chunk, what] of report(first)) if (chunk !== 'cli.cjs') expect(what).toMatch(/^accepted .*dist[\\/]bundle[\\/].*\.cache$/);
    const second = await run([], { XDG_CACHE_HOME: dir }, withFormat('--format', 'hex'));
    expect(report(second).get('cli.cjs')).toMatch(/^accepted .*profile-hex[\\/]mqtt-sign[\\/]cli\.hex\.\w+\..*\.cache$/);
    expect([second.code, second.out]).toEqual([0, first.out]);
    // A shipped profile is used as it is.
    const table = await run([], { XDG_CACHE_HOME: dir }, withFormat('--format', 'table'));
    expect(report(table).get('cli.cjs')).toMatch(/^accepted .*dist[\\/]bundle[\\/]cli\.table\.\w+\..*\.cache$/);
  });

  test("under another V8 flag each format writes and uses its own cache, never another format's", async () => {
    const dir = join(home, 'profiles');
    const flags = ['--max-old-space-size=97'];
    const c = await run(flags, { XDG_CACHE_HOME: dir });
    expect(report(c).get('cli.cjs')).toMatch(/^none; wrote .*[\\/]cli\.c\.\w+\..*\.cache$/);
    const table = await run(flags, { XDG_CACHE_HOME: dir }, withFormat('--format', 'table'));
    expect(report(table).get('cli.cjs')).toMatch(/^none; wrote .*[\\/]cli\.table\.\w+\..*\.cache$/);
    const again = await Promise.all([run(flags, { XDG_CACHE_HOME: dir }), run(flags, { XDG_CACHE_HOME: dir }, withFormat('--format', 'table'))]);
    expect(again.map((r) => report(r).get('cli.cjs'))).toEqual([
      expect.stringMatching(/^accepted .*[\\/]cli\.c\.\w+\..*\.cache$/),
      expect.stringMatching(/^accepted .*[\\/]cli\.table\.\w+\..*\.cache$/),
    ]);
    expect(again.map((r) => [r.code, r.out])).toEqual([
      [0, c.out],
      [0, table.out],
    ]);
  });

  test("verify, not a signing command, starts from the default's shipped cache and writes one without a profile", async () => {
    const dir = join(home, 'verify');
    // A CONNECT that does not verify (exit 1): a run that worked, not a usage error.
    const args = ['verify', 'aliyun', '--secret', 'x', '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00'];
    const first = await run([], { XDG_CACHE_HOME: dir }, args);
    expect(first.code).toBe(1);
    expect(report(first).get('cli.cjs')).toMatch(/^accepted .*dist[\\/]bundle[\\/]cli\.c\.\w+\..*\.cache; wrote .*verify[\\/]mqtt-sign[\\/]cli\.\w+\.v\d.*\.cache$/);
    const second = await run([], { XDG_CACHE_HOME: dir }, args);
    expect(report(second).get('cli.cjs')).toMatch(/^accepted .*verify[\\/]mqtt-sign[\\/]cli\.\w+\.v\d.*\.cache$/);
    expect([second.code, second.out]).toEqual([first.code, first.out]);
  });

  test('a usage error (an unknown format) writes no cache', async () => {
    const dir = join(home, 'usage-error');
    const r = await run(['--max-old-space-size=96'], { XDG_CACHE_HOME: dir }, withFormat('--format', 'nope'));
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/wrote/);
    expect(existsSync(dir)).toBe(false);
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
