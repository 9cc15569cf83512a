/**
 * mosquitto `password_file` lines: make a `$7$` line (PBKDF2-HMAC-SHA512, the 2.x default) and check a
 * password against a `$7$` or legacy `$6$` (salted SHA-512) line. Pure: the salt is an input.
 * Format: eclipse/mosquitto 2.0 src/password_mosq.c (SALT_LEN 12, PW_DEFAULT_ITERATIONS 101); PLATFORMS.md §8.1.
 */
import { createHash, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { UsageError } from '../errors.js';
import { base64Strict } from './_crypto.js';

/** mosquitto_passwd 2.0.x default; 2.1 sources use 210000, but 101 keeps our lines byte-equal to 2.0's. */
export const PASSWD_DEFAULT_ITERATIONS = 101;
/**
 * mosquitto takes any count up to a C int, but a line saying 2,000,000,000 would keep pbkdf2Sync busy for over an
 * hour. Real lines carry 101 (mosquitto_passwd 2.0) or 210000 (2.1's default, OWASP's figure for PBKDF2-SHA512);
 * 1,000,000 leaves room for a hand-raised -I and costs about half a second.
 */
export const PASSWD_MAX_ITERATIONS = 1_000_000;
/** mosquitto only loads entries whose salt is exactly this many bytes. */
const PASSWD_SALT_BYTES = 12;
const LINE_OPTION = '--password-file-line';

export interface PasswdEntry {
  readonly username: string;
  /** `7` = PBKDF2-HMAC-SHA512, `6` = SHA-512(password ‖ salt). */
  readonly type: '6' | '7';
  /** Read from the line for `$7$`; null for `$6$`. */
  readonly iterations: number | null;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** `username:$7$iterations$b64(salt)$b64(PBKDF2-SHA512(password, salt, iterations, 64))`, no newline. */
export function passwdLine(username: string, password: string, salt: Uint8Array, iterations = PASSWD_DEFAULT_ITERATIONS): string {
  // The username ends at the first ":" and a line ends at a line break, so neither may be in it.
  if (username === '' || /[:\r\n]/.test(username)) throw new UsageError('passwd.username', { option: '--username', value: username });
  // mosquitto refuses such a user even when the client sends a zero-length password (PLATFORMS.md §8.1).
  if (password === '') throw new UsageError('passwd.passwordEmpty', { option: '--password' });
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PASSWD_MAX_ITERATIONS) {
    throw new UsageError('passwd.iterations', { option: '--iterations', value: iterations, max: PASSWD_MAX_ITERATIONS });
  }
  if (salt.length !== PASSWD_SALT_BYTES) throw new UsageError('passwd.salt', { option: 'ctx.salt', length: salt.length, expected: PASSWD_SALT_BYTES });
  const hash = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  return `${username}:$7$${iterations}$${Buffer.from(salt).toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Split a password_file line into its parts; a trailing line break is ignored. Errors name the user, never the rest:
 * a hash can be cracked offline, and a line that is not one may hold the password itself.
 */
export function parsePasswdLine(line: string): PasswdEntry {
  const text = line.replace(/\r?\n$/, '');
  // A whole password_file piped to `-` (`< /etc/mosquitto/passwd`): say so, rather than call the first user's hash malformed.
  if (text.includes('\n')) throw new UsageError('passwd.lineMany', { option: LINE_OPTION, lines: text.split('\n').length });
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError('passwd.lineNoUser', { option: LINE_OPTION });
  const username = text.slice(0, colon);
  const malformed = () => new UsageError('passwd.line', { option: LINE_OPTION, user: username });
  const field = text.slice(colon + 1);
  const type = /^\$(\d+)\$/.exec(field)?.[1];
  if (type === undefined) throw new UsageError('passwd.linePlain', { option: LINE_OPTION, user: username });
  if (type !== '6' && type !== '7') throw new UsageError('passwd.lineType', { option: LINE_OPTION, type });
  const parts = field.split('$').slice(2);
  const iterationsText = type === '7' ? parts.shift() : undefined;
  if (parts.length !== 2) throw malformed();
  const iterations = iterationsText === undefined ? null : Number(iterationsText);
  if (iterations !== null && (!/^\d+$/.test(iterationsText ?? '') || iterations < 1)) throw malformed();
  // Checked before any hashing: the count comes from the line, and PBKDF2's time grows with it.
  if (iterations !== null && iterations > PASSWD_MAX_ITERATIONS) {
    throw new UsageError('passwd.lineIterations', { option: LINE_OPTION, value: iterationsText, max: PASSWD_MAX_ITERATIONS });
  }
  const salt = base64Strict(parts[0] ?? '');
  const hash = base64Strict(parts[1] ?? '');
  if (!salt || !hash || hash.length !== 64) throw malformed();
  // mosquitto 2.0.11 logs "Unable to decode password salt" and drops the entry (observed live).
  if (salt.length !== PASSWD_SALT_BYTES) throw new UsageError('passwd.lineSalt', { option: LINE_OPTION, length: salt.length, expected: PASSWD_SALT_BYTES });
  return { username, type, iterations, salt, hash };
}

/** True when `password` hashes to the entry's hash with the entry's own salt and iteration count. */
export function passwdMatches(entry: PasswdEntry, password: string): boolean {
  const computed =
    entry.type === '7'
      ? pbkdf2Sync(password, entry.salt, entry.iterations ?? PASSWD_DEFAULT_ITERATIONS, 64, 'sha512')
      : createHash('sha512').update(password).update(entry.salt).digest();
  return timingSafeEqual(computed, entry.hash);
}
