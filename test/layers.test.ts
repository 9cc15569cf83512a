// The house picture in STYLE.md, checked: imports go downward only, and the core does no I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Which layers each layer may import (besides itself). */
const allowed: Record<string, readonly string[]> = {
  messages: [],
  // Pure text escaping for terminals: imports nothing, anyone may use it.
  'terminal-text': [],
  // JSON text safe to print (src/json-text.ts): imports nothing either.
  'json-text': [],
  // A URL's password masked for echoing (src/userinfo.ts): imports nothing.
  userinfo: [],
  errors: ['messages', 'terminal-text'],
  wire: ['errors', 'messages', 'terminal-text'],
  mqtt: ['wire', 'errors', 'messages', 'terminal-text'],
  platforms: ['errors', 'messages', 'terminal-text', 'userinfo'],
  format: ['mqtt', 'wire', 'errors', 'messages', 'terminal-text', 'json-text'],
  capture: ['mqtt', 'wire', 'errors', 'messages', 'terminal-text'],
  probe: ['mqtt', 'wire', 'errors', 'messages', 'terminal-text', 'userinfo'],
  doctor: ['errors', 'messages', 'format', 'terminal-text', 'json-text'],
  // Node stream adapters around the pure codec (node:stream is not I/O by itself; the caller owns the ends).
  stream: ['mqtt', 'errors', 'messages', 'terminal-text'],
  index: ['messages', 'errors', 'wire', 'mqtt', 'platforms', 'format', 'capture', 'probe', 'doctor', 'terminal-text', 'stream', 'json-text', 'userinfo'],
  cli: ['messages', 'errors', 'wire', 'mqtt', 'platforms', 'format', 'capture', 'probe', 'doctor', 'index', 'terminal-text', 'stream', 'json-text', 'userinfo'],
};

/** Node modules and globals that only the edge may touch. */
const edgeOnly = [
  /from 'node:(fs|fs\/promises|net|tls|dns|child_process|http|https|os)'/,
  /\bprocess\./,
  /\bconsole\./,
  /\bDate\.now\(/,
  /\bMath\.random\(/,
  /\brandomBytes\b/,
  /from '(chalk|clipboardy)'/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(path: string): string {
  const rel = relative(SRC, path).replace(/\\/g, '/');
  const top = rel.split('/')[0]!;
  return top.replace(/\.ts$/, '');
}

const sources = files(SRC);

describe('layers', () => {
  test('every source file belongs to a known layer', () => {
    for (const file of sources) expect(Object.keys(allowed), file).toContain(layerOf(file));
  });

  test.each(sources.map((f) => [relative(SRC, f), f]))('%s imports only downward', (_name, file) => {
    const layer = layerOf(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = layerOf(resolve(dirname(file), match[1]!).replace(/\.js$/, '.ts'));
      if (target === layer) continue;
      expect(allowed[layer], `${relative(SRC, file)} imports ${match[1]}`).toContain(target);
    }
    if (layer !== 'cli') {
      for (const pattern of edgeOnly) expect(text, `${relative(SRC, file)} must not use ${pattern}`).not.toMatch(pattern);
    }
  });
});
