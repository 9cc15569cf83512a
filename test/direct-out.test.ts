// directOutStream (src/cli/direct-out.ts): small outputs written to the descriptor without building a stream, on a
// real file and a real FIFO: the bytes arrive whole and in order when the stream takes over past the limit or on
// EAGAIN; a reader that went away (EPIPE) ends the output quietly; a terminal is written directly, another character
// device that could be one gets the stream.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, createWriteStream, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { directOutStream } from '../src/cli/direct-out.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-direct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const posix = process.platform !== 'win32';

/** Bytes that show any reordering or loss: each 4-byte word is its own index. */
function counting(words: number): Buffer {
  const b = Buffer.alloc(words * 4);
  for (let i = 0; i < words; i++) b.writeUInt32BE(i, i * 4);
  return b;
}

test('a file: written directly without opening the stream, then the stream past the limit, bytes in order', async () => {
  const path = join(dir, 'out.bin');
  const fd = openSync(path, 'w');
  let opened = 0;
  const out = directOutStream(fd, () => (opened++, createWriteStream('', { fd, autoClose: false }) as unknown as NodeJS.WriteStream), 1000);
  const data = counting(1000);
  let done = 0;
  out.write('text ', () => done++);
  out.write(data.subarray(0, 400), () => done++);
  expect([opened, done, out.isTTY, out.columns]).toEqual([0, 2, false, undefined]);
  await out.flush!();
  out.write(data.subarray(400, 4000));
  out.write(data.subarray(4000));
  await out.flush!();
  closeSync(fd);
  expect(opened).toBe(1);
  expect(readFileSync(path).equals(Buffer.concat([Buffer.from('text '), data]))).toBe(true);
});

/** A FIFO with a reader (non-blocking, so opening it does not wait) and a writer, opened as `writeFlags`. */
function fifo(name: string, writeFlags: number): { reader: number; writer: number } {
  const path = join(dir, name);
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo: ${made.stderr}`);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  return { reader, writer: openSync(path, writeFlags) };
}

test.runIf(posix)('a non-blocking pipe that fills (EAGAIN): the stream takes the rest, nothing lost or reordered', async () => {
  const { reader, writer } = fifo('full', constants.O_WRONLY | constants.O_NONBLOCK);
  let socket: Socket | undefined;
  const out = directOutStream(writer, () => (socket = new Socket({ fd: writer, readable: false, writable: true })) as unknown as NodeJS.WriteStream, Infinity);
  const data = counting(100_000);
  // No one reads yet: the pipe's buffer (64 KiB on Linux) fills during the first write.
  out.write(data.subarray(0, 300_000));
  expect(socket).toBeDefined();
  out.write(data.subarray(300_000));
  const got: Buffer[] = [];
  const input = new Socket({ fd: reader, readable: true, writable: false });
  input.on('data', (c: Buffer) => got.push(c));
  const ended = new Promise((resolve) => input.on('end', resolve));
  await out.flush!();
  socket!.end();
  await ended;
  expect(Buffer.concat(got).equals(data)).toBe(true);
});

test.runIf(posix)('a pipe whose reader went away (EPIPE): the output ends quietly, no error, no stream', async () => {
  const { reader, writer } = fifo('gone', constants.O_WRONLY);
  closeSync(reader);
  let opened = 0;
  const out = directOutStream(writer, () => (opened++, process.stdout));
  out.write('lost\n');
  expect(out.closed).toBe(true);
  out.write('also lost\n');
  await out.ready!();
  await out.flush!();
  expect(opened).toBe(0);
  closeSync(writer);
});

test.runIf(posix)('/dev/null is written directly; a character device that may be a terminal gets the stream', () => {
  const nul = openSync('/dev/null', 'w');
  let opened = 0;
  const out = directOutStream(nul, () => (opened++, process.stdout));
  out.write('x');
  expect([opened, out.isTTY]).toEqual([0, false]);
  closeSync(nul);
  const zero = openSync('/dev/zero', 'w');
  const stream = { isTTY: false, write: () => true, on: () => stream, columns: undefined } as unknown as NodeJS.WriteStream;
  const other = directOutStream(zero, () => (opened++, stream));
  expect(other.isTTY).toBe(false);
  expect(opened).toBe(1);
  closeSync(zero);
});

const bin = join(import.meta.dirname, '../bin/mqtt-sign.js');
const full = posix && (() => {
  try {
    closeSync(openSync('/dev/full', 'w'));
    return true;
  } catch {
    return false;
  }
})();

// /dev/full is a character device: the run writes to the stream as before; --version's direct write hands the failure
// to the CLI. Either way: one line, exit 1, no stack trace.
test.runIf(full).each([
  ['--version', ['--version']],
  ['sign', ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef', '--format', 'c']],
])('%s onto a full device: one line, exit 1', (_, args) => {
  const out = openSync('/dev/full', 'w');
  const env = { ...process.env, LC_ALL: 'en_US.UTF-8' };
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8', env });
  closeSync(out);
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n').at(-1)).toBe('mqtt-sign: cannot write the output: no space left on device');
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

// A terminal (a pseudo-terminal from script(1)) is written directly too: isTTY says so without a tty.WriteStream,
// the bytes reach it, and only asking its width builds the stream (commander's help wraps at it).
const hasScript = posix && spawnSync('script', ['--version']).status === 0;
test.skipIf(!hasScript)('a terminal: written directly, isTTY true, the stream built only when its width is asked', () => {
  const result = join(dir, 'tty.json');
  const module = join(import.meta.dirname, '../dist/cli/direct-out.js');
  const child = `
const { directOutStream } = await import(${JSON.stringify(module)});
let opened = 0;
const out = directOutStream(1, () => (opened++, process.stdout));
const isTTY = out.isTTY;
out.write('direct to the terminal\\n');
const before = opened;
const columns = out.columns;
out.write('through the stream\\n');
await out.flush();
require('node:fs').writeFileSync(${JSON.stringify(result)}, JSON.stringify({ isTTY, before, after: opened, columns: typeof columns }));
`;
  const script = join(dir, 'tty-child.cjs');
  writeFileSync(script, `(async () => {${child}})();\n`);
  const run = spawnSync('script', ['-qec', `'${process.execPath}' '${script}'`, '/dev/null'], { encoding: 'utf8' });
  expect(run.status, run.stdout).toBe(0);
  expect(JSON.parse(readFileSync(result, 'utf8'))).toEqual({ isTTY: true, before: 0, after: 1, columns: 'number' });
  expect(run.stdout.replace(/\r/g, '')).toBe('direct to the terminal\nthrough the stream\n');
});

// bin answers `--help` off a terminal itself (bin/mqtt-sign.js savedHelp): into a non-blocking pipe that is full
// (EAGAIN; Linux frees room a page at a time, so 1,000 bytes read leave none), the text goes through process.stdout
// once the reader drains the pipe, whole and after what was there.
test.runIf(posix)('bin --help into a full non-blocking pipe (EAGAIN): the help arrives whole after what was there', async () => {
  const { reader, writer } = fifo('help', constants.O_WRONLY | constants.O_NONBLOCK);
  const filler = Buffer.alloc(1 << 20, 0x2e);
  let queued = 0;
  try {
    for (;;) queued += writeSync(writer, filler, 0, 4096);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('EAGAIN');
  }
  const room = Buffer.alloc(1000);
  let freed = 0;
  while (freed < room.length) freed += readSync(reader, room, freed, room.length - freed, null);
  const child = spawn(process.execPath, [join(import.meta.dirname, '../bin/mqtt-sign.js'), '--help'], { stdio: ['ignore', writer, 'pipe'], env: { ...process.env, LANG: 'C' } });
  closeSync(writer);
  const got: Buffer[] = [];
  const input = new Socket({ fd: reader, readable: true, writable: false });
  input.on('data', (c: Buffer) => got.push(c));
  const ended = new Promise((resolve) => input.on('end', resolve));
  const code = await new Promise((resolve) => child.on('close', resolve));
  await ended;
  const expected = spawnSync(process.execPath, [join(import.meta.dirname, '../bin/mqtt-sign.js'), '--help'], { encoding: 'utf8', env: { ...process.env, LANG: 'C' } }).stdout;
  expect(code).toBe(0);
  expect(expected).toMatch(/^Usage: mqtt-sign/);
  const all = Buffer.concat(got).toString('utf8');
  expect(all.length).toBe(queued - freed + expected.length);
  expect(all.slice(queued - freed)).toBe(expected);
});
