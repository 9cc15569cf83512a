/**
 * Text catalogue entries for signing inputs as users type them (issue 11): hosts, envelopes, topic names, the
 * clouds' protocol rules, time (--now, expiry) and the consistency of options across platforms. Keys in en and zh must match.
 */
export const en: Readonly<Record<string, string>> = {
  // Time (src/platforms/lint.ts, src/cli/main.ts).
  expired: 'this credential expired on {expiresAt}; the platform refuses it now; for a new one leave {option} out or give a later time',
  'cli.now.format': '--now {value} is not a time: give Unix seconds (e.g. 1718456400) or ISO 8601 with a zone (e.g. 2024-06-15T13:00:00Z)',
  'cli.opt.now': 'the clock for every default, lint and check: Unix seconds or ISO 8601 (default: the system clock)',

  // The clouds' protocol rules (src/platforms/lint.ts).
  'lint.qos.disconnect': 'QoS {qos} is not supported (allowed: {allowed}): the broker closes the connection on such a PUBLISH',
  'lint.subscribe.qosIgnored': 'the platform ignores the QoS a SUBSCRIBE asks for: messages arrive at the QoS their sender used',
};

export const zh: Readonly<Record<string, string>> = {
  expired: '该凭证已于 {expiresAt} 过期；平台现在会拒绝它；要生成新的，请去掉 {option} 或给出更晚的时间',
  'cli.now.format': '--now {value} 不是时间：请给出 Unix 秒（例如 1718456400）或带时区的 ISO 8601（例如 2024-06-15T13:00:00Z）',
  'cli.opt.now': '所有默认值、检查和校验使用的时钟：Unix 秒或 ISO 8601（默认：系统时钟）',

  'lint.qos.disconnect': '不支持 QoS {qos}（可用：{allowed}）：收到这样的 PUBLISH 时服务器会断开连接',
  'lint.subscribe.qosIgnored': '平台会忽略 SUBSCRIBE 请求的 QoS：消息按发送方使用的 QoS 投递',
};
