// mosquitto password_file lines: the shared vector, lines written by the real mosquitto_passwd, and bad input.
// test/fixtures/vectors/mosquitto.json is a verbatim copy of shared/vectors/mosquitto.json (Debian 12 mosquitto 2.0.11).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../src/errors.js';
import { passwdLine, parsePasswdLine, passwdMatches, PASSWD_MAX_ITERATIONS } from '../src/platforms/_passwd.js';
import { needsTools, whichTool } from './helpers/tools.js';
import { catchError } from './helpers/catch-error.js';
import vectors from './fixtures/vectors/mosquitto.json' with { type: 'json' };

const salt12 = Uint8Array.from({ length: 12 }, (_, i) => i);

describe('mosquitto.json vectors', () => {
  test.each(vectors)('$name: the line is reproduced from its salt', (v) => {
    const line = passwdLine(v.inputs.username, v.inputs.password, Buffer.from(v.hash.saltBase64, 'base64'), v.hash.iterations);
    expect(line).toBe(v.inputs.passwordFileLine);
  });

  test.each(vectors)('$name: the line parses and checks the password', (v) => {
    const entry = parsePasswdLine(v.inputs.passwordFileLine);
    expect(entry.username).toBe(v.inputs.username);
    expect(entry.type).toBe('7');
    expect(entry.iterations).toBe(v.hash.iterations);
    expect(entry.hash.toString('base64')).toBe(v.hash.hashBase64);
    expect(passwdMatches(entry, v.inputs.password)).toBe(true);
    expect(passwdMatches(entry, `${v.inputs.password}x`)).toBe(false);
    expect(passwdMatches(entry, v.inputs.password.toLowerCase())).toBe(false);
  });
});

needsTools(['mosquitto_passwd']).describe('lines written by mosquitto_passwd', () => {
  // Each row: the -H argument and the type it writes.
  const rows: [string, '6' | '7'][] = [
    ['sha512', '6'],
    ['sha512-pbkdf2', '7'],
  ];
  test.each(rows)('-H %s is checked with its own salt and iterations', (hash, type) => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-passwd-'));
    try {
      const file = join(dir, 'pw');
      const run = spawnSync(whichTool('mosquitto_passwd') ?? 'mosquitto_passwd', ['-H', hash, '-c', '-b', file, 'dev-ice', 'pä ss:wörd'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const entry = parsePasswdLine(readFileSync(file, 'utf8'));
      expect(entry).toMatchObject({ username: 'dev-ice', type, iterations: type === '7' ? 101 : null });
      expect(passwdMatches(entry, 'pä ss:wörd')).toBe(true);
      expect(passwdMatches(entry, 'pä ss:wörd ')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('generating', () => {
  test('the iteration count is written into the line and read back from it', () => {
    const line = passwdLine('u', 'p', salt12, 1000);
    expect(line).toMatch(/^u:\$7\$1000\$AAECAwQFBgcICQoL\$[A-Za-z0-9+/]{86}==$/);
    const entry = parsePasswdLine(line);
    expect(entry.iterations).toBe(1000);
    expect(passwdMatches(entry, 'p')).toBe(true);
    // The same hash under the default count would not match: the count is really used.
    expect(passwdMatches({ ...entry, iterations: 101 }, 'p')).toBe(false);
  });

  test('the password is hashed as UTF-8', () => {
    const entry = parsePasswdLine(passwdLine('u', '密码', salt12));
    expect(passwdMatches(entry, '密码')).toBe(true);
    expect(passwdMatches(entry, '\u00e5\u00af\u0086\u00e7\u00a0\u0081')).toBe(false); // the same bytes read as Latin-1
  });

  // Each row: what is wrong, the arguments, the error code, the option it names.
  const bad: [string, () => string, string, string][] = [
    ['empty username', () => passwdLine('', 'p', salt12), 'passwd.username', '--username'],
    ['":" in the username', () => passwdLine('a:b', 'p', salt12), 'passwd.username', '--username'],
    ['line break in the username', () => passwdLine('a\nb', 'p', salt12), 'passwd.username', '--username'],
    ['empty password', () => passwdLine('u', '', salt12), 'passwd.passwordEmpty', '--password'],
    ['0 iterations', () => passwdLine('u', 'p', salt12, 0), 'passwd.iterations', '--iterations'],
    ['fractional iterations', () => passwdLine('u', 'p', salt12, 1.5), 'passwd.iterations', '--iterations'],
    ['iterations beyond a C int', () => passwdLine('u', 'p', salt12, 2 ** 31), 'passwd.iterations', '--iterations'],
    ['iterations over the cap', () => passwdLine('u', 'p', salt12, PASSWD_MAX_ITERATIONS + 1), 'passwd.iterations', '--iterations'],
    ['11-byte salt', () => passwdLine('u', 'p', salt12.subarray(1)), 'passwd.salt', 'ctx.salt'],
  ];
  test.each(bad)('%s is refused', (_what, call, code, option) => {
    expect(call).toThrow(UsageError);
    expect(call).toThrow(expect.objectContaining({ code, exitCode: 2, params: expect.objectContaining({ option }) }));
  });
});

describe('reading a line', () => {
  const hash = Buffer.alloc(64, 7).toString('base64');
  const good = `u:$7$101$AAECAwQFBgcICQoL$${hash}`;

  test('a trailing line break (CRLF too) is ignored', () => {
    expect(parsePasswdLine(`${good}\r\n`).username).toBe('u');
    expect(parsePasswdLine(`${good}\n`).hash.toString('base64')).toBe(hash);
  });

  test('one line with a stray CR (a CRLF file through "$(grep …)") is one line, its hash malformed', () => {
    expect(() => parsePasswdLine(`${good}\r`)).toThrow(expect.objectContaining({ code: 'passwd.line' }));
  });

  test('the username ends at the first ":"', () => {
    expect(parsePasswdLine(`a:$6$AAECAwQFBgcICQoL$${hash}`)).toMatchObject({ username: 'a', type: '6', iterations: null });
  });

  // Each row: what is wrong, the line, the error code.
  const bad: [string, string, string][] = [
    ['no ":"', 'u$7$101$AAECAwQFBgcICQoL$' + hash, 'passwd.lineNoUser'],
    ['empty username', `:$7$101$AAECAwQFBgcICQoL$${hash}`, 'passwd.lineNoUser'],
    ['plain-text password', 'u:secret', 'passwd.linePlain'],
    ['argon2id ($8$)', `u:$8$101$AAECAwQFBgcICQoL$${hash}`, 'passwd.lineType'],
    ['iterations not a number', `u:$7$abc$AAECAwQFBgcICQoL$${hash}`, 'passwd.line'],
    ['0 iterations', `u:$7$0$AAECAwQFBgcICQoL$${hash}`, 'passwd.line'],
    ['$7$ without iterations', `u:$7$AAECAwQFBgcICQoL$${hash}`, 'passwd.line'],
    ['salt not base64', `u:$7$101$AAECAwQFBgc*ICQoL$${hash}`, 'passwd.line'],
    ['hash of 63 bytes', `u:$7$101$AAECAwQFBgcICQoL$${Buffer.alloc(63).toString('base64')}`, 'passwd.line'],
    ['extra field', `u:$6$AAECAwQFBgcICQoL$${hash}$x`, 'passwd.line'],
    ['16-byte salt, which mosquitto drops', `u:$7$101$AAECAwQFBgcICQoLDA0ODw==$${hash}`, 'passwd.lineSalt'],
    ['iterations one over the cap', `u:$7$${PASSWD_MAX_ITERATIONS + 1}$AAECAwQFBgcICQoL$${hash}`, 'passwd.lineIterations'],
    ['two billion iterations', `u:$7$2000000000$AAECAwQFBgcICQoL$${hash}`, 'passwd.lineIterations'],
    ['iterations past a C int', `u:$7$99999999999999999999$AAECAwQFBgcICQoL$${hash}`, 'passwd.lineIterations'],
    // A whole file piped to `-`: one trailing line end is dropped, the next line is not read as part of the hash.
    ['two lines (a whole password_file)', `u:$7$101$AAECAwQFBgcICQoL$${hash}\nv:$7$101$AAECAwQFBgcICQoL$${hash}\n`, 'passwd.lineMany'],
    ['two lines ending CRLF', `u:$7$101$AAECAwQFBgcICQoL$${hash}\r\nv:secret\r\n`, 'passwd.lineMany'],
  ];
  test.each(bad)('%s is refused', (_what, line, code) => {
    expect(() => parsePasswdLine(line)).toThrow(expect.objectContaining({ code, params: expect.objectContaining({ option: '--password-file-line' }) }));
  });

  // A hash can be cracked offline, and a line that is not one may be the password itself: the error names the user only.
  test.each(bad)('%s: the error quotes no salt, hash or password, in en or zh', (_what, line) => {
    const err = catchError(() => parsePasswdLine(line));
    for (const lang of ['en', 'zh'] as const) {
      const { message, hint } = err.localized(lang);
      const text = `${message} ${hint ?? ''}`;
      for (const part of ['AAECAwQF', hash.slice(0, 8), Buffer.alloc(63).toString('base64').slice(0, 8), 'secret']) expect(text).not.toContain(part);
    }
  });

  test('every count mosquitto_passwd writes by default is read: 101 (2.0) and 210000 (2.1), and the cap itself', () => {
    for (const n of [101, 210_000, PASSWD_MAX_ITERATIONS]) expect(parsePasswdLine(`u:$7$${n}$AAECAwQFBgcICQoL$${hash}`).iterations).toBe(n);
  });

  test('a line over the cap is refused before any hashing, naming the option and the maximum', () => {
    const started = Date.now();
    const error = (() => {
      try {
        parsePasswdLine(`alice:$7$2000000000$AAECAwQFBgcICQoL$${hash}`);
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(Date.now() - started).toBeLessThan(500);
    expect(error).toMatchObject({ code: 'passwd.lineIterations', exitCode: 2, params: { option: '--password-file-line', max: PASSWD_MAX_ITERATIONS } });
    expect(error!.message).toContain('--password-file-line');
    expect(error!.message).toContain(String(PASSWD_MAX_ITERATIONS));
  });
});
