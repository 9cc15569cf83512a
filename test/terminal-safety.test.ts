// Terminal safety through the CLI: hostile values (ESC sequences, C1 CSI, bidi override, zero-width, 130 KB) in
// every sink (error line, commander's errors, warnings and extras, the table, decode, topics, probe details)
// reach the terminal escaped and cut, in en and zh, in-process and through the built bin; JSON keeps them exact.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { parseTarget, probe, probeReport, probeText } from '../src/probe/index.js';
import { TERM_LINE_MAX } from '../src/terminal-text.js';
import { jsonQuote, toJson } from '../src/json-text.js';
import { encode } from '../src/mqtt/encode.js';
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

// decode's tsv, json and jsonl once let C1 (U+009B CSI, U+0085), format characters (U+202E, U+2066, U+200B, U+FEFF,
// a tag character), U+2028/U+2029 and DEL through raw: tsv escaped only C0, JSON.stringify only C0.
describe('decode tsv, json and jsonl: hostile values escaped, JSON values exact', () => {
  const evil = 'a\x1b[31mRED\x07\u009b2J\u202eevil\u0085\r\nX\x7f\u2028\u2029\ufeff\u200b\u2066\u{e0001}z';
  const packets = [
    encode({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60, clientId: evil, username: evil, password: Buffer.from(evil) }),
    encode({ cmd: 'publish', topic: evil, payload: Buffer.from(evil), qos: 0, retain: false, dup: false }),
    encode(
      { cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { userProperties: { [evil]: evil }, contentType: evil } },
      { protocolVersion: 5 },
    ),
  ];
  const files = { 'evil.bin': Buffer.concat(packets.slice(0, 2)), 'evil5.bin': packets[2]! };

  async function run(file: string, format: string, protocol = '3.1.1') {
    const fake = fakeIo({ files });
    const code = await main(['decode', file, '--format', format, '--protocol', protocol], fake.io);
    return { code, out: fake.stdout(), err: fake.stderr() };
  }

  test('tsv: every such character as an escape, C1 as \\x9b like C0', async () => {
    const { code, out } = await run('evil.bin', 'tsv');
    expect(code).toBe(0);
    expect(out.replace(/[\t\n]/g, ' ')).not.toMatch(UNSAFE);
    const keys = out.trimEnd().split('\n').slice(1).map((l) => l.split('\t')[6]);
    const shown = 'a\\x1b[31mRED\\x07\\x9b2J\\u202eevil\\x85\\r\\nX\\x7f\\u2028\\u2029\\ufeff\\u200b\\u2066\\u{e0001}z';
    expect(keys).toEqual([shown, shown]);
  });

  test.each(['json', 'jsonl'])('%s: no raw C1, Cf, U+2028/9 or DEL, and JSON.parse gives back the exact values', async (format) => {
    for (const [file, protocol] of [['evil.bin', '3.1.1'], ['evil5.bin', '5']] as const) {
      const { code, out } = await run(file, format, protocol);
      expect(code).toBe(0);
      expect(out.replace(/\n/g, ' ')).not.toMatch(UNSAFE);
      const docs = format === 'json' ? (JSON.parse(out) as { packets: unknown[] }).packets : out.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown).slice(0, -1);
      const values = docs.map((d) => (d as { packet: Record<string, unknown> }).packet);
      if (file === 'evil.bin') {
        const [connect, publish] = values as [Record<string, unknown>, Record<string, unknown>];
        expect([connect.clientId, connect.username, (connect.password as { utf8: string }).utf8]).toEqual([evil, evil, evil]);
        expect([publish.topic, (publish.payload as { utf8: string }).utf8]).toEqual([evil, evil]);
      } else {
        const properties = (values[0] as { properties: { userProperties: Record<string, unknown>; contentType: string } }).properties;
        expect(properties.userProperties).toEqual({ [evil]: evil });
        expect(properties.contentType).toBe(evil);
      }
    }
  });

  test('json-text: as JSON.stringify for everything else, and parses back to the same value', () => {
    const values: unknown[] = [evil, { [evil]: [evil, 1, null, true] }, 'plain ascii', '中文 ünïcödé', '\ud800 lone', 'tab\there'];
    for (const v of values) {
      const text = toJson(v);
      expect(text).not.toMatch(UNSAFE);
      expect(JSON.parse(text)).toEqual(v);
    }
    expect(toJson({ a: ['中文'] }, 2)).toBe(JSON.stringify({ a: ['中文'] }, null, 2));
    expect(jsonQuote('\u009b\u{e0001}')).toBe('"\\u009b\\udb40\\udc01"');
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

describe('sign outputs that quote the user text: JSON escapes, JavaScript literals, C comments', () => {
  const HOSTILE = 'd\u009b2J\u202eevil\u2028x';
  const run = async (argv: string[]) => {
    const fake = fakeIo();
    const code = await main(argv, fake.io);
    return { code, out: fake.stdout(), err: fake.stderr() };
  };
  const generic = ['generic', '--host', 'h', '--client-id', HOSTILE, '--username', HOSTILE, '--publish', 't', '--payload', 'p'];
  test.each(['json', 'mqttjs', 'c', 'arduino'])('--format %s: nothing a terminal acts on, raw', async (style) => {
    const r = await run([...generic, '--format', style]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(UNSAFE);
    expect(r.out).toContain('\\u202e');
    if (style === 'json') expect(JSON.parse(r.out).credentials.clientId).toBe(HOSTILE);
  });
  test('the mqttjs snippet still means the same value in JavaScript', async () => {
    const r = await run([...generic, '--format', 'mqttjs']);
    const literal = /clientId: ("[^"]*")/.exec(r.out)![1]!;
    expect(new Function(`return ${literal}`)()).toBe(HOSTILE);
  });
});
