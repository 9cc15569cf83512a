// verify writes each CONNECT's report once nothing can change it (its CONNACK came, or a newer CONNECT took its
// stream), so memory holds only CONNECTs still waiting for an answer, not every CONNECT of a long input (issue #9).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { encode } from '../src/mqtt/encode.js';
import { fakeIo } from './helpers/fake-io.js';

const BIN = resolve(import.meta.dirname, '../bin/mqtt-sign.js');
const pk = 'a1X2bEnP82z';
const dn = 'example1';
const secret = 'ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe';
const core = `${pk}.${dn}`;
const clientId = `${core}|securemode=2,signmethod=hmacsha256,timestamp=1700000000000|`;
const good = createHmac('sha256', secret).update(`clientId${core}deviceName${dn}productKey${pk}timestamp1700000000000`).digest('hex');
const connect = (password: string): Buffer => Buffer.from(encode({ cmd: 'connect', clientId, username: `${dn}&${pk}`, password, keepalive: 300 }));
const connack = (code: number): Buffer => Buffer.from([0x20, 0x02, 0x00, code]);

describe('verify streams its reports', () => {
  test('a report is on stdout while the input is still open', async () => {
    const child = spawn(process.execPath, [BIN, 'verify', 'aliyun', '-', '--secret', secret, '--input', 'hex'], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    // 300 CONNECTs (past the 64 KiB verify peeks at for a modem log): each takes the (only) stream from the one before,
    // which can then no longer change and must be written; the newest is held while the input is open.
    const lines = Array.from({ length: 300 }, (_, i) => connect(i % 2 ? 'wrong' : good).toString('hex'));
    child.stdin.write(`${lines.join('\n')}\n`);
    const deadline = Date.now() + 20_000;
    while (!out.includes('CONNECT #0') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('CONNECT #0');
    expect(out).not.toContain('CONNECT #299');
    child.stdin.end();
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(1);
    expect(out).toContain('CONNECT #299');
  }, 30_000);

  test('--format json is one document, in input order, with each CONNACK on its CONNECT and ok last', async () => {
    const input = Buffer.concat([connect(good), connack(0), connect('wrong'), connack(5), connect(good)]).toString('hex');
    const f = fakeIo();
    const code = await main(['verify', 'aliyun', input, '--secret', secret, '--format', 'json'], f.io);
    expect(code).toBe(1);
    const text = f.stdout();
    const json = JSON.parse(text) as { ok: boolean; connects: { index: number; ok: boolean; connack: { code: number } | null }[] };
    expect(json.connects.map((c) => [c.index, c.ok, c.connack?.code ?? null])).toEqual([
      [0, true, 0],
      [2, false, 5],
      [4, true, null],
    ]);
    expect(json.ok).toBe(false);
    // Laid out as JSON.stringify(…, null, 2) lays it out, with `ok` after `connects`.
    expect(text).toBe(`${JSON.stringify({ connects: json.connects, ok: json.ok }, null, 2)}\n`);
  });

  test('thousands of CONNECTs: every one reported, once, in order', async () => {
    const n = 3000;
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) parts.push(connect(i % 3 === 0 ? 'wrong' : good), connack(i % 3 === 0 ? 5 : 0));
    const f = fakeIo();
    const code = await main(['verify', 'aliyun', Buffer.concat(parts).toString('hex'), '--secret', secret, '--format', 'json'], f.io);
    expect(code).toBe(1);
    const json = JSON.parse(f.stdout()) as { connects: { index: number; ok: boolean; connack: { code: number } }[] };
    expect(json.connects).toHaveLength(n);
    json.connects.forEach((c, i) => {
      expect([c.index, c.ok, c.connack.code]).toEqual([2 * i, i % 3 !== 0, i % 3 === 0 ? 5 : 0]);
    });
  }, 60_000);
});

// `verify … | head`: once the reader has gone, nothing more can be shown; the rest of a long capture was still read and
// checked (a 1 GB capture: seconds of work for no one). Now the run stops after the batch it was on and exits as far
// as it got, as decode does.
describe('a reader that leaves early', () => {
  test.each(['text', 'json'])('--format %s: the input is read no further, nothing on stderr, exit as far as it got', async (style) => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 20_000; i++) parts.push(connect(i === 1 ? 'wrong' : good), connack(i === 1 ? 5 : 0));
    const input = Buffer.concat(parts);
    const f = fakeIo();
    // Chunks each stream of the file gave: the first is verify's scan for a modem log (a file is read up to 16 MiB for
    // it, before the packets), the second the packet reader's.
    const pulled: number[] = [];
    let writes = 0;
    const io = {
      ...f.io,
      // The reader takes the first write, then leaves (EPIPE).
      stdout: { write: () => void writes++, isTTY: false, get closed() { return writes > 0; } },
      async fileSize() {
        return input.length;
      },
      async *streamFile() {
        const call = pulled.push(0) - 1;
        for (let at = 0; at < input.length; at += 1 << 16) {
          pulled[call]!++;
          yield input.subarray(at, at + (1 << 16));
        }
      },
    };
    const code = await main(['verify', 'aliyun', 'capture.bin', '--secret', secret, '--format', style], io);
    expect(f.stderr()).toBe('');
    const chunks = Math.ceil(input.length / (1 << 16));
    expect(pulled).toHaveLength(2);
    expect(pulled[1]).toBeLessThan(chunks / 2);
    // The first batch holds CONNECT #2, which does not verify.
    expect(code).toBe(1);
  });
});
