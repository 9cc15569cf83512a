// Terminal safety through the CLI: hostile values (ESC sequences, C1 CSI, bidi override, zero-width, 130 KB) in
// every sink (error line, commander's errors, warnings and extras, the table, decode, topics, probe details)
// reach the terminal escaped and cut, in en and zh, in-process and through the built bin; JSON keeps them exact.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { parseTarget, probe, probeReport, probeText } from '../src/probe/index.js';
import { TERM_LINE_MAX } from '../src/terminal-text.js';
import { fakeIo } from './helpers/fake-io.js';
import { connackServer, FakeTransport, goodFacts, VirtualClock } from './helpers/fake-transport.js';

/** What must never reach a terminal: C0 but LF (line ends are ours), DEL, C1, format chars, separators. */
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\p{Cf}\u2028\u2029]/u;
const BIN = resolve(import.meta.dirname, '../bin/mqtt-sign.js');
const ESC = '\x1b]0;owned\x07\x1b[2J';
const SHOWN_ESC = '\\x1b]0;owned\\x07\\x1b[2J';
const SECRET = '0123456789abcdef';

interface Row {
  name: string;
  argv: string[];
  code: number;
  /** Where the value shows, and how. */
  stream: 'stdout' | 'stderr';
  shows: string;
  stdin?: string;
}

const rows: Row[] = [
  { name: 'error line: --product with an ESC sequence', argv: ['aliyun', '--product', `a${ESC}`, '--device', 'd', '--secret', SECRET], code: 2, stream: 'stderr', shows: `a${SHOWN_ESC}` },
  { name: 'error line: --port with a C1 CSI', argv: ['generic', '--host', 'h', '--client-id', 'c', '--port', '1\u009b2J'], code: 2, stream: 'stderr', shows: '1\\x9b2J' },
  { name: 'error line: a file name with a bidi override', argv: ['decode', '/nonexistent/a\u202etxt.exe'], code: 2, stream: 'stderr', shows: 'a\\u202etxt.exe' },
  { name: 'error line: a probe target with zero-width and ESC', argv: ['probe', 'mqtt://h\u200b\x1b[31m:1'], code: 2, stream: 'stderr', shows: 'h\\u200b\\x1b[31m' },
  { name: "commander's unknown option", argv: ['generic', `--x${ESC}`], code: 2, stream: 'stderr', shows: `--x${SHOWN_ESC}` },
  { name: "commander's bad choice", argv: ['generic', '--host', 'h', '--client-id', 'c', '--format', `c${ESC}`], code: 2, stream: 'stderr', shows: `c${SHOWN_ESC}` },
  {
    name: 'extra line: the password_file line quotes the username',
    argv: ['generic', '--host', 'h', '--client-id', 'c', '--username', `u${ESC}`, '--password', 'p', '--passwd-line', '--format', 'hex'],
    code: 0,
    stream: 'stderr',
    shows: `u${SHOWN_ESC}:`,
  },
  { name: 'table: topic with C1 and payload with a bidi override', argv: ['generic', '--host', 'h', '--client-id', 'c', '--publish', 'a/\u009b31m', '--payload', 'x\u202ey', '--format', 'table'], code: 0, stream: 'stdout', shows: '"x\\u202ey"' },
  { name: 'decode: a topic with ESC read from bytes', argv: ['decode', '30 09 00 05 61 1b 5b 32 4a 78 79'], code: 0, stream: 'stdout', shows: '\\u001b[2J' },
  { name: 'decode: a topic with U+009B read from bytes', argv: ['decode', '30 08 00 04 61 c2 9b 4a 78 79'], code: 0, stream: 'stdout', shows: 'a\\x9bJ' },
];

const langs = ['en', 'zh'] as const;

describe.each(langs)('in-process (%s)', (lang) => {
  test.each(rows)('$name', async (row) => {
    const fake = fakeIo({ stdin: row.stdin ?? '' });
    const code = await main([...row.argv, '--lang', lang], fake.io);
    const out = { stdout: fake.stdout(), stderr: fake.stderr() };
    expect(code, out.stderr).toBe(row.code);
    expect(out.stdout).not.toMatch(UNSAFE);
    expect(out.stderr).not.toMatch(UNSAFE);
    expect(out[row.stream]).toContain(row.shows);
  });
});

describe.each(langs)('the built bin (%s)', (lang) => {
  test.each(rows.slice(0, 5))('$name', (row) => {
    const r = spawnSync(process.execPath, [BIN, ...row.argv, '--lang', lang], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(row.code);
    expect(r.stdout + r.stderr).not.toMatch(UNSAFE);
    expect(r[row.stream]).toContain(row.shows);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('length', () => {
  test.each(langs)('a 130 KB value gives one short error line that names its length (%s)', async (lang) => {
    const fake = fakeIo();
    const product = `${'A'.repeat(130_000)}!`;
    expect(await main(['aliyun', '--product', product, '--device', 'd', '--secret', SECRET, '--lang', lang], fake.io)).toBe(2);
    const err = fake.stderr();
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(err).toContain('…(130001 bytes)');
    expect(err.length).toBeLessThan(TERM_LINE_MAX);
  });

  test('a long unknown option is cut too', async () => {
    const fake = fakeIo();
    expect(await main(['generic', `--${'x'.repeat(50_000)}`], fake.io)).toBe(2);
    expect(fake.stderr()).toContain('…(50002 bytes)');
    expect(fake.stderr().length).toBeLessThan(TERM_LINE_MAX);
  });
});

describe('JSON keeps exact values', () => {
  test('a PUBLISH topic with C1 and a bidi override in --format json', async () => {
    const fake = fakeIo();
    expect(await main(['generic', '--host', 'h', '--client-id', 'c', '--publish', 'a/\u009b31m', '--payload', 'x\u202ey', '--format', 'json'], fake.io)).toBe(0);
    const json = JSON.parse(fake.stdout()) as { packets: { hex: string }[] };
    expect(Buffer.from(json.packets[1]!.hex, 'hex').includes(Buffer.from('a/\u009b31m'))).toBe(true);
  });
});

describe('probe: a hostile certificate subject and issuer', () => {
  const subject = `CN=broker.test${ESC}\u202eexe.`;
  const issuer = 'CN=\u009b31mEvil CA\u200b';
  async function run() {
    const clock = new VirtualClock();
    const transport = new FakeTransport(
      { tls: [{ ...goodFacts, certificate: { ...goodFacts.certificate!, subject, issuer } }], server: { tls: connackServer(0) } },
      clock,
    );
    return probe(parseTarget('mqtts://broker.test'), { timeoutMs: 5000, random: '0123456789abcdef', clock }, transport);
  }

  test.each(langs)('the text report shows them escaped (%s)', async (lang) => {
    const result = await run();
    const text = probeText(result, lang);
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain(`CN=broker.test${SHOWN_ESC}\\u202eexe.`);
    expect(text).toContain('CN=\\x9b31mEvil CA\\u200b');
  });

  test('the JSON report keeps them exact', async () => {
    const report = probeReport(await run());
    const tls = report.steps.find((s) => s.step === 'tls')!;
    expect(tls.detail).toContain(subject);
    expect(tls.detail).toContain(issuer);
  });
});

test('the table of a SUBSCRIBE with 150,000 filters renders (no spread of every row into Math.max)', async () => {
  const body = [0x00, 0x01];
  for (let i = 0; i < 150_000; i++) body.push(0x00, 0x01, 0x61, 0x00);
  const rl: number[] = [];
  for (let len = body.length; ; ) {
    const b = len % 128;
    len = Math.floor(len / 128);
    rl.push(len > 0 ? b | 0x80 : b);
    if (len === 0) break;
  }
  const fake = fakeIo({ files: { 'sub.bin': Uint8Array.from([0x82, ...rl, ...body]) } });
  expect(await main(['decode', 'sub.bin'], fake.io), fake.stderr()).toBe(0);
  expect(fake.stdout()).toContain('packets: 1, problems: 0');
});
