/** Text catalogue entries for src/platforms (see src/messages.ts). Keys in en and zh must match. */
export const en: Readonly<Record<string, string>> = {
  // mosquitto password_file lines (src/platforms/_passwd.ts)
  'passwd.username': '--username "{value}" cannot go into a mosquitto password_file line: it must be non-empty, without ":" or a line break',
  'passwd.password-empty': '--password is empty: mosquitto never lets a user with an empty password log in, not even with a zero-length password',
  'passwd.iterations': '--iterations must be a whole number from 1 to {max} (got {value})',
  'passwd.salt': 'a $7$ line needs a salt of {expected} bytes (got {length})',
  'passwd.line': '--{option} is not a mosquitto password_file line: {value}',
  'passwd.line.hint': 'expected user:$7$<iterations>$<base64 salt>$<base64 hash> or user:$6$<base64 salt>$<base64 hash>',
  'passwd.line-type': '--{option}: hash type ${type}$ is not supported; only $7$ (PBKDF2-SHA512) and $6$ (SHA-512)',
  'passwd.line-salt': '--{option}: the salt is {length} bytes; mosquitto drops entries whose salt is not {expected} bytes',
};

export const zh: Readonly<Record<string, string>> = {
  // mosquitto password_file lines (src/platforms/_passwd.ts)
  'passwd.username': '--username "{value}" 不能写进 mosquitto password_file 行：不能为空，也不能含 ":" 或换行',
  'passwd.password-empty': '--password 为空：密码为空的用户永远无法登录 mosquitto，发送零长度密码也不行',
  'passwd.iterations': '--iterations 必须是 1 到 {max} 之间的整数（收到 {value}）',
  'passwd.salt': '$7$ 行需要 {expected} 字节的盐（收到 {length} 字节）',
  'passwd.line': '--{option} 不是 mosquitto password_file 行：{value}',
  'passwd.line.hint': '应为 user:$7$<迭代次数>$<base64 盐>$<base64 哈希> 或 user:$6$<base64 盐>$<base64 哈希>',
  'passwd.line-type': '--{option}：不支持哈希类型 ${type}$，只支持 $7$（PBKDF2-SHA512）和 $6$（SHA-512）',
  'passwd.line-salt': '--{option}：盐为 {length} 字节；盐不是 {expected} 字节的条目会被 mosquitto 丢弃',
};
