/**
 * password_file lines as mosquitto 2.0 loads them (src/password_mosq.c, src/security_default.c): `username:hash`,
 * with hash `$6$<b64 salt>$<b64 SHA-512>` or `$7$<iterations>$<b64 salt>$<b64 PBKDF2-SHA512>`. mosquitto drops an
 * entry it cannot decode ("Invalid password hash type for user …, removing entry"), so that user always gets
 * CONNACK 5. A plain-text password (never run through mosquitto_passwd) is the usual cause.
 */
interface PasswdProblem {
  readonly line: number;
  /** A short machine reason, rendered through the catalogue as doctor.passwd.line.<reason>. */
  readonly reason: 'no-colon' | 'empty-user' | 'plain' | 'bad-hash';
  readonly user: string;
}

interface PasswdCheck {
  readonly users: number;
  readonly problems: readonly PasswdProblem[];
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Bytes a strict base64 text decodes to, or -1 when it is not strict base64. */
const b64Bytes = (s: string): number => (B64.test(s) ? (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0) : -1);

/** Checks every line; bounded by the text the edge read. */
export function checkPasswd(text: string): PasswdCheck {
  const problems: PasswdProblem[] = [];
  let users = 0;
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
    start = end < 0 ? text.length + 1 : end + 1;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) {
      problems.push({ line: n, reason: 'no-colon', user: line });
      continue;
    }
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (user === '') problems.push({ line: n, reason: 'empty-user', user });
    else if (!hash.startsWith('$')) problems.push({ line: n, reason: 'plain', user });
    else if (!validHash(hash)) problems.push({ line: n, reason: 'bad-hash', user });
    else users++;
  }
  return { users, problems };
}

function validHash(hash: string): boolean {
  const parts = hash.split('$'); // ['', '7', iterations, salt, hash] or ['', '6', salt, hash]
  if (parts[1] === '7' && parts.length === 5) {
    return /^[1-9]\d{0,9}$/.test(parts[2]!) && b64Bytes(parts[3]!) === 12 && b64Bytes(parts[4]!) === 64;
  }
  if (parts[1] === '6' && parts.length === 4) return b64Bytes(parts[2]!) > 0 && b64Bytes(parts[3]!) === 64;
  return false;
}
