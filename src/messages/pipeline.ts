/** Text catalogue entries for the streaming pipeline of decode and verify, and the output writer (see src/messages.ts). */
export const en: Readonly<Record<string, string>> = {
  // The writer (src/cli/writer.ts): a failed write of the output, by errno.
  'pipeline.output.ENOSPC': 'cannot write the output: no space left on device',
  'pipeline.output.EIO': 'cannot write the output: input/output error',
  'pipeline.output.EDQUOT': 'cannot write the output: disk quota exceeded',
  'pipeline.output.EFBIG': 'cannot write the output: file too large',
  'pipeline.output.EBADF': 'cannot write the output: the output is closed',
  'pipeline.output.EACCES': 'cannot write the output: permission denied',
  'pipeline.output.other': 'cannot write the output: {reason}',
  // Reading (src/capture/read.ts) and the summary (src/cli/decode-render.ts).
  'pipeline.not-mqtt': 'this is not MQTT: {count} MiB of input in a row gave no packet, so reading stopped',
  'pipeline.not-mqtt.hint': 'give packet bytes, hex text or a pcap/pcapng capture; decode stops after {count} MiB without a packet',
  'pipeline.truncated': '{count} frames were cut short by the capture\'s snaplen ({snaplen} bytes): their packets are missing or incomplete',
  'pipeline.truncated.hint': 'capture again with the whole frames: tcpdump -s 0, or no snaplen in Wireshark',
  'pipeline.link-type': '{count} frames of link type {linkType} were not read: decode and verify read Ethernet, Linux cooked (SLL, SLL2), BSD loopback and raw IP frames',
  'pipeline.link-type.hint': 'capture again on an Ethernet interface, or on Linux with tcpdump -i any',
  'pipeline.fragments': '{count} frames held IP fragments of TCP that were not reassembled (the rest of their datagram is not in the capture, came more than 60 s later, or overlapped them): what they carried is missing',
  'pipeline.fragments.hint': 'capture from before the connection opens until after it closes, on the interface that sees every fragment (or lower the MTU on the path so the device does not fragment)',
  'pipeline.interrupted': 'interrupted: the counts above cover what was read until Ctrl-C',
  'pipeline.progress': 'read {read} MB, {packets} packets, {rate} MB/s',
  'pipeline.progress.total': 'read {read} of {total} MB, {packets} packets, {rate} MB/s',
  // A malformed packet repeated back to back (src/capture/repeats.ts): its copies in one line.
  'pipeline.repeat': 'the same bytes and problems as #{of} again, {count}× in a row right after it: #{from} to #{to}, bytes {start} to {end}',
  'pipeline.repeat.capture':
    'the same bytes and problems as #{of} again, {count}× in a row right after it in stream {stream}: #{from} to #{to}, bytes {start} to {end}, t={time}s to t={lastTime}s (frames {frame} to {lastFrame})',
  'pipeline.opt.repeats': 'a malformed packet repeated back to back: collapse (default: shown once, then one line counting its copies) or each (every copy in full)',
  'verify.repeat': 'the same malformed CONNECT again, {count}× in a row right after it: #{from} to #{to}',
};

export const zh: Readonly<Record<string, string>> = {
  'pipeline.output.ENOSPC': '无法写出输出：设备上没有剩余空间',
  'pipeline.output.EIO': '无法写出输出：输入/输出错误',
  'pipeline.output.EDQUOT': '无法写出输出：超出磁盘配额',
  'pipeline.output.EFBIG': '无法写出输出：文件过大',
  'pipeline.output.EBADF': '无法写出输出：输出已关闭',
  'pipeline.output.EACCES': '无法写出输出：权限不足',
  'pipeline.output.other': '无法写出输出：{reason}',
  'pipeline.not-mqtt': '这不是 MQTT：连续 {count} MiB 输入中没有一个报文，已停止读取',
  'pipeline.not-mqtt.hint': '请提供报文字节、十六进制文本或 pcap/pcapng 抓包；连续 {count} MiB 没有报文时 decode 会停止',
  'pipeline.truncated': '有 {count} 个帧被抓包的 snaplen（{snaplen} 字节）截短：其中的报文缺失或不完整',
  'pipeline.truncated.hint': '请抓取完整的帧重新抓包：tcpdump -s 0，或在 Wireshark 中不设 snaplen',
  'pipeline.link-type': '有 {count} 个链路类型为 {linkType} 的帧没有读取：decode 和 verify 读取以太网、Linux cooked（SLL、SLL2）、BSD 环回和原始 IP 帧',
  'pipeline.link-type.hint': '请在以太网接口上重新抓包，或在 Linux 上用 tcpdump -i any',
  'pipeline.fragments': '有 {count} 个帧装有未能重组的 TCP 的 IP 分片（同一数据报的其余分片不在抓包中、晚到 60 秒以上或与之重叠）：其中的内容缺失',
  'pipeline.fragments.hint': '请从连接建立之前一直抓到连接关闭之后，并在能看到全部分片的接口上抓包（或调小路径上的 MTU，让设备不再分片）',
  'pipeline.interrupted': '已中断：以上计数只包含按下 Ctrl-C 之前读取的内容',
  'pipeline.progress': '已读 {read} MB，{packets} 个报文，{rate} MB/s',
  'pipeline.progress.total': '已读 {read} / {total} MB，{packets} 个报文，{rate} MB/s',
  'pipeline.repeat': '紧接着 #{of} 之后，相同的字节和问题又连续出现 {count} 次：#{from} 到 #{to}，字节 {start} 到 {end}',
  'pipeline.repeat.capture': '在流 {stream} 中紧接着 #{of} 之后，相同的字节和问题又连续出现 {count} 次：#{from} 到 #{to}，字节 {start} 到 {end}，t={time}s 到 t={lastTime}s（第 {frame} 到 {lastFrame} 帧）',
  'pipeline.opt.repeats': '背靠背重复的格式错误报文：collapse（默认：只显示一次，再用一行给出重复次数）或 each（每个副本都完整显示）',
  'verify.repeat': '紧接着又连续出现 {count} 次相同的格式错误 CONNECT：#{from} 到 #{to}',
};
