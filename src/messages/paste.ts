/** Text catalogue entries for reading pasted text (src/capture/text-*.ts). Keys in en and zh must match. */
export const en: Readonly<Record<string, string>> = {
  'capture.input.repeat': 'line {line}: the * stands for {count} repeated bytes; more than {max} is not a pasted dump',
  'capture.input.repeat.hint': 'check the offsets around the * line, or give the binary file itself',
  'capture.input.line': 'line {line} is longer than {max} characters: not pasted text',
  'capture.input.line.hint': 'give a binary file as it is, or hex with line breaks',
};

export const zh: Readonly<Record<string, string>> = {
  'capture.input.repeat': '第 {line} 行：* 代表 {count} 个重复字节；超过 {max} 不像粘贴的转储',
  'capture.input.repeat.hint': '检查 * 行前后的偏移，或直接给出二进制文件',
  'capture.input.line': '第 {line} 行超过 {max} 个字符：不是粘贴的文本',
  'capture.input.line.hint': '二进制文件请直接给出，十六进制请分行',
};
