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

  // Hosts as users write them (src/platforms/_endpoint.ts) and the same --host/--port/--tls on every platform.
  'host.scheme': '{option} {value}: {scheme}:// is not a broker scheme; use one of {allowed}',
  'host.path': '{option} {value}: only ws:// and wss:// URLs have a path',
  'host.port': '{option} {value}: the port must be a number from 1 to 65535',
  'host.portConflict': '{option} {value} gives port {port}, but {other} gives {otherPort}; give the port once',
  'host.tlsConflict': '{option} {value} is a plain (non-TLS) address, but {other} asks for TLS; use mqtts://, ssl:// or wss://, or drop {other}',
  'azure.tls.only': '{option} {value} is a plain (non-TLS) address: Azure IoT Hub accepts only TLS, MQTT on 8883 or WebSocket on 443 (wss://)',
  'aliyun.tls.registration': '{option} {value} is a plain (non-TLS) address: the {mode} flow runs over TLS only',
  'onenet-legacy.tls': '{option}: the legacy OneNET access is plain TCP only (183.230.40.39:6002); for TLS use mqtt-sign onenet',
  'tencent.tls.password': 'TLS on port {port}: Tencent\'s certificate mode there ignores the password, and the SDK\'s TLS + key mode uses TLS-PSK; key login is plain TCP 1883',
  'param.onenet-legacy.tls': 'TLS: not offered by the legacy access, which is plain TCP on port 6002',
  'param.tencent.host': 'broker host, host:port, [IPv6]:port or a mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL (default: the --region host)',
  'param.tencent.port': 'broker port (default 1883, 8883 with --tls)',
  'param.tencent.tls': 'connect over TLS (8883 is the certificate mode, which ignores the password; key login is plain TCP 1883)',
  'param.azure.host': 'broker host, host:port, [IPv6]:port or a mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL: where to connect, e.g. an IoT Edge gateway (default: the --hub host)',
  'param.azure.port': 'broker port (default 8883; 443 with wss://)',
  'param.azure.tls': 'TLS, always on: the hub accepts no plain connection',
  'param.baidu.host': 'broker host, host:port, [IPv6]:port or a mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL (default <IoTCoreId>.iot.<region>.baidubce.com)',
  'param.baidu.port': 'broker port (default 1883, 1884 with --tls; wss:// 443)',

  // Topic names and envelopes (src/cli/topic-names.ts, src/cli/packets.ts).
  'cli.topic.unknown': '{option} {value} is no standard topic name here and cannot be a topic of this platform; did you mean {closest}?',
  'cli.topic.unknown.hint': 'mqtt-sign <platform> … --topics lists the names; to send to this exact topic anyway: {literal}',
  'cli.topic.dollar': '{option} {value}: the platform\'s topic is {topic} (with its "$"), the standard name {name}',
  'cli.topic.direction': '{option} {name}: this standard topic is for {direction} only',
  'cli.envelope.asIs': 'the payload for {topic} is already the platform\'s envelope: sent as it is',
  'cli.envelope.half': '{option} for {topic} has {present} of the platform\'s envelope but no {missing}: give the whole envelope, or only the properties to have them wrapped',
  'cli.envelope.half.hint': 'or add --no-envelope to send it exactly as it is',
  'cli.sign.aliases': '{description} (also as: {aliases})',
  'cli.topics.payload': 'payload: {payload}',
  'azure.connectionString.part': '{option}: {part}= is not a part of a device connection string; allowed: {allowed}',
  'azure.connectionString.malformed': '{option}: part {index} is not Name=value (not shown: it may hold the key); a device connection string is HostName=…;DeviceId=…;SharedAccessKey=…',
  'azure.connectionString.repeated': '{option} has {part}= twice; give each part once',
  'azure.connectionString.missing': '{option} has no {part}=; a device connection string is HostName=…;DeviceId=…;SharedAccessKey=…',
  'param.azure.connectionString': 'the device (or module) connection string, as the portal and az iot hub show it; instead of --hub, --device, --key (and --module)',
  'generic.clientId.assigned': 'empty clientId: the broker assigns one (the CONNACK of MQTT 5.0 names it)',
  'generic.clientId.empty31': '{option} "": MQTT 3.1 needs a clientId of 1-23 characters; use --protocol 3.1.1 or 5 for a broker-assigned one',
  'generic.clientId.emptyClean': '{option} "": an empty clientId needs clean session under MQTT 3.1.1 [MQTT-3.1.3-7]; drop --no-clean or use --protocol 5',
};

export const zh: Readonly<Record<string, string>> = {
  expired: '该凭证已于 {expiresAt} 过期；平台现在会拒绝它；要生成新的，请去掉 {option} 或给出更晚的时间',
  'cli.now.format': '--now {value} 不是时间：请给出 Unix 秒（例如 1718456400）或带时区的 ISO 8601（例如 2024-06-15T13:00:00Z）',
  'cli.opt.now': '所有默认值、检查和校验使用的时钟：Unix 秒或 ISO 8601（默认：系统时钟）',

  'lint.qos.disconnect': '不支持 QoS {qos}（可用：{allowed}）：收到这样的 PUBLISH 时服务器会断开连接',
  'lint.subscribe.qosIgnored': '平台会忽略 SUBSCRIBE 请求的 QoS：消息按发送方使用的 QoS 投递',

  'host.scheme': '{option} {value}：{scheme}:// 不是 broker 的协议；请使用 {allowed} 之一',
  'host.path': '{option} {value}：只有 ws:// 和 wss:// URL 才有路径',
  'host.port': '{option} {value}：端口必须是 1 到 65535 之间的数字',
  'host.portConflict': '{option} {value} 给出端口 {port}，但 {other} 给出 {otherPort}；端口只需给一次',
  'host.tlsConflict': '{option} {value} 是明文（非 TLS）地址，但 {other} 要求 TLS；请使用 mqtts://、ssl:// 或 wss://，或去掉 {other}',
  'azure.tls.only': '{option} {value} 是明文（非 TLS）地址：Azure IoT 中心只接受 TLS，MQTT 用 8883，WebSocket 用 443（wss://）',
  'aliyun.tls.registration': '{option} {value} 是明文（非 TLS）地址：{mode} 流程只能走 TLS',
  'onenet-legacy.tls': '{option}：OneNET 旧版接入只有明文 TCP（183.230.40.39:6002）；需要 TLS 请用 mqtt-sign onenet',
  'tencent.tls.password': '端口 {port} 上的 TLS：腾讯云在那里的证书模式会忽略密码，SDK 的 TLS + 密钥模式使用 TLS-PSK；密钥登录走明文 TCP 1883',
  'param.onenet-legacy.tls': 'TLS：旧版接入不提供，只有 6002 端口的明文 TCP',
  'param.tencent.host': '服务器地址：主机名、host:port、[IPv6]:port，或 mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL（默认：--region 对应的地址）',
  'param.tencent.port': '服务器端口（默认 1883，带 --tls 为 8883）',
  'param.tencent.tls': '通过 TLS 连接（8883 是证书模式，会忽略密码；密钥登录走明文 TCP 1883）',
  'param.azure.host': '服务器地址：主机名、host:port、[IPv6]:port，或 mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL：实际连接的地址，例如 IoT Edge 网关（默认：--hub 的主机名）',
  'param.azure.port': '服务器端口（默认 8883；wss:// 为 443）',
  'param.azure.tls': 'TLS，始终开启：IoT 中心不接受明文连接',
  'param.baidu.host': '服务器地址：主机名、host:port、[IPv6]:port，或 mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL（默认 <IoTCoreId>.iot.<region>.baidubce.com）',
  'param.baidu.port': '服务器端口（默认 1883，带 --tls 为 1884；wss:// 为 443）',

  'cli.topic.unknown': '{option} {value} 不是这里的标准 Topic 名称，也不可能是该平台的 Topic；你是不是想用 {closest}？',
  'cli.topic.unknown.hint': 'mqtt-sign <平台> … --topics 会列出所有名称；一定要发往这个 Topic 本身，请写：{literal}',
  'cli.topic.dollar': '{option} {value}：平台的 Topic 是 {topic}（带 "$"），标准名称为 {name}',
  'cli.topic.direction': '{option} {name}：这个标准 Topic 只用于 {direction}',
  'cli.envelope.asIs': '{topic} 的载荷已经是平台的信封格式：按原样发送',
  'cli.envelope.half': '{topic} 的 {option} 含有平台信封的 {present}，但缺少 {missing}：请给出完整的信封，或只给属性让工具来包装',
  'cli.envelope.half.hint': '或加 --no-envelope 完全按原样发送',
  'cli.sign.aliases': '{description}（也可写作：{aliases}）',
  'cli.topics.payload': '载荷示例：{payload}',
  'azure.connectionString.part': '{option}：{part}= 不是设备连接字符串的组成部分；可用：{allowed}',
  'azure.connectionString.malformed': '{option}：第 {index} 段不是“名称=值”（不显示其内容：可能含有密钥）；设备连接字符串的格式是 HostName=…;DeviceId=…;SharedAccessKey=…',
  'azure.connectionString.repeated': '{option} 中 {part}= 出现了两次；每段只给一次',
  'azure.connectionString.missing': '{option} 缺少 {part}=；设备连接字符串的格式是 HostName=…;DeviceId=…;SharedAccessKey=…',
  'param.azure.connectionString': '设备（或模块）连接字符串，与门户和 az iot hub 显示的一致；可代替 --hub、--device、--key（和 --module）',
  'generic.clientId.assigned': 'clientId 为空：由服务器分配（MQTT 5.0 的 CONNACK 会给出它）',
  'generic.clientId.empty31': '{option} ""：MQTT 3.1 要求 1-23 个字符的 clientId；要让服务器分配，请用 --protocol 3.1.1 或 5',
  'generic.clientId.emptyClean': '{option} ""：MQTT 3.1.1 下空 clientId 必须开启 clean session [MQTT-3.1.3-7]；去掉 --no-clean 或使用 --protocol 5',
};
