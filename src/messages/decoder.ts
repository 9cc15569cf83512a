/** Text catalogue entries for the streaming Decoder (src/mqtt/decoder.ts; see src/messages.ts). */
export const en: Readonly<Record<string, string>> = {
  'decoder.too-large': '{field} at byte {offset}: the packet would be {size} bytes, over the limit of {limit} bytes (maxPacketSize)',
  'decoder.too-large.hint': 'Nothing of it was buffered. Raise maxPacketSize if packets this large are expected.',
  'decoder.max-size-option': '{field}: {value} is not a packet size; use a whole number of bytes, at least 2',
  'decoder.ended-inside': '{field} at byte {offset}: the stream ended inside a packet, after {have} of its bytes',
  'decoder.ended-inside.hint': 'The last packet is cut short; check that the whole stream was captured.',
};

export const zh: Readonly<Record<string, string>> = {
  'decoder.too-large': '{field}（第 {offset} 字节）：报文将有 {size} 字节，超过上限 {limit} 字节（maxPacketSize）',
  'decoder.too-large.hint': '该报文没有被缓存。如果确实会有这么大的报文，请调大 maxPacketSize。',
  'decoder.max-size-option': '{field}：{value} 不是报文大小；请用不小于 2 的整数字节数',
  'decoder.ended-inside': '{field}（第 {offset} 字节）：数据流在报文中间结束，只收到了 {have} 字节',
  'decoder.ended-inside.hint': '最后一个报文被截断；请确认抓到了完整的数据流。',
};
