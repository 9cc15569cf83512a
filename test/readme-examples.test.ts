// The READMEs show commands with what they print. Every example whose output is deterministic and shown whole (no
// "…", no random salt, no live broker, no file the reader makes first) is run here as a user would type it, through a
// shell with the built bin as mqtt-sign, stdout and stderr together as a terminal shows them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'mqtt-sign.js');

interface Example {
  readonly line: number;
  readonly command: string;
  readonly output: readonly string[];
}

function examples(readme: string): Example[] {
  const lines = readFileSync(join(ROOT, readme), 'utf8').split('\n');
  const found: { line: number; command: string; output: string[] }[] = [];
  let fence: string | null = null;
  let current: { line: number; command: string; output: string[] } | null = null;
  lines.forEach((text, i) => {
    if (text.trimStart().startsWith('```')) {
      fence = fence === null ? text.slice(0, text.length - text.trimStart().length) : null;
      current = null;
      return;
    }
    if (fence === null) return;
    const body = text.startsWith(fence) ? text.slice(fence.length) : text;
    if (body.startsWith('$ ')) {
      current = { line: i + 1, command: body.slice(2), output: [] };
      found.push(current);
    } else if (current && current.output.length === 0 && current.command.endsWith('\\')) {
      current.command = `${current.command.slice(0, -1).trimEnd()} ${body.trim()}`; // a command continued on the next line
    } else if (current) current.output.push(body);
  });
  return found.map((e) => {
    const output = [...e.output];
    while (output.length > 0 && output.at(-1) === '') output.pop();
    return { ...e, output };
  });
}

// What cannot run here as shown: a live broker or a server's files, a file the reader makes first, a random salt, a
// prompt on a terminal, output shortened with "…", or shown apart from its stderr (--format c with the warning below it).
const SKIP = /\b(probe|doctor|cat|python3|head -20)\b|--passwd-line|\$\(|broken\.bin|esp8266\.log|--format c\b|^MQTT_SIGN_SECRET=/;

function runnable(e: Example): boolean {
  return e.command.startsWith('mqtt-sign ') && !SKIP.test(e.command) && !e.output.some((l) => l.includes('…') || l.startsWith('--secret'));
}

describe.each(['README.md', 'README.zh-CN.md'])('%s examples', (readme) => {
  const all = examples(readme);
  const chosen = all.filter(runnable);

  test('there are examples to check', () => {
    expect(chosen.length).toBeGreaterThanOrEqual(20);
  });

  test.each(chosen.map((e) => [e.line, e] as const))('line %i prints what it shows', (_line, e) => {
    const script = `( node ${JSON.stringify(BIN)} ${e.command.slice('mqtt-sign '.length)} ) 2>&1; true`;
    const out = execFileSync('bash', ['-c', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C', NO_COLOR: '1' },
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    const lines = out.split('\n');
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    expect(lines.join('\n')).toBe(e.output.join('\n'));
  }, 30_000);
});
