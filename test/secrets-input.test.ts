// Secrets as users type, paste and pipe them: odd characters are usage errors that name the flag, the position
// and the kind (never the value), a warning for generic --password; `-` or a missing secret on a terminal is
// asked for with echo off (a real pty), in en and zh. In-process through main() and through the built bin.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import type { Io } from '../src/cli/io.js';
import { secretProblem } from '../src/cli/secret-check.js';
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';
import { needsTools, whichTool } from './helpers/tools.js';

const BIN = resolve(import.meta.dirname, '../bin/mqtt-sign.js');
const PTY = resolve(import.meta.dirname, 'fixtures/pty/type.py');
const HUAWEI = ['huawei', '--device', 'd_1', '--timestamp', '2024010100', '--format', 'hex'];
const GOOD = '12345678';

async function run(argv: string[], options: FakeIoOptions = {}, extra: Partial<Io> = {}) {
  const fake = fakeIo(options);
  const code = await main(argv, { ...fake.io, ...extra });
  return { code, out: fake.stdout(), err: fake.stderr() };
}

/** [name, secret, kind (en), kind (zh), position, length] */
const bad: [string, string, string, string, number, number][] = [
  ['trailing space from a copy', `${GOOD} `, 'a trailing space', '结尾的空格', 9, 9],
  ['leading space', ` ${GOOD}`, 'a leading space', '开头的空格', 1, 9],
  ['trailing CR from a Windows file', `${GOOD}\r`, 'a carriage return (CR)', '回车符（CR）', 9, 9],
  ['LF inside', '1234\n5678', 'a line feed (LF)', '换行符（LF）', 5, 9],
  ['tab', '1234\t5678', 'a tab', '制表符', 5, 9],
  ['no-break space', '1234\u00a05678', 'a non-ASCII space (e.g. a no-break space)', '非 ASCII 空格（如不间断空格）', 5, 9],
  ['full-width digit', '1234\uff15678', 'a full-width character that looks like ASCII', '看起来像 ASCII 的全角字符', 5, 8],
  ['Cyrillic look-alike', 'p\u0430ssword', 'a Cyrillic or Greek letter drawn like a Latin one', '与拉丁字母形似的西里尔或希腊字母', 2, 8],
  ['Greek look-alike', 'passw\u03bfrd', 'a Cyrillic or Greek letter drawn like a Latin one', '与拉丁字母形似的西里尔或希腊字母', 6, 8],
  ['a look-alike after another script', 'p\u00e4ss\u0440', 'a Cyrillic or Greek letter drawn like a Latin one', '与拉丁字母形似的西里尔或希腊字母', 5, 5],
  ['zero-width space', `${GOOD}\u200b`, 'an invisible character (zero-width or a direction mark)', '不可见字符（零宽字符或方向标记）', 9, 9],
  ['control character', '1234\x1b5678', 'a control character', '控制字符', 5, 9],
  ['invalid UTF-8 (decoded as U+FFFD)', '1234\ufffd5678', 'bytes that are not valid UTF-8', '无效的 UTF-8 字节', 5, 9],
];

describe.each(['flag', 'env', 'stdin'] as const)('a secret from the %s', (via) => {
  test.each(bad)('%s: exit 2, flag, position and kind, never the value', async (_name, secret, kindEn, kindZh, position, length) => {
    for (const lang of ['en', 'zh'] as const) {
      const argv = via === 'flag' ? [...HUAWEI, '--secret', secret] : via === 'stdin' ? [...HUAWEI, '--secret', '-'] : HUAWEI;
      // stdin drops one line end (LF or CRLF, as echo and Windows files add); a lone CR stays part of the value.
      const r = await run([...argv, '--lang', lang], { env: via === 'env' ? { MQTT_SIGN_SECRET: secret } : {}, stdin: via !== 'stdin' ? '' : secret.endsWith('\r') ? secret : `${secret}\n` });
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const lines = r.err.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(lang === 'en' ? `--secret has ${kindEn} at character ${position} of ${length}` : `--secret 的第 ${position} 个字符（共 ${length} 个）是${kindZh}`);
      expect(r.err).not.toContain(secret.trim());
      expect(r.err).not.toContain('1234');
    }
  });
});

test.each([
  ['German', 'p\u00e4sswort1', 2, 9],
  ['Chinese', '\u8bbe\u5907\u9274\u6743', 1, 4],
])('a %s secret (Huawei: "arbitrary UTF-8") is signed as its UTF-8 bytes, with a warning naming where', async (_name, secret, position, length) => {
  const r = await run([...HUAWEI.slice(0, -2), '--secret', secret, '--format', 'json']);
  expect(r.code, r.err).toBe(0);
  expect(r.err).toContain(`warning: --secret has a non-ASCII character (used as its UTF-8 bytes; check it is not a look-alike of an ASCII one) at character ${position} of ${length}`);
  expect(r.err).not.toContain(secret);
  // HMAC-SHA256 keyed by the timestamp over the secret's UTF-8 bytes (PLATFORMS.md §4).
  expect(JSON.parse(r.out).credentials.password).toBe(createHmac('sha256', '2024010100').update(Buffer.from(secret, 'utf8')).digest('hex'));
  // A space at the end still refuses it: the soft kind does not hide a hard one after it.
  expect((await run([...HUAWEI, '--secret', `${secret} `])).err).toContain('a trailing space');
});

test('a plain secret signs, and spaces inside are allowed', async () => {
  expect((await run([...HUAWEI, '--secret', GOOD])).code).toBe(0);
  expect(secretProblem('pass word')).toBeUndefined();
});

test.each(['en', 'zh'] as const)('generic --password is free text: a warning, the value used as given (%s)', async (lang) => {
  const r = await run(['generic', '--host', 'h', '--client-id', 'c', '--username', 'u', '--password', 'pass ', '--format', 'json', '--lang', lang]);
  expect(r.code).toBe(0);
  expect(r.err).toContain(lang === 'en' ? 'warning: --password has a trailing space at character 5 of 5; it is used as given' : '警告：--password 的第 5 个字符（共 5 个）是结尾的空格；将按原样使用');
  expect(r.err).not.toContain('pass ');
  expect(JSON.parse(r.out).credentials.password).toBe('pass ');
});

test('invalid UTF-8 bytes on stdin are named, not replaced silently (the built bin)', () => {
  const r = spawnSync(process.execPath, [BIN, ...HUAWEI, '--secret', '-'], { input: Buffer.from([0x31, 0x32, 0xff, 0x33, 0x0a]), encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('--secret has bytes that are not valid UTF-8 at character 3 of 4');
});

test('endless input is read only up to a bound: --secret - and --payload @ from /dev/zero are refused at once (the built bin)', () => {
  const zero = openSync('/dev/zero', 'r');
  const secret = spawnSync(process.execPath, [BIN, ...HUAWEI, '--secret', '-'], { stdio: [zero, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
  closeSync(zero);
  expect([secret.status, secret.stderr.trim()]).toEqual([2, 'mqtt-sign: --secret is - but stdin holds more than 65537 bytes, more than any secret or MQTT password']);
  const payload = spawnSync(process.execPath, [BIN, 'generic', '--host', 'h', '--client-id', 'c', '--publish', 't', '--payload', '@/dev/zero', '--format', 'raw'], { encoding: 'utf8', timeout: 120_000 });
  expect([payload.status, payload.stderr.trim()]).toEqual([2, 'mqtt-sign: --payload file /dev/zero holds more than 268435455 bytes, more than one MQTT packet can carry']);
  expect(payload.stdout).toBe('');
  // The largest secret still passes: an MQTT password of 65535 bytes and a line end.
  const big = spawnSync(process.execPath, [BIN, 'generic', '--host', 'h', '--client-id', 'c', '--username', 'u', '--password', '-', '--format', 'json'], { input: `${'p'.repeat(65_535)}\r\n`, encoding: 'utf8' });
  expect(big.status, big.stderr).toBe(0);
  expect(JSON.parse(big.stdout).credentials.password).toHaveLength(65_535);
});

describe('asked on the terminal (in-process, scripted)', () => {
  const tty = (typed: string, prompts: string[]): Partial<Io> => ({
    stdinIsTTY: true,
    readSecret: async (prompt) => {
      prompts.push(prompt);
      return new TextEncoder().encode(typed);
    },
  });

  test.each([
    ['--secret -', [...HUAWEI, '--secret', '-']],
    ['no --secret and no MQTT_SIGN_SECRET', HUAWEI],
  ])('%s: prompts once, signs what was typed', async (_name, argv) => {
    const prompts: string[] = [];
    const r = await run(argv, {}, tty(GOOD, prompts));
    expect(r.code).toBe(0);
    expect(prompts).toEqual(['--secret (input hidden, Enter to finish): ']);
    expect(r.out).toBe((await run([...HUAWEI, '--secret', GOOD])).out);
  });

  test('Aliyun register mode asks for the secret that mode needs (--product-secret)', async () => {
    const prompts: string[] = [];
    const r = await run(['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'd', '--auth-type', 'register', '--format', 'json'], {}, tty('abcdefgh', prompts));
    expect(r.code, r.err).toBe(0);
    expect(prompts).toEqual(['--product-secret (input hidden, Enter to finish): ']);
  });

  // sign asks after its signing fails for want of the secret; verify finds the one its check needs by a dry run first.
  test('verify asks for the secret its check needs, and checks with what was typed', async () => {
    const device = ['--product', 'a1B2c3D4e5F', '--device', 'd'];
    const signed = await run(['aliyun', ...device, '--secret', GOOD, '--timestamp', '1700000000000', '--format', 'hex', '--compact']);
    expect(signed.code, signed.err).toBe(0);
    const prompts: string[] = [];
    const right = await run(['verify', 'aliyun', signed.out.trim(), ...device], {}, tty(GOOD, prompts));
    expect(prompts).toEqual(['--secret (input hidden, Enter to finish): ']);
    expect(right.code, right.err).toBe(0);
    const wrong = await run(['verify', 'aliyun', signed.out.trim(), ...device], {}, tty(`x${GOOD.slice(1)}`, []));
    expect(wrong.code).toBe(1);
  });

  test('an optional secret (generic --password) is not asked for', async () => {
    const prompts: string[] = [];
    expect((await run(['generic', '--host', 'h', '--client-id', 'c', '--format', 'json'], {}, tty('x', prompts))).code).toBe(0);
    expect(prompts).toEqual([]);
  });

  test('zh prompt; an empty answer and a bad character are usage errors', async () => {
    const prompts: string[] = [];
    const empty = await run([...HUAWEI, '--lang', 'zh'], {}, tty('', prompts));
    expect(prompts).toEqual(['--secret（输入不回显，按回车结束）：']);
    expect([empty.code, empty.err]).toEqual([2, 'mqtt-sign: --secret 没有输入内容\n']);
    const spaced = await run(HUAWEI, {}, tty(`${GOOD} `, []));
    expect(spaced.code).toBe(2);
    expect(spaced.err).toContain('--secret has a trailing space at character 9 of 9');
  });
});

describe('--payload @- reads the payload from stdin', () => {
  const GENERIC = ['generic', '--host', '127.0.0.1', '--client-id', 'c', '--publish', 't'];

  test('piped bytes become the PUBLISH payload, exactly (binary too), as @file would give them', () => {
    const payload = Buffer.from([0x7b, 0x00, 0xff, 0x0a, 0x7d]);
    const r = spawnSync(process.execPath, [BIN, ...GENERIC, '--payload', '@-', '--format', 'json'], { input: payload, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const publish = (JSON.parse(r.stdout) as { packets: { type: string; hex: string }[] }).packets.find((p) => p.type === 'publish')!;
    // 30, Remaining Length 8, topic "t", then the five bytes as piped (the line feed kept: a payload is not a secret).
    expect(publish.hex).toBe(`3008000174${payload.toString('hex')}`);
  });

  test('an empty stdin is an empty payload', () => {
    const r = spawnSync(process.execPath, [BIN, ...GENERIC, '--payload', '@-', '--format', 'hex'], { input: '', encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('30 03 00 01 74');
  });

  test.each([
    ['--will-payload @- too', ['--payload', '@-', '--will-topic', 'w', '--will-payload', '@-'], 'only one option can read stdin, but --payload @- and --will-payload both ask for it'],
    // The rule verify's input has: a secret given as - cannot share stdin with what the command reads there.
    ['a secret read from stdin', ['--username', 'u', '--password', '-', '--payload', '@-'], '--password is -, but the input is read from stdin too'],
  ])('%s: a usage error before stdin is read, one line', (_name, args, text) => {
    const r = spawnSync(process.execPath, [BIN, ...GENERIC, ...args, '--format', 'hex'], { input: 'secret-or-payload', encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(text);
  });

  test('a terminal on stdin is refused, in en and zh (a payload is piped, not typed)', async () => {
    for (const [lang, text] of [['en', '--payload @- reads the payload from stdin, which is a terminal here'], ['zh', '--payload @- 从标准输入读取载荷，但这里的标准输入是终端']] as const) {
      const r = await run([...GENERIC, '--payload', '@-', '--format', 'hex', '--lang', lang], { stdinTTY: true });
      expect(r.code).toBe(2);
      expect(r.err).toContain(text);
    }
  });
});

const python = needsTools(['python3']);
python.describe('asked on a real terminal (python3 pty)', () => {
  const onPty = (argv: string[], typed: Uint8Array, promptEnd: string) => {
    const r = spawnSync(whichTool('python3') ?? 'python3', [PTY, process.execPath, BIN, ...argv], {
      env: { ...process.env, TYPE_HEX: Buffer.from(typed).toString('hex'), PROMPT_END: promptEnd, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const { output, code } = JSON.parse(r.stdout) as { output: string; code: number };
    return { output: Buffer.from(output, 'latin1').toString('utf8'), code };
  };
  const expected = () => spawnSync(process.execPath, [BIN, ...HUAWEI, '--secret', GOOD], { encoding: 'utf8' }).stdout.trim();

  test('echo off, ended by Enter: the typed secret never shows, the bytes are those of --secret', () => {
    const r = onPty([...HUAWEI, '--secret', '-'], Buffer.from(`${GOOD}\r`), 'Enter to finish): ');
    expect(r.code).toBe(0);
    expect(r.output).toContain('--secret (input hidden, Enter to finish): ');
    expect(r.output).not.toContain(GOOD);
    expect(r.output).toContain(expected());
  });

  test('zh, a missing secret, Backspace edits what was typed', () => {
    // "123456789" then Backspace: 12345678.
    const r = onPty([...HUAWEI, '--lang', 'zh'], Buffer.from(`${GOOD}9\x7f\r`), '按回车结束）：');
    expect(r.code).toBe(0);
    expect(r.output).toContain('--secret（输入不回显，按回车结束）：');
    expect(r.output).not.toContain(GOOD);
    expect(r.output).toContain(expected());
  });

  test('Ctrl-C restores the terminal and interrupts (SIGINT)', () => {
    const r = onPty([...HUAWEI, '--secret', '-'], Buffer.from('12\x03'), 'Enter to finish): ');
    expect(r.code).toBe(-2);
  });
});
