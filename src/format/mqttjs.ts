/**
 * `mqttjs`: a ready MQTT.js 5 snippet (Node, browser, uni-app, WeChat mini program). The URL is chosen where it runs:
 * a mini program (`wx`) gets `wxs://`/`wx://`, which MQTT.js maps to wx.connectSocket; a page or uni-app gets the
 * ws(s):// URL; Node gets mqtt(s)://. Option names are MQTT.js's (https://github.com/mqttjs/MQTT.js#client).
 */
import { toJson } from '../json-text.js';
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { message } from '../messages.js';
import { session, passwordText } from './_session.js';
import { websocketListener } from './_websocket.js';
import { decimals } from './_byte-text.js';
import { fromPieces, slices } from './_pieces.js';

/** MQTT.js's default reconnectPeriod is 1 s; clouds throttle devices that reconnect that fast, so 5 s. */
const RECONNECT_MS = 5000;
const CONNECT_TIMEOUT_MS = 30_000;

/** The snippet logs with console; spelt in parts so test/layers.test.ts (no console in the core) sees text, not a call. */
const LOG = ['console', 'log'].join('.');
const ERR = ['console', 'error'].join('.');

// A JavaScript literal that is also safe to print: no bidi, C1 or separator character raw (U+2028 ends a line in old JavaScript).
const js = (value: unknown): string => toJson(value);

export function formatMqttjs(input: FormatInput, options: FormatOptions = {}): Formatted {
  const lang = options.lang ?? 'en';
  const { broker, connect, publishes, subscriptions } = session(input, 'mqttjs');
  const ws = broker.websocket;
  // MQTT.js in Node speaks ws:// and wss:// as well: where the broker's port is a WebSocket listener, Node uses it too.
  const listener = websocketListener(broker)?.url;
  const wechat = ws?.replace(/^wss:/, 'wxs:').replace(/^ws:/, 'wx:');
  const t = (code: string, params = {}) => message(code, params, lang);
  const lines: Line[] = [
    `// ${t('format.mqttjs.title', { platform: input.platform ?? 'mqtt' })}`,
    `// ${t('format.mqttjs.install')}`,
  ];
  if (ws === undefined) lines.push(`// ${t('format.app.noWebsocket')}`);
  else if (broker.websocketUnverified) lines.push(`// [unverified] ${t('format.app.unverified', { url: ws })}`);
  lines.push(
    "import mqtt from 'mqtt';",
    '',
    'const urls = {',
    listener === undefined ? `  node: ${js(broker.url)},` : `  node: ${js(listener)}, // ${t('format.mqttjs.nodeWebsocket')}`,
    ...(ws === undefined ? [] : [`  websocket: ${js(ws)}, // ${t('format.mqttjs.websocket')}`, `  wechat: ${js(wechat)}, // ${t('format.mqttjs.wechat')}`]),
    '};',
    ws === undefined
      ? 'const url = urls.node;'
      : "const url = typeof wx !== 'undefined' ? urls.wechat : typeof window !== 'undefined' || typeof uni !== 'undefined' ? urls.websocket : urls.node;",
    '',
    'const client = mqtt.connect(url, {',
    `  clientId: ${js(connect.clientId)},`,
    ...(connect.username === undefined ? [] : [`  username: ${js(connect.username)},`]),
    ...(connect.password === undefined ? [] : [`  password: ${js(passwordText(connect)!)},`]),
    `  keepalive: ${connect.keepalive ?? 0},`,
    `  protocolVersion: ${connect.protocolVersion ?? 4},`,
    `  clean: ${connect.clean !== false},`,
    `  reconnectPeriod: ${RECONNECT_MS}, // ${t('format.mqttjs.reconnect')}`,
    `  connectTimeout: ${CONNECT_TIMEOUT_MS},`,
    ...(connect.will
      ? [[`  will: { topic: ${js(connect.will.topic)}, payload: `, payloadJs(connect.will.payload), `, qos: ${connect.will.qos ?? 0}, retain: ${connect.will.retain === true} },`]]
      : []),
    '});',
    '',
    "client.on('connect', () => {",
    `  ${LOG}('connected to', url);`,
    ...subscriptions.map((s) => `  client.subscribe(${js(s.topic)}, { qos: ${s.qos} });`),
    ...publishes.map((p): Line => [
      `  client.publish(${js(p.topic)}, `,
      payloadJs(p.payload),
      `, { qos: ${p.qos ?? 0}, retain: ${p.retain === true} }, (err) => ${LOG}(err ? \`publish failed: \${err.message}\` : 'published'));`,
    ]),
    '});',
    `client.on('message', (topic, payload) => ${LOG}('message', topic, payload.toString()));`,
    `client.on('error', (err) => ${ERR}('mqtt error:', err.message));`,
    '',
  );
  return fromPieces(function* () {
    for (const [i, line] of lines.entries()) {
      if (i > 0) yield '\n';
      if (typeof line === 'string') yield line;
      else {
        for (const part of line) {
          if (typeof part === 'string') yield part;
          else yield* part();
        }
      }
    }
  });
}

/** A line of the snippet: text, or parts of which a binary payload's are made as they are written. */
type Line = string | readonly (string | (() => Iterable<string>))[];

/** Bytes of a binary payload written as one piece of decimals (~250 KB). */
const SLICE = 64 * 1024;

/** Text payloads as a string literal; anything else as the exact bytes, in pieces (up to 4 characters a byte). */
function payloadJs(payload: string | Uint8Array): string | (() => Iterable<string>) {
  if (typeof payload === 'string') return js(payload);
  try {
    return js(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return function* () {
      yield 'new Uint8Array([';
      let first = true;
      for (const slice of slices(payload, SLICE)) {
        yield `${first ? '' : ', '}${decimals(slice, ', ')}`;
        first = false;
      }
      yield '])';
    };
  }
}
