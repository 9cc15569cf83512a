/**
 * decode's payload lint (src/capture/payload-lint.ts): a PUBLISH payload that looks like JSON but is not, and a
 * payload on a platform's standard topic without the platform's envelope, or with the wrong shape inside it.
 * Positions are bytes from the start of the payload; line and column count from 1.
 */
const hintJson = 'platforms that expect JSON drop such a message: keys and strings go in double quotes, no trailing commas';
const hintJsonZh = '要求 JSON 的平台会丢弃这样的消息：键和字符串都要用双引号，末尾不能有多余的逗号';
const at = 'the payload looks like JSON but is not: at payload offset {offset} (line {line}, column {column})';
const atZh = '载荷看起来是 JSON，但不合法：在载荷偏移 {offset} 处（第 {line} 行第 {column} 列）';

// The inside of an envelope (payload-shape.ts): the JSON path, what is there, what the platform needs.
const needs = '{platform} ({envelope} envelope) needs';
const needsZh = '{platform}（{envelope} 信封）';
const shapeHint = 'e.g. {path}: {example}';
const shapeHintZh = '例如 {path}: {example}';

export const en: Readonly<Record<string, string>> = {
  'payload.json.value': `${at} a value was expected (object, array, string, number, true, false or null), found {found}`,
  'payload.json.value.hint': hintJson,
  'payload.json.name': `${at} a property name in double quotes was expected, found {found}`,
  'payload.json.name.hint': hintJson,
  'payload.json.colon': `${at} ":" was expected after the property name, found {found}`,
  'payload.json.colon.hint': hintJson,
  'payload.json.object-next': `${at} "," or "}" was expected, found {found}`,
  'payload.json.object-next.hint': hintJson,
  'payload.json.array-next': `${at} "," or "]" was expected, found {found}`,
  'payload.json.array-next.hint': hintJson,
  'payload.json.string-end': `${at} a string holds a raw control character {found}`,
  'payload.json.string-end.hint': 'write a line break inside a string as \\n and a tab as \\t',
  'payload.json.escape': `${at} {found} is not a JSON escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`,
  'payload.json.escape.hint': hintJson,
  'payload.json.number': `${at} a malformed number, found {found}`,
  'payload.json.number.hint': 'numbers have no leading zeros, no leading "+", digits after a "." and after an exponent',
  'payload.json.end': `${at} the JSON value is complete, but {found} follows it`,
  'payload.json.end.hint': 'send one JSON value per message',
  'payload.json.eof': 'the payload looks like JSON but stops at payload offset {offset} (line {line}, column {column}) before it is complete: a string, object or array is not closed',
  'payload.json.eof.hint': 'check the payload length in the firmware: the whole text must be sent',
  'payload.envelope.missing': '{platform} expects its {envelope} envelope on {topic}; the payload lacks {missing}',
  'payload.envelope.missing.hint': 'e.g. {example}',
  'payload.envelope.not-object': '{platform} expects a JSON object ({envelope} envelope) on {topic}; the payload is not one',
  'payload.envelope.not-object.hint': 'e.g. {example}',
  'payload.shape.object': `${needs} {path} to be a JSON object; it is {found}`,
  'payload.shape.object.hint': shapeHint,
  'payload.shape.array': `${needs} {path} to be a JSON array; it is {found}`,
  'payload.shape.array.hint': shapeHint,
  'payload.shape.string': `${needs} {path} to be a string; it is {found}`,
  'payload.shape.string.hint': shapeHint,
  'payload.shape.number': `${needs} {path} to be a number; it is {found}`,
  'payload.shape.number.hint': shapeHint,
  'payload.shape.id': `${needs} {path} to be a whole number above 0; it is {found}`,
  'payload.shape.id.hint': shapeHint,
  'payload.shape.keys': `${needs} {path} to carry {missing}; it has not`,
  'payload.shape.keys.hint': shapeHint,
  'payload.shape.oneOf': `${needs} {path} to be one of {allowed}; it is {found}`,
  'payload.shape.oneOf.hint': shapeHint,
  'payload.shape.ms': `${needs} {path} in milliseconds; {found} is in seconds`,
  'payload.shape.ms.hint': shapeHint,
  'payload.shape.s': `${needs} {path} in seconds; {found} is in milliseconds`,
  'payload.shape.s.hint': shapeHint,
  'payload.shape.more': '{platform} ({envelope} envelope): the same problem at {path} in {count} more place(s)',
};

export const zh: Readonly<Record<string, string>> = {
  'payload.json.value': `${atZh}应为一个值（对象、数组、字符串、数字、true、false 或 null），实际是 {found}`,
  'payload.json.value.hint': hintJsonZh,
  'payload.json.name': `${atZh}应为双引号括起的属性名，实际是 {found}`,
  'payload.json.name.hint': hintJsonZh,
  'payload.json.colon': `${atZh}属性名后应为 ":"，实际是 {found}`,
  'payload.json.colon.hint': hintJsonZh,
  'payload.json.object-next': `${atZh}应为 "," 或 "}"，实际是 {found}`,
  'payload.json.object-next.hint': hintJsonZh,
  'payload.json.array-next': `${atZh}应为 "," 或 "]"，实际是 {found}`,
  'payload.json.array-next.hint': hintJsonZh,
  'payload.json.string-end': `${atZh}字符串里有未转义的控制字符 {found}`,
  'payload.json.string-end.hint': '字符串中的换行写成 \\n，制表符写成 \\t',
  'payload.json.escape': `${atZh}{found} 不是 JSON 转义（\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX）`,
  'payload.json.escape.hint': hintJsonZh,
  'payload.json.number': `${atZh}数字格式错误，实际是 {found}`,
  'payload.json.number.hint': '数字不能有前导零或前导 "+"，"." 和指数后面都要有数字',
  'payload.json.end': `${atZh}JSON 值已经结束，后面却还有 {found}`,
  'payload.json.end.hint': '每条消息只发一个 JSON 值',
  'payload.json.eof': '载荷看起来是 JSON，但在载荷偏移 {offset} 处（第 {line} 行第 {column} 列）就结束了：有字符串、对象或数组没有闭合',
  'payload.json.eof.hint': '检查固件里的载荷长度：整段文本都要发出去',
  'payload.envelope.missing': '{platform} 要求 {topic} 上的载荷使用 {envelope} 信封；载荷缺少 {missing}',
  'payload.envelope.missing.hint': '例如 {example}',
  'payload.envelope.not-object': '{platform} 要求 {topic} 上的载荷是 JSON 对象（{envelope} 信封）；这个载荷不是',
  'payload.envelope.not-object.hint': '例如 {example}',
  'payload.shape.object': `${needsZh}要求 {path} 是 JSON 对象；实际是 {found}`,
  'payload.shape.object.hint': shapeHintZh,
  'payload.shape.array': `${needsZh}要求 {path} 是 JSON 数组；实际是 {found}`,
  'payload.shape.array.hint': shapeHintZh,
  'payload.shape.string': `${needsZh}要求 {path} 是字符串；实际是 {found}`,
  'payload.shape.string.hint': shapeHintZh,
  'payload.shape.number': `${needsZh}要求 {path} 是数字；实际是 {found}`,
  'payload.shape.number.hint': shapeHintZh,
  'payload.shape.id': `${needsZh}要求 {path} 是大于 0 的整数；实际是 {found}`,
  'payload.shape.id.hint': shapeHintZh,
  'payload.shape.keys': `${needsZh}要求 {path} 包含 {missing}；实际没有`,
  'payload.shape.keys.hint': shapeHintZh,
  'payload.shape.oneOf': `${needsZh}要求 {path} 取 {allowed} 之一；实际是 {found}`,
  'payload.shape.oneOf.hint': shapeHintZh,
  'payload.shape.ms': `${needsZh}要求 {path} 以毫秒为单位；{found} 是秒`,
  'payload.shape.ms.hint': shapeHintZh,
  'payload.shape.s': `${needsZh}要求 {path} 以秒为单位；{found} 是毫秒`,
  'payload.shape.s.hint': shapeHintZh,
  'payload.shape.more': '{platform}（{envelope} 信封）：{path} 处还有 {count} 个值有同样的问题',
};
