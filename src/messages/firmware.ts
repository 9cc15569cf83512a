/** Text catalogue entries for the firmware outputs: C and Arduino headers (see src/messages.ts). Keys in en and zh must match. */
export const en: Readonly<Record<string, string>> = {
  'firmware.opt.runtime':
    'with --format c: a firmware runtime header: publish writers for any payload, reply readers (CONNACK, SUBACK, PUBACK, PUBLISH), no allocation',
  'firmware.c.title': 'MQTT packets for {where}: {packets}; made by mqtt-sign',
  'firmware.c.title.nobroker': 'MQTT packets: {packets}; made by mqtt-sign',
  'firmware.websocket':
    '{url} is a WebSocket listener: open it with an HTTP upgrade (subprotocol mqtt) and send these bytes inside WebSocket binary frames (RFC 6455); sent bare over TCP they get no MQTT answer there',
  'firmware.arduino.how':
    'Send an array from flash with {send}(client, {first}, {FIRST}_LEN); it returns the bytes written (less than the length: the connection failed).',
  'firmware.runtime.how':
    'How to use it (any TCP socket or modem link carries the bytes):\n' +
    '1. Open TCP to the broker and send {p}_connect ({P}_CONNECT_LEN bytes).\n' +
    '2. Append what arrives to rx (n bytes). When k = {p}_frame_len(rx, n) is not 0 and n >= k, rx holds one packet of k bytes: handle it, then drop those k bytes.\n' +
    '3. The first packet: {p}_connack_code(rx, k) must be 0; any other code: the broker refused the login.',
  'firmware.runtime.how.websocket':
    'How to use it (a WebSocket client carries the bytes, as the note above says):\n' +
    '1. Open the WebSocket connection and send {p}_connect ({P}_CONNECT_LEN bytes) as one binary frame; send every packet below the same way.\n' +
    '2. Append the payload of each binary frame that arrives to rx (n bytes); a frame may hold part of a packet or several. When k = {p}_frame_len(rx, n) is not 0 and n >= k, rx holds one packet of k bytes: handle it, then drop those k bytes.\n' +
    '3. The first packet: {p}_connack_code(rx, k) must be 0; any other code: the broker refused the login.',
  'firmware.runtime.how.subscribe': '4. Send {p}_subscribe; {p}_suback_codes(rx, k, &id, codes, max) gives one code per filter (0x80 and up: refused).',
  'firmware.runtime.how.nosubscribe': '4. To receive messages, make this header again with --subscribe <filter>: {p}_subscribe is then here to send.',
  'firmware.runtime.how.publish': '5. For each reading, len = {publish} writes the PUBLISH into tx; send those len bytes (0: tx is too small).',
  'firmware.runtime.how.envelope':
    '5. For each reading, write only your params JSON; {envelope} wraps it in the platform envelope, then len = {publish} (json = the envelope) writes the PUBLISH; send those len bytes (0: a buffer is too small).',
  'firmware.runtime.how.receive':
    '6. {p}_packet_type(rx, k) == {P}_PUBLISH: {p}_parse_publish(rx, k, &view) points view.topic and view.payload into rx; at QoS 1 answer with {p}_puback(tx, sizeof tx, view.packet_id).\n' +
    '7. Send {p}_pingreq before {P}_KEEPALIVE seconds pass with nothing sent (half of it is a safe margin); the broker answers {P}_PINGRESP.\n' +
    '8. Negative results: {P}_E_SHORT read more, {P}_E_TYPE another packet, {P}_E_MALFORMED close the connection.',
};

export const zh: Readonly<Record<string, string>> = {
  'firmware.opt.runtime': '与 --format c 同用：生成固件运行时头文件：任意载荷的 PUBLISH 写入函数、回复解析（CONNACK、SUBACK、PUBACK、PUBLISH），不分配内存',
  'firmware.c.title': '发往 {where} 的 MQTT 报文：{packets}；由 mqtt-sign 生成',
  'firmware.c.title.nobroker': 'MQTT 报文：{packets}；由 mqtt-sign 生成',
  'firmware.websocket':
    '{url} 是 WebSocket 监听地址：先用 HTTP 升级（子协议 mqtt）建立 WebSocket 连接，再把这些字节放在 WebSocket 二进制帧（RFC 6455）里发送；直接通过 TCP 发送，那里不会有 MQTT 应答',
  'firmware.arduino.how': '用 {send}(client, {first}, {FIRST}_LEN) 从闪存发送一个数组；返回写出的字节数（小于长度即连接出错）。',
  'firmware.runtime.how':
    '用法（TCP 套接字或模组链路收发字节即可）：\n' +
    '1. 建立到 Broker 的 TCP 连接，发送 {p}_connect（{P}_CONNECT_LEN 字节）。\n' +
    '2. 把收到的字节追加到 rx（共 n 字节）。当 k = {p}_frame_len(rx, n) 不为 0 且 n >= k 时，rx 开头就是一个 k 字节的完整报文：处理它，再丢掉这 k 字节。\n' +
    '3. 第一个报文：{p}_connack_code(rx, k) 必须是 0；其他值表示 Broker 拒绝了登录。',
  'firmware.runtime.how.websocket':
    '用法（按上面的说明，由 WebSocket 客户端收发字节）：\n' +
    '1. 建立 WebSocket 连接，把 {p}_connect（{P}_CONNECT_LEN 字节）作为一个二进制帧发送；下面的每个报文都这样发送。\n' +
    '2. 把收到的每个二进制帧的载荷追加到 rx（共 n 字节）；一帧可能只有报文的一部分，也可能有好几个报文。当 k = {p}_frame_len(rx, n) 不为 0 且 n >= k 时，rx 开头就是一个 k 字节的完整报文：处理它，再丢掉这 k 字节。\n' +
    '3. 第一个报文：{p}_connack_code(rx, k) 必须是 0；其他值表示 Broker 拒绝了登录。',
  'firmware.runtime.how.subscribe': '4. 发送 {p}_subscribe；{p}_suback_codes(rx, k, &id, codes, max) 给出每个过滤器的结果码（0x80 及以上：被拒绝）。',
  'firmware.runtime.how.nosubscribe': '4. 要接收消息，加上 --subscribe <filter> 重新生成本头文件，这里就会有可发送的 {p}_subscribe。',
  'firmware.runtime.how.publish': '5. 每次上报，len = {publish} 把 PUBLISH 写进 tx；发送这 len 字节（返回 0：tx 太小）。',
  'firmware.runtime.how.envelope':
    '5. 每次上报只需写自己的 params JSON；{envelope} 把它包进平台信封，再用 len = {publish}（json 即信封）写出 PUBLISH；发送这 len 字节（返回 0：缓冲区太小）。',
  'firmware.runtime.how.receive':
    '6. {p}_packet_type(rx, k) == {P}_PUBLISH 时：{p}_parse_publish(rx, k, &view) 让 view.topic 和 view.payload 指向 rx 内部；QoS 1 的消息用 {p}_puback(tx, sizeof tx, view.packet_id) 回应。\n' +
    '7. 在连续 {P}_KEEPALIVE 秒没有发送任何报文之前发送 {p}_pingreq（取一半较稳妥）；Broker 回复 {P}_PINGRESP。\n' +
    '8. 负数结果：{P}_E_SHORT 继续读，{P}_E_TYPE 是别的报文，{P}_E_MALFORMED 断开连接。',
};
