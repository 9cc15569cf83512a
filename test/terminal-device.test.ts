// knownTerminal (src/cli/terminal-device.ts): Linux terminals told by device number, so a colour run need not load
// node:tty. Checked against the kernel's device list by number, and against isatty on the devices this machine has.
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isatty } from 'node:tty';
import { afterAll, expect, test } from 'vitest';
import { knownTerminal } from '../src/cli/terminal-device.js';

/** glibc's makedev(): the low 8 bits of the minor, 12 of the major, then the rest of each. */
const makedev = (major: number, minor: number): number =>
  (minor & 0xff) + (major & 0xfff) * 0x100 + (minor >>> 8) * 0x10_0000 + Math.floor(major / 0x1000) * 0x1_0000_0000_000;

test('the terminal majors of devices.txt are known; their neighbours, memory devices and other systems are not', () => {
  const known = [
    [4, 1], // /dev/tty1, a virtual console
    [4, 64], // /dev/ttyS0
    [5, 0], // /dev/tty
    [5, 1], // /dev/console
    [5, 2], // /dev/ptmx
    [136, 0], // /dev/pts/0
    [136, 300], // /dev/pts/300: a minor past 8 bits
    [143, 1_048_575], // the last Unix98 pseudo-terminal
  ];
  const unknown = [
    [1, 3], // /dev/null
    [1, 5], // /dev/zero
    [3, 0], // an old BSD pty master
    [135, 0],
    [144, 0],
    [188, 0], // /dev/ttyUSB0: a terminal, asked of isatty instead
    [4 + 0x1000, 1], // a major past 12 bits whose low bits are 4
  ];
  for (const [major, minor] of known) expect(knownTerminal(makedev(major!, minor!), 'linux'), `${major}:${minor}`).toBe(true);
  for (const [major, minor] of unknown) expect(knownTerminal(makedev(major!, minor!), 'linux'), `${major}:${minor}`).toBe(false);
  expect(knownTerminal(makedev(136, 0), 'darwin')).toBe(false);
  expect(knownTerminal(makedev(136, 0), 'win32')).toBe(false);
});

const linux = process.platform === 'linux';
const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-terminal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.runIf(linux)('on this machine, a device known by number is a terminal to isatty, and the memory devices are not known', () => {
  for (const path of ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/ptmx']) {
    let fd: number;
    try {
      fd = openSync(path, 'r+');
    } catch {
      continue; // not on this machine, or not ours to open
    }
    try {
      const { rdev } = fstatSync(fd);
      expect(knownTerminal(rdev, 'linux'), path).toBe(isatty(fd));
    } finally {
      closeSync(fd);
    }
  }
});

const hasScript = linux && spawnSync('script', ['--version']).status === 0;
test.skipIf(!hasScript)('a pseudo-terminal (script(1)) is known by its number, as isatty says', () => {
  const result = join(dir, 'pts.json');
  const child = join(dir, 'pts-child.mjs');
  const module = join(import.meta.dirname, '../dist/cli/terminal-device.js');
  writeFileSync(
    child,
    `import { fstatSync, writeFileSync } from 'node:fs';
import { isatty } from 'node:tty';
const { knownTerminal } = await import(${JSON.stringify(module)});
writeFileSync(${JSON.stringify(result)}, JSON.stringify([0, 1, 2].map((fd) => [knownTerminal(fstatSync(fd).rdev, 'linux'), isatty(fd)])));
`,
  );
  const run = spawnSync('script', ['-qec', `'${process.execPath}' '${child}'`, '/dev/null'], { encoding: 'utf8' });
  expect(run.status, run.stdout).toBe(0);
  expect(JSON.parse(readFileSync(result, 'utf8'))).toEqual([
    [true, true],
    [true, true],
    [true, true],
  ]);
});
