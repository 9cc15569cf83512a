/**
 * Text catalogue entries for secrets as the CLI reads them (src/cli/secret-check.ts, src/cli/secrets.ts, the
 * terminal prompt). Keys in en and zh must match. Never a placeholder for the value itself.
 */
export const en: Readonly<Record<string, string>> = {
  'secret.char': '{option} has {kind} at character {position} of {length}; a secret is used byte for byte, so it would sign a wrong password',
  'secret.char.hint': 'remove or retype that character; the value is not shown',
  'secret.char.warning': '{option} has {kind} at character {position} of {length}; it is used as given',
  'secret.kind.space.leading': 'a leading space',
  'secret.kind.space.trailing': 'a trailing space',
  'secret.kind.tab': 'a tab',
  'secret.kind.cr': 'a carriage return (CR)',
  'secret.kind.lf': 'a line feed (LF)',
  'secret.kind.control': 'a control character',
  'secret.kind.invalid-utf8': 'bytes that are not valid UTF-8',
  'secret.kind.unicode-space': 'a non-ASCII space (e.g. a no-break space)',
  'secret.kind.invisible': 'an invisible character (zero-width or a direction mark)',
  'secret.kind.fullwidth': 'a full-width character that looks like ASCII',
  'secret.kind.lookalike': 'a Cyrillic or Greek letter drawn like a Latin one',
  'secret.kind.non-ascii': 'a non-ASCII character (used as its UTF-8 bytes; check it is not a look-alike of an ASCII one)',
  'secret.prompt': '{option} (input hidden, Enter to finish): ',
  'secret.prompt.empty': 'nothing was typed for {option}',
};

export const zh: Readonly<Record<string, string>> = {
  'secret.char': '{option} 的第 {position} 个字符（共 {length} 个）是{kind}；密钥按字节使用，这样会签出错误的密码',
  'secret.char.hint': '删除或重新输入该字符；不会显示密钥值',
  'secret.char.warning': '{option} 的第 {position} 个字符（共 {length} 个）是{kind}；将按原样使用',
  'secret.kind.space.leading': '开头的空格',
  'secret.kind.space.trailing': '结尾的空格',
  'secret.kind.tab': '制表符',
  'secret.kind.cr': '回车符（CR）',
  'secret.kind.lf': '换行符（LF）',
  'secret.kind.control': '控制字符',
  'secret.kind.invalid-utf8': '无效的 UTF-8 字节',
  'secret.kind.unicode-space': '非 ASCII 空格（如不间断空格）',
  'secret.kind.invisible': '不可见字符（零宽字符或方向标记）',
  'secret.kind.fullwidth': '看起来像 ASCII 的全角字符',
  'secret.kind.lookalike': '与拉丁字母形似的西里尔或希腊字母',
  'secret.kind.non-ascii': '非 ASCII 字符（按其 UTF-8 字节使用；请确认它不是与 ASCII 字符形似的字符）',
  'secret.prompt': '{option}（输入不回显，按回车结束）：',
  'secret.prompt.empty': '{option} 没有输入内容',
};
