// The gate for suites that need system tools (test/helpers/tools.ts): found on PATH or in sbin, a skip with one
// line naming the tools and the install command, and a failure instead under CI=true or MQTT_SIGN_REQUIRE_TOOLS=1.
// The last rows run a real vitest on a small suite with a PATH that lacks gcc, in each mode.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { checkTools, toolsRequired, whichTool } from './helpers/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A PATH with node and a fake python3 only (gcc, tcpdump and avr-gcc are in /usr/bin, never in sbin).
writeFileSync(join(dir, 'python3'), '#!/bin/sh\nexit 0\n');
chmodSync(join(dir, 'python3'), 0o755);
writeFileSync(join(dir, 'not-executable'), '');
symlinkSync(process.execPath, join(dir, 'node'));
const PATH = dir;

describe('finding tools', () => {
  test('an executable on PATH is found by its full path', () => {
    expect(whichTool('python3', { PATH })).toBe(join(dir, 'python3'));
  });
  test('a file that is not executable is not a tool', () => {
    expect(whichTool('not-executable', { PATH })).toBeUndefined();
  });
  test('a tool on no PATH entry is missing', () => {
    expect(whichTool('gcc', { PATH })).toBeUndefined();
  });
});

describe('modes', () => {
  test.each([
    [{}, false],
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'false' }, false],
    [{ CI: '' }, false],
    [{ MQTT_SIGN_REQUIRE_TOOLS: '1' }, true],
    [{ MQTT_SIGN_REQUIRE_TOOLS: '0' }, false],
  ])('%j → required %s', (env, required) => {
    expect(toolsRequired(env)).toBe(required);
  });

  test('one line names every missing tool and the packages to install, once each', () => {
    const check = checkTools(['python3', 'gcc', 'mosquitto_pub', 'mosquitto_sub'], { PATH: join(dir, 'nowhere') + ':' + dir });
    expect(check.missing).toEqual(['gcc', 'mosquitto_pub', 'mosquitto_sub']);
    expect(check.line).toBe('skipped: missing gcc, mosquitto_pub, mosquitto_sub; install with: sudo apt-get install gcc mosquitto-clients');
    expect(check.line).not.toContain('\n');
  });

  test('nothing missing: no line', () => {
    expect(checkTools(['python3'], { PATH, CI: 'true' })).toEqual({ missing: [], required: true, line: '' });
  });
});

describe('a real vitest run with gcc missing', () => {
  const config = resolve(import.meta.dirname, 'fixtures/tools-gate/vitest.config.ts');
  const vitest = resolve(import.meta.dirname, '../node_modules/vitest/vitest.mjs');
  const run = (extra: Record<string, string>) => {
    const env: Record<string, string | undefined> = { ...process.env, PATH, NO_COLOR: '1', ...extra };
    for (const key of ['CI', 'MQTT_SIGN_REQUIRE_TOOLS'] as const) if (!(key in extra)) delete env[key];
    const r = spawnSync(process.execPath, [vitest, 'run', '--config', config], { env, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, out: r.stdout + r.stderr };
  };

  test('default: the suite with its tool runs, the other is skipped with one line, the run passes', () => {
    const r = run({});
    expect(r.status, r.out).toBe(0);
    const lines = r.out.split('\n').filter((l) => l.includes('install with'));
    expect(lines).toEqual(['[wants-gcc] skipped: missing gcc, tcpdump; install with: sudo apt-get install gcc tcpdump']);
    expect(r.out).toMatch(/1 passed.*1 skipped/);
  });

  test.each<Record<string, string>>([{ CI: 'true' }, { MQTT_SIGN_REQUIRE_TOOLS: '1' }])('%j: the missing tools fail the run, named', (extra) => {
    const r = run(extra);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('wants-gcc: CI=true or MQTT_SIGN_REQUIRE_TOOLS=1 requires every tool: missing gcc, tcpdump; install with: sudo apt-get install gcc tcpdump');
    expect(r.out).toMatch(/1 failed.*1 passed/);
  });
});
