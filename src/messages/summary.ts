/**
 * Text catalogue entries for the summary block of `table` and `hex` (src/format/summary.ts). Keys in en and zh
 * must match. The MQTT field names stay as MQTT clients (MQTTX, serial tools) label them.
 */
export const en: Readonly<Record<string, string>> = {
  'summary.host': 'Host: {value}',
  'summary.port': 'Port: {value}',
  'summary.port.websocket': 'Port: {value} (a WebSocket listener: the packets go inside WebSocket binary frames, not over bare TCP)',
  'summary.tls': 'TLS: {value}',
  'summary.websocket': 'WebSocket URL: {value}',
  'summary.clientId': 'ClientId: {value}',
  'summary.username': 'Username: {value}',
  'summary.password': 'Password: {value}',
  'summary.keepalive': 'Keep Alive: {value}',
  'summary.expires': 'Expires: {value}',
  'summary.yes': 'yes',
  'summary.no': 'no',
  'summary.none': '(none)',
  'summary.empty': '(empty: the broker assigns one)',
  'summary.never': 'never',
  'summary.seconds': '{value} s',
};

export const zh: Readonly<Record<string, string>> = {
  'summary.host': '主机（Host）：{value}',
  'summary.port': '端口（Port）：{value}',
  'summary.port.websocket': '端口（Port）：{value}（WebSocket 监听端口：报文要放在 WebSocket 二进制帧里发送，不能直接走 TCP）',
  'summary.tls': 'TLS：{value}',
  'summary.websocket': 'WebSocket 地址：{value}',
  'summary.clientId': 'ClientId：{value}',
  'summary.username': '用户名（Username）：{value}',
  'summary.password': '密码（Password）：{value}',
  'summary.keepalive': '保活时间（Keep Alive）：{value}',
  'summary.expires': '有效期至：{value}',
  'summary.yes': '是',
  'summary.no': '否',
  'summary.none': '（无）',
  'summary.empty': '（空：由服务器分配）',
  'summary.never': '长期有效',
  'summary.seconds': '{value} 秒',
};
