// A malformed packet repeated back to back (src/capture/repeats.ts): written once, then its copies as one `repeat`
// entry in every format of decode and in verify; every copy still counted. And the splitter's verdicts on a run of
// one mistake do not depend on how the input was cut into chunks.
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { readInput } from '../src/capture/read.js';
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';
import { Conversation, LINK, frames, hexBytes, pcapFile } from './helpers/pcap-builder.js';

async function cli(args: string[], options: FakeIoOptions = {}) {
  const f = fakeIo(options);
  const code = await main(args, f.io);
  return { code, out: f.stdout(), err: f.stderr() };
}

const BAD = '10 02 00 00'; // a CONNECT with an empty protocol name
const input = [BAD, BAD, BAD, 'c0 00', BAD, BAD, '62 02 00 01'].join(' ');

describe('decode: copies of a malformed packet right after it become one repeat entry', () => {
  test('jsonl: the packet, then {"repeat"} with where the copies are; the counts cover every copy', async () => {
    const r = await cli(['decode', input, '--format', 'jsonl']);
    const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => ('repeat' in l ? 'repeat' : 'summary' in l ? 'summary' : `${l.index}:${l.type}`))).toEqual([
      '0:null',
      'repeat',
      '3:pingreq',
      '4:null',
      'repeat',
      '6:pubrel',
      'summary',
    ]);
    expect(lines[1].repeat).toEqual({ of: 0, count: 2, index: 1, lastIndex: 2, stream: null, direction: null, time: null, lastTime: null, offset: 4, lastOffset: 8, length: 4 });
    expect(lines[4].repeat).toMatchObject({ of: 4, count: 1, index: 5, lastIndex: 5, offset: 18, lastOffset: 18 });
    expect(lines.at(-1).summary).toMatchObject({ packets: 7, problems: 5 });
    // Entries plus copies give the summary's count.
    const entries = lines.filter((l) => 'index' in l).length;
    const copies = lines.filter((l) => 'repeat' in l).reduce((n, l) => n + l.repeat.count, 0);
    expect(entries + copies).toBe(7);
    expect(r.code).toBe(1);
  });

  test('json: the repeat entries sit in packets[] where the copies were', async () => {
    const r = await cli(['decode', input, '--format', 'json']);
    const doc = JSON.parse(r.out);
    expect(doc.packets.map((p: { repeat?: { count: number }; index?: number }) => p.repeat?.count ?? `#${p.index}`)).toEqual(['#0', 2, '#3', '#4', 1, '#6']);
    expect(doc.summary).toMatchObject({ packets: 7, problems: 5 });
  });

  test('tsv: a line of type repeat, the first copy in the index column and the count as key', async () => {
    const r = await cli(['decode', input, '--format', 'tsv']);
    expect(r.out.split('\n').slice(1, 4)).toEqual(['0\t\t\t\tmalformed\t4\tcodec.decode.protocol-name', '1\t\t\t\trepeat\t4\t2', '3\t\t\t\tpingreq\t2\t']);
  });

  test('table: one sentence naming the packet repeated, the count, the indexes and the bytes', async () => {
    const r = await cli(['decode', input]);
    expect(r.out).toContain('✗ the same bytes and problems as #0 again, 2× in a row right after it: #1 to #2, bytes 4 to 11\n');
    expect(r.out).toContain('as #4 again, 1× in a row right after it: #5 to #5, bytes 18 to 21\n');
    expect(r.out.match(/MALFORMED/g)).toHaveLength(2);
    expect(r.out).toContain('packets: 7, problems: 5');
  });

  test('the same in Chinese', async () => {
    const r = await cli(['decode', input], { env: { LANG: 'zh_CN.UTF-8' } });
    expect(r.out).toContain('紧接着 #0 之后，相同的字节和问题又连续出现 2 次：#1 到 #2，字节 4 到 11');
  });

  test('--repeats each: every copy in full', async () => {
    const r = await cli(['decode', input, '--format', 'jsonl', '--repeats', 'each']);
    const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'repeat' in l)).toEqual([]);
    expect(lines.filter((l) => 'index' in l).map((l) => l.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test('not folded: the same bytes with another problem, good packets repeated, a copy that is not right after', async () => {
    // Valid PINGREQs repeat but are not problems; 10 02 00 00 then 10 02 00 01 differ.
    const r = await cli(['decode', 'c0 00 c0 00 10 02 00 00 10 02 00 01', '--format', 'tsv']);
    expect(r.out.split('\n').slice(1, -1).map((l) => l.split('\t')[4])).toEqual(['pingreq', 'pingreq', 'malformed', 'malformed']);
  });

  test('a capture: the copies in one stream, with their times and frames', async () => {
    const c = new Conversation({ host: '10.0.0.1', port: 50000 }, { host: '10.0.0.2', port: 1883 });
    const segments = [...c.handshake()];
    for (let i = 0; i < 5; i++) segments.push(...c.send(true, hexBytes(BAD)));
    const file = pcapFile(LINK.RAW, frames(LINK.RAW, segments));
    const r = await cli(['decode', 'c.pcap', '--format', 'jsonl'], { files: { 'c.pcap': file } });
    const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[1].repeat).toMatchObject({ of: 0, count: 4, index: 1, lastIndex: 4, stream: 0, direction: 'client->broker', offset: 4, lastOffset: 16 });
    expect(lines[1].repeat.lastTime - lines[1].repeat.time).toBeCloseTo(0.003, 6);
    const table = await cli(['decode', 'c.pcap'], { files: { 'c.pcap': file } });
    expect(table.out).toMatch(/in stream 0: #1 to #4, bytes 4 to 19, t=0\.004000s to t=0\.007000s \(frames 5 to 8\)/);
  });
});

describe('verify: a run of one malformed CONNECT is one report with its count', () => {
  test('text and json; every copy counts as a CONNECT that does not verify', async () => {
    const bad = Array(4).fill(BAD).join(' ');
    const text = await cli(['verify', 'generic', bad, '--password', 'x']);
    expect(text.out).toContain('✗ the same malformed CONNECT again, 3× in a row right after it: #1 to #3');
    expect(text.out).toContain('0 of 4 CONNECTs verify');
    expect(text.out.match(/CONNECT #/g)).toHaveLength(1);
    expect(text.code).toBe(1);
    const json = JSON.parse((await cli(['verify', 'generic', bad, '--password', 'x', '--format', 'json'])).out);
    expect(json.connects).toHaveLength(1);
    expect(json.connects[0].repeat).toEqual({ count: 3, index: 1, lastIndex: 3 });
  });
});

describe('the verdicts on a run of one mistake do not depend on the chunk sizes', () => {
  async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
  const repeat = (hex: string, n: number) => {
    const one = hexBytes(hex);
    const out = new Uint8Array(one.length * n);
    for (let i = 0; i < n; i++) out.set(one, i * one.length);
    return out;
  };
  async function verdicts(bytes: Uint8Array, size: number): Promise<string[]> {
    const { batches } = await readInput(chunked(bytes, size));
    const out: string[] = [];
    for await (const batch of batches) for (const p of batch) out.push(`${p.offset}+${p.bytes.length}:${p.packet?.cmd ?? p.problems.map((x) => x.code).join(',')}`);
    return out;
  }
  test.each([
    ['a Remaining Length one too many', '10 0d 00 04 4d 51 54 54 04 02 00 3c 00 00', 600, ['14:capture.problem.remaining-length']],
    ['PUBREL written with flags 0', '60 02 00 01', 2000, ['4:capture.problem.header-flags']],
    ['a client id length one too many, then a PINGREQ', '10 0e 00 04 4d 51 54 54 04 02 00 3c 00 03 63 31 c0 00', 600, ['16:capture.problem.string-length', '2:pingreq']],
  ])('%s', async (_name, hex, n, kinds) => {
    const bytes = repeat(hex, n);
    const whole = await verdicts(bytes, bytes.length);
    // Every copy found, at its true length and with its mistake named, the last ones (past 256 in a row, at the end) too.
    expect(whole).toHaveLength(n * kinds.length);
    expect(new Set(whole.map((v) => v.split('+')[1]))).toEqual(new Set(kinds));
    for (const size of [1, 5, 64, 4097, 65536]) expect(await verdicts(bytes, size), `chunks of ${size}`).toEqual(whole);
  }, 60_000);
});

test('a diagnosis does not change the input: a Buffer chunk (whose slice() is a view) keeps its bytes', async () => {
  // The fix for a PUBREL written 60 is tried on a copy with 62; made with a Buffer's slice(), it once wrote into the input.
  const input = Buffer.from('60020001'.repeat(3000), 'hex');
  const { batches } = await readInput((async function* () {
    yield input;
  })());
  const seen: string[] = [];
  for await (const batch of batches) for (const p of batch) seen.push(Buffer.from(p.bytes).toString('hex'));
  expect(new Set(seen)).toEqual(new Set(['60020001']));
  expect(input.toString('hex')).toBe('60020001'.repeat(3000));
});

test('binary input: the same packets and problems in any chunk sizes (mutated fixture packets, some repeated)', async () => {
  // Plain bytes are cut anywhere by a file or pipe; a verdict that read past a chunk's end (a diagnosis, a resync
  // candidate taken because a chunk ended after it) used to change with the cut.
  const { readFileSync } = await import('node:fs');
  const rows = (JSON.parse(readFileSync(new URL('./fixtures/mqtt-packet-fixtures.json', import.meta.url), 'utf8')) as { bytes?: string; opts?: { protocolVersion?: number } }[])
    .filter((f) => f.bytes && f.bytes.length < 400 && (f.opts?.protocolVersion ?? 4) === 4)
    .map((f) => Buffer.from(f.bytes!, 'hex'));
  let seed = 5;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n: number) => Math.floor(random() * n);
  const mutate = (input: Buffer) => {
    const b = Buffer.from(input);
    const k = below(3);
    if (k === 0) b[below(b.length)]! ^= 1 << below(8);
    else if (k === 1 && b.length > 1) b[1] = (b[1]! + (random() < 0.5 ? 1 : -1)) & 0xff;
    else b[0] = (b[0]! & 0xf0) | below(16);
    return b;
  };
  async function* cut(bytes: Uint8Array, size: () => number): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes.length; ) {
      const n = size();
      yield bytes.subarray(at, at + n);
      at += n;
    }
  }
  async function verdicts(bytes: Uint8Array, size: () => number): Promise<string[]> {
    const { batches } = await readInput(cut(bytes, size));
    const out: string[] = [];
    for await (const batch of batches) for (const p of batch) out.push(`${p.offset}+${p.bytes.length}:${p.packet?.cmd ?? JSON.stringify(p.problems)}`);
    return out;
  }
  for (let round = 0; round < 150; round++) {
    const parts: Buffer[] = [];
    for (let i = 1 + below(30); i > 0; i--) {
      const row = rows[below(rows.length)]!;
      const packet = random() < 0.4 ? mutate(row) : row;
      for (let j = random() < 0.3 ? 1 + below(20) : 1; j > 0; j--) parts.push(packet);
    }
    const bytes = new Uint8Array(Buffer.concat(parts));
    const whole = await verdicts(bytes, () => bytes.length);
    for (const size of [1, 3, 17, 100]) expect(await verdicts(bytes, () => 1 + below(size)), `round ${round}, chunks up to ${size}`).toEqual(whole);
  }
}, 120_000);
