/** Text catalogue entries for src/format (see src/messages.ts). Keys in en and zh must match. */
export const en: Readonly<Record<string, string>> = {
  'format.name.invalid':
    '--name {value} is not a usable identifier: letters, digits and _, not starting with a digit or __, and not a C keyword',
  'format.name.invalid.hint': 'e.g. --name aliyun',
  'format.size.packet': '{name}  {length} bytes = 1 (type) + {width} (Remaining Length) + {rest}',
  'format.size.total': 'total {total} bytes; the firmware needs a buffer of at least {buffer} bytes (the largest packet)',
  'format.unknown': '{option} {value} is not a format: one of {allowed}',
  'format.size.limit': '{option} {format} writes at most {max} bytes of packets as text, and these are {size}; --format raw writes the bytes themselves',
  'format.at.modem': '--format at needs --modem: one of {allowed}',
  'format.at.broker': '--format at needs the broker host and port',
  'format.at.websocket':
    "{option} gives the WebSocket endpoint {url}, and the --modem {modem} script sends MQTT itself over TCP to {where}, which a WebSocket listener refuses; give the broker's MQTT address instead (mqtt://host:port, or mqtts:// for TLS)",
  'format.at.title': '{modem} AT script for {url}',
  'format.at.how.raw': "Send each AT line as text ending in CR LF and wait for the answer under it; after the '>' prompt send the hex line below it as binary (HEX send).",
  'format.at.how.hex': 'Send each line as text ending in CR LF and wait for the answer under it; the packet bytes travel as hex inside AT+QISENDEX.',
  'format.at.before.esp8266': 'First join Wi-Fi: AT+CWMODE=1, then AT+CWJAP="<ssid>","<password>".',
  'format.at.before.sim800': 'First attach to GPRS: AT+CSTT="<apn>", AT+CIICR, AT+CIFSR.',
  'format.at.before.quectel':
    'First activate the PDP context: AT+QICSGP=1,1,"<apn>", AT+QIACT=1 (for TLS also configure SSL context 1 with AT+QSSLCFG).',
  'format.at.packet': '{name}: {length} bytes',
  'format.at.split':
    '{name} is {length} bytes, over the {modem} single-send limit of {limit}: the script sends it in {parts} parts, which TCP joins again',
  'format.at.special.sim800':
    '{name} contains {byte} at byte {offset}: a SIM800 send without a length ends at 0x1A (Ctrl-Z) and is cancelled by 0x1B (ESC); this script uses AT+CIPSEND=<n>, which takes exactly n bytes, so keep the length',
  'format.at.special.quectel':
    '{name} contains {byte} at byte {offset}: AT+QSSLSEND without a length ends at 0x1A (Ctrl-Z) and is cancelled by 0x1B (ESC); this script gives the length, so keep it',
};

export const zh: Readonly<Record<string, string>> = {
  'format.name.invalid': '--name {value} 不能用作标识符：只能含字母、数字和 _，不能以数字或 __ 开头，也不能是 C 关键字',
  'format.name.invalid.hint': '例如 --name aliyun',
  'format.size.packet': '{name}  {length} 字节 = 1（类型）+ {width}（剩余长度）+ {rest}',
  'format.size.total': '合计 {total} 字节；固件缓冲区至少需要 {buffer} 字节（最大的报文）',
  'format.unknown': '{option} {value} 不是一种格式：应为 {allowed} 之一',
  'format.size.limit': '{option} {format} 最多把 {max} 字节的报文写成文本，而这些有 {size} 字节；--format raw 直接写出字节',
  'format.at.modem': '--format at 需要 --modem：{allowed} 之一',
  'format.at.broker': '--format at 需要服务器地址和端口',
  'format.at.websocket':
    '{option} 给出的是 WebSocket 地址 {url}，而 --modem {modem} 脚本直接通过 TCP 向 {where} 发送 MQTT，WebSocket 监听端口会拒绝；请改给服务器的 MQTT 地址（mqtt://主机:端口，TLS 用 mqtts://）',
  'format.at.title': '{modem} AT 指令脚本，连接 {url}',
  'format.at.how.raw': '每条 AT 指令按文本发送并以 CR LF 结尾，等到下方注明的应答再继续；出现 “>” 提示后，把下一行十六进制按二进制（HEX 发送）发出。',
  'format.at.how.hex': '每行按文本发送并以 CR LF 结尾，等到下方注明的应答再继续；报文字节以十六进制写在 AT+QISENDEX 里。',
  'format.at.before.esp8266': '先连接 Wi-Fi：AT+CWMODE=1，然后 AT+CWJAP="<ssid>","<password>"。',
  'format.at.before.sim800': '先附着 GPRS：AT+CSTT="<apn>"、AT+CIICR、AT+CIFSR。',
  'format.at.before.quectel': '先激活 PDP 上下文：AT+QICSGP=1,1,"<apn>"、AT+QIACT=1（TLS 还要用 AT+QSSLCFG 配置 SSL 上下文 1）。',
  'format.at.packet': '{name}：{length} 字节',
  'format.at.split': '{name} 有 {length} 字节，超过 {modem} 单次发送上限 {limit}：脚本分 {parts} 次发送，TCP 会重新拼接',
  'format.at.special.sim800':
    '{name} 第 {offset} 字节是 {byte}：SIM800 不带长度发送时遇 0x1A（Ctrl-Z）即结束、遇 0x1B（ESC）即取消；本脚本用 AT+CIPSEND=<n> 按长度发送，请保留长度',
  'format.at.special.quectel':
    '{name} 第 {offset} 字节是 {byte}：AT+QSSLSEND 不带长度时遇 0x1A（Ctrl-Z）即结束、遇 0x1B（ESC）即取消；本脚本带了长度，请保留',
};
