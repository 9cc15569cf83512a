// bin/mqtt-sign.js finds a V8 code cache by a key of the bundle, Node build, architecture and V8 flags: the one the
// build shipped, else one this machine wrote on an earlier run in the user's cache directory (written after a run that
// had none, atomically, and never fatal). MQTT_SIGN_CODE_CACHE_REPORT makes bin say which cache it used.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const BIN = resolve(import.meta.dirname, '../bin/mqtt-sign.js');
const ARGS = ['decode', '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00'];
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

const report = (r: Run): string => /^code cache: (.*)$/m.exec(r.err)?.[1] ?? `(no report in ${JSON.stringify(r.err)})`;

describe('the code cache bin uses', () => {
  let plain: Run;

  test('with no V8 flags the shipped cache is accepted and nothing is written', async () => {
    const dir = join(home, 'plain');
    plain = await run([], { XDG_CACHE_HOME: dir });
    expect(plain.code).toBe(0);
    expect(report(plain)).toMatch(/^accepted .*dist[\\/]bundle[\\/]cli\.\w+\.v\d+\.\d+\.\d+\.\w+\.\w+\.cache$/);
    expect(existsSync(dir)).toBe(false);
  });

  test('another V8 flag: the first run writes its own cache, the next accepts it, the output is the same', async () => {
    const dir = join(home, 'flags');
    const first = await run(['--max-old-space-size=123'], { XDG_CACHE_HOME: dir });
    expect(report(first)).toMatch(/^none; wrote .*flags[\\/]mqtt-sign[\\/]cli\..+\.cache$/);
    const files = readdirSync(join(dir, 'mqtt-sign'));
    expect(files).toHaveLength(1);
    const second = await run(['--max-old-space-size=123'], { XDG_CACHE_HOME: dir });
    expect(report(second)).toBe(`accepted ${join(dir, 'mqtt-sign', files[0]!)}`);
    // NODE_OPTIONS counts as flags too: another key, so another file.
    const viaOptions = await run([], { XDG_CACHE_HOME: dir, NODE_OPTIONS: '--max-old-space-size=77' });
    expect(report(viaOptions)).toMatch(/^none; wrote /);
    expect(readdirSync(join(dir, 'mqtt-sign'))).toHaveLength(2);
    for (const r of [first, second, viaOptions]) expect([r.code, r.out]).toEqual([0, plain.out]);
  });

  test('a damaged cache is rejected by V8 and rewritten; the run is unaffected', async () => {
    const dir = join(home, 'damaged');
    await run(['--max-old-space-size=99'], { XDG_CACHE_HOME: dir });
    const [file] = readdirSync(join(dir, 'mqtt-sign'));
    writeFileSync(join(dir, 'mqtt-sign', file!), 'not a code cache');
    const damaged = await run(['--max-old-space-size=99'], { XDG_CACHE_HOME: dir });
    expect(report(damaged)).toMatch(/^rejected .*; wrote /);
    expect([damaged.code, damaged.out]).toEqual([0, plain.out]);
    expect(report(await run(['--max-old-space-size=99'], { XDG_CACHE_HOME: dir }))).toMatch(/^accepted /);
  });

  test('an unwritable cache directory is ignored silently', async () => {
    const notADir = join(home, 'a-file');
    writeFileSync(notADir, '');
    const r = await run(['--max-old-space-size=101'], { XDG_CACHE_HOME: notADir });
    expect(report(r)).toBe('none');
    expect([r.code, r.out]).toEqual([0, plain.out]);
    expect(r.err.replace(/^code cache: .*\n/m, '')).toBe('');
  });
});
