/** Text catalogue entries for the firmware outputs: C and Arduino headers (see src/messages.ts). Keys in en and zh must match. */
export const en: Readonly<Record<string, string>> = {
  'firmware.c.title': 'MQTT packets for {where}: {packets}; made by mqtt-sign',
  'firmware.c.title.nobroker': 'MQTT packets: {packets}; made by mqtt-sign',
  'firmware.arduino.how':
    'Send an array from flash with {send}(client, {first}, {FIRST}_LEN); it returns the bytes written (less than the length: the connection failed).',
};

export const zh: Readonly<Record<string, string>> = {
  'firmware.c.title': '发往 {where} 的 MQTT 报文：{packets}；由 mqtt-sign 生成',
  'firmware.c.title.nobroker': 'MQTT 报文：{packets}；由 mqtt-sign 生成',
  'firmware.arduino.how': '用 {send}(client, {first}, {FIRST}_LEN) 从闪存发送一个数组；返回写出的字节数（小于长度即连接出错）。',
};
