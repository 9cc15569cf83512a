// `npm run build`, before tsc: writes package.json's version into src/cli/version.ts, so `mqtt-sign --version` and the
// help need no file read at run time (start-up, issue 15). test/version.test.ts keeps the two in step.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const file = new URL('src/cli/version.ts', root);
const text = `// Written by scripts/version.mjs from package.json (npm run build); do not edit.\nexport const VERSION = '${version}';\n`;
let old = '';
try {
  old = readFileSync(file, 'utf8');
} catch {}
// Only when it changed: an untouched file keeps its mtime, and tsc --watch stays quiet.
if (old !== text) writeFileSync(file, text);
