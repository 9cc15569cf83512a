// realIo().streamFile: a path where nothing exists fails at once with ENOENT, as the file stream would (decode then
// reads its argument as data); a file streams its bytes; other failures still come from the stream itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { realIo } from '../src/cli/io.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(path: string): Promise<{ bytes?: string; code?: string }> {
  try {
    const parts: Uint8Array[] = [];
    for await (const chunk of realIo().streamFile(path)) parts.push(chunk);
    return { bytes: Buffer.concat(parts).toString() };
  } catch (err) {
    return { code: (err as NodeJS.ErrnoException).code };
  }
}

test.each([
  ['hex that names no file', 'c0 00', { code: 'ENOENT' }],
  ['a missing file in a real directory', join(dir, 'missing.pcap'), { code: 'ENOENT' }],
  ['a path through a file (not a directory)', join(dir, 'file.txt', 'x'), { code: 'ENOTDIR' }],
  ['a directory', dir, { code: 'EISDIR' }],
  ['a file', join(dir, 'file.txt'), { bytes: '10 0c' }],
])('%s', async (_, path, expected) => {
  writeFileSync(join(dir, 'file.txt'), '10 0c');
  expect(await read(path)).toEqual(expected);
});
