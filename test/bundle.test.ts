// The bundle that bin/mqtt-sign.js runs (scripts/bundle.mjs): compiled with its code cache it prints what the source
// prints, and its import()s of its own chunks, of chalk and of clipboardy work (a plain import() in a code-cached
// script throws on Node 20).
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Script } from 'node:vm';
import { afterAll, expect, test } from 'vitest';
import { main as sourceMain } from '../src/cli/main.js';
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';

type Main = typeof sourceMain;
interface Loaded {
  script: Script;
  cachedData?: Buffer;
}
const bin = createRequire(import.meta.url)('../bin/mqtt-sign.js') as {
  bundle: string;
  dir: string;
  chunkLoader(cacheFor?: (name: string) => { from?: string; cachedData?: Buffer }): { load(name: string): { main: Main }; loaded: Map<string, Loaded> };
  entryFile(argv: readonly string[]): string;
  cacheProfile(entry: string, argv: readonly string[], isTerminal?: () => boolean): string | undefined;
  DEFAULT_PROFILE: string;
};

const built = statSync(bin.bundle, { throwIfNoEntry: false });
if (built === undefined || built.mtimeMs < statSync(resolve(import.meta.dirname, '../dist/cli/main.js')).mtimeMs) {
  throw new Error('dist/bundle/cli.cjs is missing or older than dist/: run `npm run build` (npm test builds first)');
}
const id = /\/\/ mqtt-sign build (\w+)\n$/.exec(readFileSync(bin.bundle, 'utf8'))?.[1];
const files = readdirSync(bin.dir);
const chunks = files.filter((f) => f.endsWith('.cjs'));
// The build names each chunk's cache by bin's key (build id, Node build, architecture, V8 flags), cli.cjs's also by
// profile (bin.cacheProfile); the flags part differs here (vitest's workers), so find it by the chunk and the build id.
const PROFILES = ['c', 'table', 'at'];
const shipped = (name: string, profile = name === 'cli.cjs' ? bin.DEFAULT_PROFILE : undefined): string => {
  const prefix = `${name.replace(/\.cjs$/, '')}${profile === undefined ? '' : `.${profile}`}.${id}.`;
  const found = files.filter((f) => f.startsWith(prefix) && f.endsWith('.cache'));
  if (found.length !== 1) throw new Error(`expected one shipped code cache ${prefix}…, found ${found.length}`);
  return join(bin.dir, found[0]!);
};
const { load, loaded } = bin.chunkLoader((name) => ({ from: shipped(name), cachedData: readFileSync(shipped(name)) }));

test('every chunk has its shipped code cache (cli.cjs one per profile), and each file is a cache or a chunk of this build', () => {
  expect(chunks).toContain('cli.cjs');
  for (const name of chunks) expect(shipped(name)).toMatch(/\.cache$/);
  for (const profile of PROFILES) expect(shipped('cli.cjs', profile)).toMatch(/\.cache$/);
  const caches = files.filter((f) => f.endsWith('.cache'));
  // Chunk names have no dot: what comes before the first is the chunk.
  for (const file of caches) expect(chunks, file).toContain(`${file.slice(0, file.indexOf('.'))}.cjs`);
  expect(caches).toHaveLength(chunks.length + PROFILES.length - 1);
});

test.each([
  [['aliyun', '--format', 'table'], false, 'table'],
  [['aliyun', '--format=at', '--modem', 'esp8266'], false, 'at'],
  [['aliyun', '--format', 'hex', '--format', 'json'], false, 'json'],
  [['aliyun', '--product', 'p'], false, 'c'],
  [['aliyun', '--product', 'p'], true, 'table'],
  [['aliyun', '--format', 'c'], true, 'c'],
  // A value that could not be a format name never becomes part of a file name.
  [['aliyun', '--format', '../../x'], false, 'c'],
  [['aliyun', '--format', 'A'], false, 'c'],
  [['aliyun', '--format', ''], false, 'c'],
  [['aliyun', '--format'], true, 'table'],
  // After `--` nothing is an option.
  [['aliyun', '--', '--format', 'at'], false, 'c'],
])('the cache profile of %j (stdout a terminal: %s) is %s', (argv, terminal, profile) => {
  expect(bin.cacheProfile('cli.cjs', argv, () => terminal)).toBe(profile);
});

test('only cli.cjs has cache profiles, and only for its signing commands', () => {
  for (const command of ['verify', 'probe', 'doctor', 'help']) expect(bin.cacheProfile('cli.cjs', [command, '--format', 'json'], () => true), command).toBeUndefined();
  expect(bin.cacheProfile('cli-decode.cjs', ['decode', '--format', 'json'], () => false)).toBeUndefined();
  expect(bin.cacheProfile('cli-bare.cjs', ['--format', 'table'], () => true)).toBeUndefined();
});

test('each file is the function bin compiles, in ASCII (else V8 holds the whole source two bytes a character)', () => {
  for (const name of chunks) {
    const text = readFileSync(join(bin.dir, name), 'latin1');
    expect(text.startsWith('(function (exports, require, module, __filename, __dirname, __import, __define) {'), name).toBe(true);
    const wide = [...text].findIndex((c) => c.charCodeAt(0) > 0x7f);
    expect(wide < 0 ? '' : text.slice(Math.max(0, wide - 40), wide + 20), name).toBe('');
  }
});

const ALIYUN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', 'BundleSecret0123456789abcdefABCD', '--timestamp', '1700000000000'];


const ROWS: [string, string[], FakeIoOptions][] = [
  ['c', [...ALIYUN, '--format', 'c'], {}],
  ['table in colour on a terminal (chalk)', [...ALIYUN, '--format', 'table'], { stdoutTTY: true, stderrTTY: true }],
  ['AT script for a Quectel modem', ['huawei', '--device', '5f052ac562369102d42b0fb6_demo', '--secret', '12345678', '--timestamp', '2025041401', '--format', 'at', '--modem', 'quectel'], {}],
  ['json in Chinese', [...ALIYUN, '--format', 'json', '--lang', 'zh', '--publish', 'property-post', '--payload', '{"temp":10}'], {}],
  ['decode', ['decode', '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00'], {}],
  ['verify', ['verify', 'aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', 'x', '--client-id', 'a', '--username', 'b', '--password', 'c'], {}],
  ['an unknown option, in colour', [...ALIYUN, '--formt', 'c'], { stderrTTY: true }],
  // commander's help in both (bin alone answers the top-level help from the text the build saved: tested below).
  ['--help', ['--help'], {}],
  ['--help in Chinese', ['--lang', 'zh', '-h'], {}],
  ['no arguments', [], {}],
  ['--help on a terminal (at its width)', ['--help'], { stdoutTTY: true }],
  ['--version', ['--version'], {}],
];

test.each(ROWS)('%s: the bundle prints what the source prints', async (_, argv, options) => {
  // From the file bin runs first for this command line (cli-decode.cjs for decode).
  const runs = await Promise.all(
    [load(bin.entryFile(argv)).main, sourceMain].map(async (main) => {
      const fake = fakeIo(options);
      const code = await main(argv, fake.io);
      return { code, out: fake.stdout(), err: fake.stderr() };
    }),
  );
  expect(runs[0]).toEqual(runs[1]);
  if ((options.stdoutTTY || options.stderrTTY) && !argv.includes('--help')) expect(runs[0]!.out + runs[0]!.err).toMatch(/\u001b\[/);
});

// Each root file runs any command line, importing the command it does not hold (bin picks one by the command only).
test.each([
  ['sign through decode\'s file', 'cli-decode.cjs', [...ALIYUN, '--format', 'c']],
  ['decode through cli.cjs', 'cli.cjs', ['decode', '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00']],
  ['a platform\'s help (commander) through decode\'s file', 'cli-decode.cjs', ['aliyun', '--help']],
  ['sign through the file for no command', 'cli-bare.cjs', [...ALIYUN, '--format', 'c']],
  // cli.cjs carries the AT formatter (scripts/bundle.mjs, CARRIED); the other roots read its own file.
  ['an AT script through decode\'s file', 'cli-decode.cjs', [...ALIYUN, '--format', 'at', '--modem', 'esp8266']],
  ['an AT script through the file for no command', 'cli-bare.cjs', [...ALIYUN, '--format', 'at', '--modem', 'esp-at-mqtt']],
  ['decode through the file for no command', 'cli-bare.cjs', ['decode', '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00']],
  ['the help through cli.cjs', 'cli.cjs', ['--no-color', '--help']],
])('%s prints what the source prints', async (_, file, argv) => {
  expect(bin.entryFile(argv)).not.toBe(file);
  // A loader of its own, as a run of its own has: each file it reads must carry what that file's imports expect.
  const fresh = bin.chunkLoader().load(file);
  const runs = await Promise.all(
    [fresh.main, sourceMain].map(async (main) => {
      const fake = fakeIo();
      return { code: await main(argv, fake.io), out: fake.stdout(), err: fake.stderr() };
    }),
  );
  expect(runs[0]).toEqual(runs[1]);
  expect(runs[0]!.code).toBe(0);
});

// After every row above: each chunk they loaded was compiled from the cache the build wrote for it.
test('the code cache the build wrote is accepted for every chunk the runs loaded', () => {
  expect(loaded.size).toBeGreaterThan(3);
  for (const [name, { script, cachedData }] of loaded) expect({ name, cached: cachedData !== undefined, rejected: script.cachedDataRejected }).toEqual({ name, cached: true, rejected: false });
});

const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// clipboardy runs `xsel` on Linux: a stand-in that keeps what it is given proves the import and the copy happened.
test.skipIf(process.platform !== 'linux')('--copy loads clipboardy from the bundle and hands it the output', async () => {
  writeFileSync(join(dir, 'xsel'), `#!/bin/sh\ncat > "${join(dir, 'clipboard')}"\n`);
  chmodSync(join(dir, 'xsel'), 0o755);
  const env = { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, DISPLAY: ':0', LANG: 'C' };
  const out = await new Promise<string>((done, fail) => {
    execFile(process.execPath, [resolve(import.meta.dirname, '../bin/mqtt-sign.js'), ...ALIYUN, '--format', 'hex', '--copy'], { env }, (error, stdout) =>
      error ? fail(error) : done(stdout),
    );
  });
  expect(out).toMatch(/^10 /);
  expect(readFileSync(join(dir, 'clipboard'), 'utf8')).toBe(out);
});

// The top-level help off a terminal is answered by bin itself from the text the build saved, in the language main()
// would pick: without loading the bundle (no chunk reported), and with main()'s output for the same line and env.
test.each([
  [['--help'], { LANG: 'C' }],
  [['-h'], { LANG: 'zh_CN.UTF-8' }],
  [[], { LC_ALL: 'ZH', LANG: 'en_US' }],
  [['help'], { LC_MESSAGES: 'zh_TW', LANG: 'en' }],
  [['--lang', 'zh', '--help'], { LANG: 'en' }],
  [['--lang', 'en', 'help'], { LC_ALL: 'zh_CN' }],
])('bin answers %j itself, as main() would (env %j)', async (argv, env) => {
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((done, fail) => {
    execFile(process.execPath, [resolve(import.meta.dirname, '../bin/mqtt-sign.js'), ...argv], { env: { PATH: process.env.PATH, MQTT_SIGN_CODE_CACHE_REPORT: '1', ...env } }, (error, out, err) =>
      error ? fail(error) : done({ stdout: out, stderr: err }),
    );
  });
  const fake = fakeIo({ env });
  expect(await sourceMain(argv, fake.io)).toBe(0);
  expect(stdout).toBe(fake.stdout());
  expect(stderr).toBe('');
});

test('`--lang en` alone is not a help request: commander prints its help on stderr and exits 2, as before', async () => {
  const code = await new Promise<number | null>((done) => {
    execFile(process.execPath, [resolve(import.meta.dirname, '../bin/mqtt-sign.js'), '--lang', 'en'], (error) => done(error ? (error.code as number) : 0));
  });
  expect(code).toBe(2);
});

// What a short run reads: the file of its command's code and nothing of commander or of the other commands. A plain
// command line runs without commander (src/cli/options.ts), a sign run loads its own platform and format only, and
// the top-level help is the text the build saved.
test.each([
  ['sign --format c', [...ALIYUN, '--format', 'c'], ['cli', 'aliyun']],
  ['sign --format json', [...ALIYUN, '--format', 'json'], ['cli', 'aliyun']],
  ['sign --format json --modem quectel', [...ALIYUN, '--format', 'json', '--modem', 'quectel'], ['cli', 'aliyun', 'json']],
  ['sign --format table', [...ALIYUN, '--format', 'table'], ['cli', 'aliyun']],
  ['sign --format at (cli.cjs carries it)', [...ALIYUN, '--format', 'at', '--modem', 'esp8266'], ['cli', 'aliyun']],
  ['decode', ['decode', 'c0 00'], ['cli-decode']],
  ['an unknown option (commander)', [...ALIYUN, '--formt', 'c'], ['cli', 'aliyun', 'program', 'sign-command']],
  // commander's help, not bin's saved text: no signing or decoding code (the file for command lines naming no command).
  ['the help with a global option first', ['--no-color', '--help'], ['cli-bare', 'program']],
])('%s loads only its own files', async (_, argv, expected) => {
  const err = await new Promise<string>((done) => {
    execFile(process.execPath, [resolve(import.meta.dirname, '../bin/mqtt-sign.js'), ...argv], { env: { ...process.env, MQTT_SIGN_CODE_CACHE_REPORT: '1', XDG_CACHE_HOME: join(dir, 'cache') } }, (_error, _out, stderr) => done(stderr));
  });
  const files = [...err.matchAll(/^code cache: ([\w-]+?)(?:-[A-Z0-9]{8})?\.cjs:/gm)].map((m) => m[1]);
  expect(files.sort()).toEqual([...expected].sort());
});

// Modules a short run does not load (each costs ~1-3 ms): node:crypto (signing hashes in JavaScript,
// src/platforms/_hash.ts; random bytes drawn only when a signer reads them; the bundle loads it on first use),
// node:stream (imported lazily by the bundle too), node:net and node:tty (process.stdout and process.stderr are not
// built: small outputs go to the descriptors directly, src/cli/direct-out.ts), fs.promises (a stat is synchronous),
// AbortController and a SIGINT handler (decode of a hex argument waits on nothing to interrupt: src/cli/interrupt.ts).
const HEAVY = [
  'NativeModule crypto',
  'NativeModule stream',
  'NativeModule net',
  'NativeModule tty',
  'NativeModule internal/fs/promises',
  'NativeModule internal/abort_controller',
  'Internal Binding signal_wrap',
];
test.each([
  ['sign --format c', [...ALIYUN, '--format', 'c']],
  ['decode', ['decode', 'c0 00']],
  ['--help', ['--help']],
])('%s, output to pipes, loads none of node:crypto, node:stream, node:net, node:tty, fs.promises, AbortController, signals', async (_, argv) => {
  const probe = join(dir, 'modules.cjs');
  // Only what the run loads after this preload, written without process.stderr (which would load node:net itself).
  writeFileSync(
    probe,
    `const before = new Set(process.moduleLoadList);
process.on('exit', () => require('node:fs').writeSync(2, 'loaded: ' + JSON.stringify(${JSON.stringify(HEAVY)}.filter((m) => !before.has(m) && process.moduleLoadList.includes(m))) + '\\n'));
`,
  );
  const err = await new Promise<string>((done, fail) => {
    execFile(process.execPath, ['-r', probe, resolve(import.meta.dirname, '../bin/mqtt-sign.js'), ...argv], { env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') } }, (error, _out, stderr) =>
      error ? fail(error) : done(stderr),
    );
  });
  expect(err).toMatch(/^loaded: \[\]$/m);
});

// On a terminal with colour (a pseudo-terminal from script(1)), Linux tells the terminal by its device number
// (src/cli/terminal-device.ts) and chalk detects nothing itself (scripts/bundle.mjs): the table and decode are painted
// without node:tty or node:net. --help asks the terminal's width, which only a tty.WriteStream knows.
const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;
test.skipIf(!hasScript).each([
  ['sign --format table', [...ALIYUN, '--format', 'table']],
  ['decode', ['decode', 'c0 00']],
])('%s on a colour terminal: painted, without node:tty or node:net', (_, argv) => {
  const probe = join(dir, 'terminal-modules.cjs');
  const report = join(dir, 'terminal-modules.json');
  writeFileSync(
    probe,
    `const before = new Set(process.moduleLoadList);
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(['NativeModule tty', 'NativeModule net'].filter((m) => !before.has(m) && process.moduleLoadList.includes(m)))));
`,
  );
  const command = [process.execPath, '-r', probe, resolve(import.meta.dirname, '../bin/mqtt-sign.js'), ...argv].map((a) => `'${a}'`).join(' ');
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NO_COLOR' && k !== 'FORCE_COLOR')), XDG_CACHE_HOME: join(dir, 'cache') };
  const run = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env });
  expect(run.status, run.stdout).toBe(0);
  expect(run.stdout).toContain('\u001b[');
  expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual([]);
});
