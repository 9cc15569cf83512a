/**
 * `at`: the whole AT script for a modem, as steps that each say what to wait for.
 * Raw TCP dialects open a socket to the broker and send each packet's bytes: ESP8266/ESP32 and SIM800 take
 * `AT+CIPSEND=<n>` and then exactly n raw bytes after the `>` prompt; SIM7600/A76xx take `AT+CIPSEND=<link>,<n>`;
 * Quectel takes the bytes as hex inside `AT+QISENDEX`, so no byte is special. A packet longer than the modem's
 * single-send limit is sent in parts (TCP joins them again) and the user is told. The modems' own MQTT command
 * sets (esp-at-mqtt, quectel-mqtt, simcom-mqtt) are in at-esp.ts, at-quectel.ts and at-simcom.ts.
 * Sources: ESP8266 AT Instruction Set (CIPSEND ≤ 2048 bytes; CIPSSLSIZE), ESP-AT TCP-IP AT Commands (CIPSTART answers
 * CONNECT then OK, CIPSEND answers OK, '>' and SEND OK), SIM800 Series AT Command Manual V1.05 §8.2 (CIPSTART answers
 * OK then CONNECT OK; CIPSEND size 1460; Ctrl-Z ends and ESC cancels a send without length), SIM7500_SIM7600 Series
 * TCPIP Application Note (NETOPEN, CIPOPEN, CIPSEND=<link>,<n> ≤ 1500, CCHOPEN/CCHSEND for TLS), Quectel BG96 TCP/IP
 * AT Commands Manual §2.2.9 (QISENDEX hex string "≤ 512 bytes", which may count hex characters: the safe reading, 256 data
 * bytes per command, is used and the script says so; +QIOPEN: 0,0), Quectel SSL Application Note
 * (QSSLOPEN, QSSLSEND ≤ 1460 bytes).
 */
import { UsageError } from '../errors.js';
import { message, type Lang } from '../messages.js';
import { encode } from '../mqtt/encode.js';
import { decode } from '../mqtt/decode.js';
import type { Packet, ProtocolVersion } from '../mqtt/types.js';
import type { Endpoint, FormatInput, FormatOptions, Formatted, Notice } from './formatter.js';
import { hex2 } from './_bytes.js';
import { hostPort, websocketListener } from './_websocket.js';
import { sizeReport } from './size.js';
import { fromPieces, slices } from './_pieces.js';
import { dialectOf, isMqttDialect, MODEM_NAMES, type Dialect, type RawDialect } from './at-modems.js';
import { mqttScript, type MqttDialect } from './at-mqtt.js';
import { typeableText } from './at-session.js';
import { renderCodes, renderSteps, type AtStep } from './at-steps.js';
import { esp } from './at-esp.js';
import { quectel } from './at-quectel.js';
import { simcom } from './at-simcom.js';
import type { NamedPacket } from './types.js';

interface RawTcp {
  /** Steps that open the connection. */
  open(broker: Endpoint): AtStep[];
  /** The step that sends one chunk of at most `limit` bytes. */
  send(chunk: Uint8Array, tls: boolean): AtStep;
  /** Largest chunk one send command takes. */
  limit(tls: boolean): number;
  /** Bytes the modem treats specially in a send without length (Ctrl-Z ends it, ESC cancels), and the code explaining it. */
  special?(tls: boolean): { bytes: readonly number[]; code: string } | undefined;
  /** Catalogue code of the one-line preparation hint (Wi-Fi join, PDP context, …). */
  before: string;
  /** Catalogue code of the TLS preparation hint. */
  tlsBefore: string;
}

const quoted = (host: string) => `"${host}"`;

const RAW: Record<RawDialect, RawTcp> = {
  esp8266: {
    open: (b) => [
      ...(b.tls ? [{ command: 'AT+CIPSSLSIZE=4096', expect: 'OK', note: { code: 'modem.raw.esp8266.sslsize' } }] : []),
      { command: `AT+CIPSTART=${b.tls ? '"SSL"' : '"TCP"'},${quoted(b.host)},${b.port}`, before: ['CONNECT'], expect: 'OK' },
    ],
    send: (chunk) => ({ command: `AT+CIPSEND=${chunk.length}`, data: chunk, before: ['OK', '>', `Recv ${chunk.length} bytes`], expect: 'SEND OK' }),
    limit: () => 2048,
    before: 'format.at.before.esp8266',
    tlsBefore: 'modem.raw.tls.esp8266',
  },
  sim800: {
    open: (b) => [
      ...(b.tls ? [{ command: 'AT+CIPSSL=1', expect: 'OK' }] : []),
      { command: `AT+CIPSTART="TCP",${quoted(b.host)},"${b.port}"`, before: ['OK'], expect: 'CONNECT OK' },
    ],
    send: (chunk) => ({ command: `AT+CIPSEND=${chunk.length}`, data: chunk, before: ['>'], expect: 'SEND OK' }),
    limit: () => 1460,
    special: () => ({ bytes: [0x1a, 0x1b], code: 'format.at.special.sim800' }),
    before: 'format.at.before.sim800',
    tlsBefore: 'modem.raw.tls.sim800',
  },
  sim7600: {
    open: (b) =>
      b.tls
        ? [
            { command: 'AT+CCHSTART', before: ['OK'], expect: '+CCHSTART: 0' },
            { command: 'AT+CCHSSLCFG=0,0', expect: 'OK' },
            { command: `AT+CCHOPEN=0,${quoted(b.host)},${b.port},2`, before: ['OK'], expect: '+CCHOPEN: 0,0' },
          ]
        : [
            { command: 'AT+NETOPEN', before: ['OK'], expect: '+NETOPEN: 0' },
            { command: `AT+CIPOPEN=0,"TCP",${quoted(b.host)},${b.port}`, before: ['OK'], expect: '+CIPOPEN: 0,0' },
          ],
    send: (chunk, tls) =>
      tls
        ? { command: `AT+CCHSEND=0,${chunk.length}`, data: chunk, before: ['>'], expect: 'OK' }
        : { command: `AT+CIPSEND=0,${chunk.length}`, data: chunk, before: ['>', 'OK'], expect: `+CIPSEND: 0,${chunk.length},${chunk.length}` },
    limit: () => 1500,
    before: 'modem.raw.before.sim7600',
    tlsBefore: 'modem.raw.tls.sim7600',
  },
  quectel: {
    // contextID 1, connectID 0, local port 0, access mode 1 (direct push: received bytes show up as +QIURC).
    open: (b) =>
      b.tls
        ? [{ command: `AT+QSSLOPEN=1,1,0,${quoted(b.host)},${b.port},1`, before: ['OK'], expect: '+QSSLOPEN: 0,0' }]
        : [{ command: `AT+QIOPEN=1,0,"TCP",${quoted(b.host)},${b.port},0,1`, before: ['OK'], expect: '+QIOPEN: 0,0' }],
    // Quectel's TLS socket has no hex send: AT+QSSLSEND=<clientID>,<n> then the raw bytes.
    send: (chunk, tls) =>
      tls
        ? { command: `AT+QSSLSEND=0,${chunk.length}`, data: chunk, before: ['>'], expect: 'SEND OK' }
        : { command: `AT+QISENDEX=0,"${Array.from(chunk, hex2).join('')}"`, expect: 'SEND OK' },
    limit: (tls) => (tls ? 1460 : 256),
    // Only the TLS socket sends raw bytes after a prompt; QISENDEX carries hex text.
    special: (tls) => (tls ? { bytes: [0x1a, 0x1b], code: 'format.at.special.quectel' } : undefined),
    before: 'format.at.before.quectel',
    tlsBefore: 'modem.raw.tls.quectel',
  },
};

const MQTT: Record<string, MqttDialect> = { 'esp-at-mqtt': esp, 'quectel-mqtt': quectel, 'simcom-mqtt': simcom };

/** The script as steps, for the text and the json output. */
export interface AtScript {
  readonly modem: string;
  readonly dialect: Dialect;
  readonly steps: readonly AtStep[];
  /** Comment lines of the text script (title, how to send, preparation), in the user's language. */
  readonly header: readonly string[];
  /** Comment lines after the steps (what arrives, the result-code table). */
  readonly footer: readonly string[];
  readonly warnings: Notice[];
}

export function atScript(input: FormatInput, options: FormatOptions = {}): AtScript {
  const lang = options.lang ?? 'en';
  const modem = options.modem;
  const dialect = modem === undefined ? undefined : dialectOf(modem);
  if (modem === undefined || dialect === undefined) {
    throw new UsageError('format.at.modem', { option: '--modem', value: modem ?? '', allowed: MODEM_NAMES.join(', ') });
  }
  const broker = input.broker;
  if (!broker) throw new UsageError('format.at.broker', { option: '--format at' });
  // A ws:// or wss:// --host leaves the broker at the WebSocket listener's host and port, where a script that opens a
  // TCP (or TLS) socket and sends MQTT bare would get an HTTP error or a closed socket.
  const websocket = websocketListener(broker);
  if (websocket !== undefined) throw new UsageError('format.at.websocket', { option: websocket.option, url: websocket.url, modem, where: hostPort(broker) });
  const title = `# ${message('format.at.title', { modem: modem === dialect ? modem : `${modem} (${dialect})`, url: broker.url }, lang)}`;
  return isMqttDialect(dialect) ? mqttAt(MQTT[dialect]!, modem, input, broker, title, lang) : rawAt(dialect, modem, input, broker, title, lang);
}

function rawAt(dialect: RawDialect, modem: string, input: FormatInput, broker: Endpoint, title: string, lang: Lang): AtScript {
  const raw = RAW[dialect];
  const limit = raw.limit(broker.tls);
  const special = raw.special?.(broker.tls);
  const warnings: Notice[] = [];
  const version = versionOf(input);
  const steps: AtStep[] = raw.open(broker);
  for (const packet of input.packets) {
    const chunks = [...slices(packet.bytes, limit)];
    const sends = chunks.map((chunk) => raw.send(chunk, broker.tls));
    const reply = replyTo(packet, version);
    sends[0] = { ...sends[0]!, note: { code: 'format.at.packet', params: { name: packet.name, length: packet.bytes.length } } };
    if (reply) sends[sends.length - 1] = { ...sends[sends.length - 1]!, reply };
    steps.push(...sends);
    if (packet.name === 'connect') {
      const keepalive = keepaliveOf(packet);
      const after = { code: 'modem.raw.keepalive', params: { keepalive, deadline: Math.floor(keepalive * 1.5) } };
      if (keepalive > 0) steps[steps.length - 1] = { ...steps[steps.length - 1]!, after };
    }
    if (chunks.length > 1) warnings.push(notice('format.at.split', { name: packet.name, length: packet.bytes.length, modem, limit, parts: chunks.length }, lang));
    if (special) {
      const offset = packet.bytes.findIndex((b) => special.bytes.includes(b));
      if (offset >= 0) warnings.push(notice(special.code, { name: packet.name, offset, byte: `0x${hex2(packet.bytes[offset]!)}` }, lang));
    }
  }
  const header = [
    title,
    `# ${message(dialect === 'quectel' && !broker.tls ? 'format.at.how.hex' : 'format.at.how.raw', {}, lang)}`,
    `# ${message(raw.before, {}, lang)}`,
    ...(broker.tls ? [`# ${message(raw.tlsBefore, {}, lang)}`] : []),
    ...(dialect === 'quectel' && !broker.tls ? [`# ${message('modem.raw.quectel.safe', {}, lang)}`] : []),
  ];
  return { modem, dialect, steps, header, footer: [], warnings };
}

function mqttAt(dialect: MqttDialect, modem: string, input: FormatInput, broker: Endpoint, title: string, lang: Lang): AtScript {
  const { session, steps } = mqttScript(dialect, input.packets, broker, input.platform);
  const warnings: Notice[] = [];
  if (broker.tls && dialect.tlsWarning) warnings.push(notice(dialect.tlsWarning, { modem }, lang));
  const footer: string[] = [];
  const subscribed = session.actions.flatMap((a) => (a.kind === 'subscribe' ? a.subscriptions.map((s) => s.topic) : []));
  for (const a of session.actions) {
    // The comment shows the topic as text, so only a topic without control or format characters is shown.
    if (a.kind === 'publish' && subscribed.some((f) => matches(f, a.topic)) && typeableText(new TextEncoder().encode(a.topic)) !== undefined) {
      footer.push(`# ${message('modem.received', { urc: dialect.received(a.topic, a.payload) }, lang)}`);
    }
    if (a.kind === 'ping') footer.push(`# ${message('modem.ping', {}, lang)}`);
  }
  footer.push(...renderCodes(dialect.codes, lang));
  const header = [title, `# ${message('modem.how', {}, lang)}`, `# ${message(dialect.before, {}, lang)}`];
  return { modem, dialect: dialect.id as Dialect, steps, header, footer, warnings };
}

/** Steps written as one piece: a large payload's data steps (≤ 2 KB each) then never make the whole script at once. */
const STEPS_A_PIECE = 64;

export function formatAt(input: FormatInput, options: FormatOptions = {}): Formatted {
  const lang = options.lang ?? 'en';
  const script = atScript(input, options);
  const text = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');
  return fromPieces(
    function* () {
      yield text(script.header);
      for (let at = 0; at < script.steps.length; at += STEPS_A_PIECE) yield text(renderSteps(script.steps.slice(at, at + STEPS_A_PIECE), lang));
      yield text(script.footer);
    },
    sizeReport(input.packets, lang),
    script.warnings,
  );
}

/** The broker's answer when all is well, for 3.1/3.1.1 (5.0 answers carry properties the broker chooses). */
function replyTo(packet: NamedPacket, version: ProtocolVersion): Uint8Array | undefined {
  if (version === 5) return undefined;
  const p = tryDecode(packet.bytes, version);
  if (!p) return undefined;
  const answer: Packet | undefined =
    p.cmd === 'connect' ? { cmd: 'connack', sessionPresent: false, returnCode: 0 }
    : p.cmd === 'subscribe' ? { cmd: 'suback', messageId: p.messageId, granted: p.subscriptions.map((s) => s.qos) }
    : p.cmd === 'unsubscribe' ? { cmd: 'unsuback', messageId: p.messageId }
    : p.cmd === 'publish' && p.qos === 1 ? { cmd: 'puback', messageId: p.messageId! }
    : p.cmd === 'publish' && p.qos === 2 ? { cmd: 'pubrec', messageId: p.messageId! }
    : p.cmd === 'pingreq' ? { cmd: 'pingresp' }
    : undefined;
  return answer && encode(answer, { protocolVersion: version });
}

function versionOf(input: FormatInput): ProtocolVersion {
  const first = input.packets[0];
  const p = first && tryDecode(first.bytes, 4);
  if (p?.cmd === 'connect') return p.protocolVersion ?? 4;
  return input.protocolVersion ?? 4;
}

function keepaliveOf(packet: NamedPacket): number {
  const p = tryDecode(packet.bytes, 4);
  return p?.cmd === 'connect' ? (p.keepalive ?? 0) : 0;
}

/** The raw format sends any bytes it is given; only a packet that decodes gets a reply or a deadline. */
function tryDecode(bytes: Uint8Array, version: ProtocolVersion): Packet | undefined {
  try {
    return decode(bytes, { protocolVersion: version }).packet;
  } catch {
    return undefined;
  }
}

/** MQTT filter matching (3.1.1 §4.7), enough to say whether the own publish comes back. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return !(i === 0 && topic.startsWith('$'));
    if (i >= t.length) return false;
    if (f[i] === '+') {
      if (i === 0 && topic.startsWith('$')) return false;
      continue;
    }
    if (f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

function notice(code: string, params: Record<string, string | number>, lang: Lang): Notice {
  return { code, message: message(code, params, lang) };
}
