/** Text catalogue entries for reading pasted text (src/capture/text-*.ts). Keys in en and zh must match. */
export const en: Readonly<Record<string, string>> = {
  'capture.input.repeat': 'line {line}: the * stands for {count} repeated bytes; more than {max} is not a pasted dump',
  'capture.input.repeat.hint': 'check the offsets around the * line, or give the binary file itself',
  'capture.input.line': 'line {line} is longer than {max} characters: not pasted text',
  'capture.input.line.hint': 'give a binary file as it is, or hex with line breaks',
  'decode.input.neither': '{value} is not a file ({reason}) and not readable as bytes',
  'capture.input.at-mqtt': 'this is a modem MQTT command log (AT+MQTT…, AT+QMT…, AT+CMQTT…): the modem builds the packets, so it holds no packet bytes to decode',
  'capture.input.at-mqtt.hint': 'check the login it holds with: mqtt-sign verify <platform> <file> and the platform secret',
  'capture.input.words': 'line {line} is a dump of 2-byte words (hexdump without -C, od, od -x): their byte order is the machine\'s, so the bytes are not read from it',
  'capture.input.words.hint': 'dump the bytes one by one: hexdump -C, xxd, or od -A x -t x1z',
  'capture.problem.cut-off-header': 'the data ends inside the fixed header of a {type} packet: its Remaining Length is missing or incomplete',
  'capture.problem.cut-off-header.hint': 'copy the whole packet: after the first byte comes the Remaining Length (1 to 4 bytes), then that many bytes',
};

export const zh: Readonly<Record<string, string>> = {
  'capture.input.repeat': '第 {line} 行：* 代表 {count} 个重复字节；超过 {max} 不像粘贴的转储',
  'capture.input.repeat.hint': '检查 * 行前后的偏移，或直接给出二进制文件',
  'capture.input.line': '第 {line} 行超过 {max} 个字符：不是粘贴的文本',
  'capture.input.line.hint': '二进制文件请直接给出，十六进制请分行',
  'decode.input.neither': '{value} 不是文件（{reason}），也无法作为字节读取',
  'capture.input.at-mqtt': '这是模组 MQTT 指令日志（AT+MQTT…、AT+QMT…、AT+CMQTT…）：报文由模组生成，其中没有可解码的报文字节',
  'capture.input.at-mqtt.hint': '用 mqtt-sign verify <平台> <文件> 加平台密钥检查其中的登录信息',
  'capture.input.words': '第 {line} 行是按 2 字节字转储的（不带 -C 的 hexdump、od、od -x）：字节顺序取决于机器，因此不从中读取字节',
  'capture.input.words.hint': '请逐字节转储：hexdump -C、xxd 或 od -A x -t x1z',
  'capture.problem.cut-off-header': '数据在 {type} 报文的固定报头中结束：剩余长度缺失或不完整',
  'capture.problem.cut-off-header.hint': '请复制完整报文：第一个字节之后是剩余长度（1 到 4 字节），然后是相应数量的字节',
};
