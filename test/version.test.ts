// The version is fixed at build time (scripts/version.mjs): it must be package.json's, and --version prints it.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { VERSION } from '../src/cli/version.js';
import { main } from '../src/cli/main.js';
import { fakeIo } from './helpers/fake-io.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

test('src/cli/version.ts holds package.json version (npm run build rewrites it)', () => {
  expect(VERSION).toBe(pkg.version);
});

test('--version prints it', async () => {
  const fake = fakeIo();
  expect(await main(['--version'], fake.io)).toBe(0);
  expect(fake.stdout()).toBe(`${pkg.version}\n`);
});
