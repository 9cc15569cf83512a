// A sign run whose output is large (a 10 MB --payload @file as text, 2–6 characters a byte) and the places it cannot
// all go at once: a reader that starts late gets all of it while the run's peak memory stays far below the output's
// size; a reader that leaves (EPIPE) ends the run at once, quietly; a full disk is one line, exit 1.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { format } from '../src/format/index.js';
import { encode } from '../src/mqtt/encode.js';

const bin = join(import.meta.dirname, '../bin/mqtt-sign.js');
const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-sign-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TIME = '/usr/bin/time';
const posix = process.platform !== 'win32';

/** A payload every byte value appears in, in a pattern a misplaced or lost slice would show. */
const payload = Buffer.alloc(10 * 1024 * 1024);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >> 16)) & 0xff;
const payloadFile = join(dir, 'payload.bin');
writeFileSync(payloadFile, payload);
const signArgs = (style: string) => ['generic', '--host', 'broker.local', '--client-id', 'c1', '--publish', 't', '--payload', `@${payloadFile}`, '--format', style];

interface Run {
  code: number | null;
  out: Buffer;
  err: string;
  peakKb?: number;
}

/** Runs bin (under time(1) when `measure`); the reader starts `readAfterMs` late and, with `headBytes`, leaves after them. */
function run(args: string[], opts: { stdout?: number; readAfterMs?: number; headBytes?: number; measure?: boolean } = {}): Promise<Run> {
  const rss = join(dir, 'rss');
  const [cmd, argv] = opts.measure ? [TIME, ['-f', '%M', '-o', rss, process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'], env: { ...process.env, LANG: 'C', MQTT_SIGN_DEBUG: '' } });
    const out: Buffer[] = [];
    let got = 0;
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    if (child.stdout) {
      child.stdout.pause();
      setTimeout(() => child.stdout!.resume(), opts.readAfterMs ?? 0);
      child.stdout.on('data', (d: Buffer) => {
        out.push(d);
        got += d.length;
        if (opts.headBytes !== undefined && got >= opts.headBytes) child.stdout!.destroy();
      });
    }
    child.on('close', (code) => {
      // time(1) writes "Command exited with non-zero status N" before the figure when the command fails.
      const peakKb = opts.measure ? Number(readFileSync(rss, 'utf8').trim().split('\n').at(-1)) : undefined;
      resolve({ code, out: Buffer.concat(out), err, ...(peakKb === undefined ? {} : { peakKb }) });
    });
  });
}

// 10 MB of payload is ~65 MB of C text: built whole, then copied to write it, it took ~390 MB (hex, python, json,
// mqttjs's decimals 170–310 MB); in pieces that each wait for the reader, what the run holds is the payload and its packet (~95 MB here,
// where a bare run takes ~45 MB).
test.runIf(posix && existsSync(TIME)).each(['c', 'python', 'hex', 'json', 'mqttjs'] as const)('--format %s of a 10 MB payload to a reader that starts late: all of it, memory far below its size', async (style) => {
  const r = await run(signArgs(style), { readAfterMs: 300, measure: true });
  expect(r.code, r.err).toBe(0);
  const packets = [
    { name: 'connect', bytes: encode({ cmd: 'connect', clientId: 'c1', keepalive: 60, clean: true }, { protocolVersion: 4 }) },
    { name: 'publish', bytes: encode({ cmd: 'publish', topic: 't', payload, qos: 0 }, { protocolVersion: 4 }) },
  ];
  const broker = { host: 'broker.local', port: 1883, tls: false, url: 'mqtt://broker.local:1883' };
  const expected = format(style, { packets, platform: 'generic', broker, credentials: { clientId: 'c1', username: null, password: null } }).output as string;
  expect(r.out.length).toBeGreaterThan(20e6);
  expect(r.out.length).toBe(Buffer.byteLength(expected));
  expect(r.out.toString('utf8') === expected).toBe(true);
  expect(r.peakKb! / 1024).toBeLessThan(140);
});

// base64 is only 4 characters for 3 bytes (13 MB here), so the bound is lower: built whole it took ~131 MB, in pieces ~80 MB.
test.runIf(posix && existsSync(TIME))('--format base64 of a 10 MB payload to a reader that starts late: all of it, memory below the whole text', async () => {
  const r = await run(signArgs('base64'), { readAfterMs: 300, measure: true });
  expect(r.code, r.err).toBe(0);
  const lines = r.out.toString('latin1').trim().split('\n');
  expect(Buffer.from(lines.at(-1)!, 'base64').subarray(-payload.length).equals(payload)).toBe(true);
  expect(r.peakKb! / 1024).toBeLessThan(105);
});

// The AT script (7,183 sends of ≤ 1,460 bytes here) took ~230 MB; written 64 steps a piece, ~130 MB: its steps' garbage
// is freed later than the other formats', so a higher bound. Its text is checked against the whole script in
// test/format.test.ts (making it here again would double the test's time).
test.runIf(posix && existsSync(TIME))('--format at --modem sim800 of a 10 MB payload to a reader that starts late: memory far below its size', async () => {
  const r = await run([...signArgs('at'), '--modem', 'sim800'], { readAfterMs: 300, measure: true });
  expect(r.code, r.err).toBe(0);
  const text = r.out.toString('utf8');
  expect(text.startsWith('# sim800 AT script for mqtt://broker.local:1883\n')).toBe(true);
  expect(text.match(/^AT\+CIPSEND=\d+$/gm)).toHaveLength(1 + Math.ceil((payload.length + 8) / 1460));
  expect(r.peakKb! / 1024).toBeLessThan(180);
});

test.runIf(posix)('a reader that leaves after one byte (| head -c 1): the run ends quietly, exit 0', async () => {
  const r = await run(signArgs('c'), { headBytes: 1 });
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
});

test.runIf(posix && existsSync('/dev/full'))('onto a full device: one line, exit 1', async () => {
  const fd = openSync('/dev/full', 'w');
  try {
    const r = await run(signArgs('c'), { stdout: fd });
    expect(r.err).toBe('mqtt-sign: cannot write the output: no space left on device\n');
    expect(r.code).toBe(1);
  } finally {
    closeSync(fd);
  }
});
