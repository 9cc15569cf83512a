/**
 * `at`: the whole AT script for a cellular or Wi-Fi modem that only speaks TCP: open the connection to the broker,
 * then send each packet. ESP8266 and SIM800 take `AT+CIPSEND=<n>` and then exactly n raw bytes after the `>` prompt;
 * Quectel takes the bytes as hex inside `AT+QISENDEX`, so no byte is special. A packet longer than the modem's
 * single-send limit is sent in parts (TCP joins them again) and the user is told.
 * Sources: ESP8266 AT Instruction Set (CIPSEND ≤ 2048 bytes), SIM800 Series AT Command Manual V1.05 §8.2.3
 * (CIPSEND size 1460; Ctrl-Z ends and ESC cancels a send without length), Quectel BG96 TCP/IP AT Commands Manual
 * §2.2.9 (QISENDEX hex string ≤ 512 bytes), Quectel SSL Application Note (QSSLOPEN, QSSLSEND ≤ 1460 bytes).
 */
import { UsageError } from '../errors.js';
import { message, type Lang } from '../messages.js';
import type { Endpoint, FormatInput, FormatOptions, Formatted, Modem, Notice } from './formatter.js';
import { hex2, rows } from './_bytes.js';
import { sizeReport } from './size.js';

interface Dialect {
  /** Lines that open the connection. */
  open(broker: Endpoint): string[];
  /** Lines that send one chunk of at most `limit` bytes. */
  send(chunk: Uint8Array): string[];
  /** Largest chunk one send command takes. */
  limit(tls: boolean): number;
  /** Bytes the modem treats specially in a send without length (Ctrl-Z ends it, ESC cancels), and the code explaining it. */
  special?(tls: boolean): { bytes: readonly number[]; code: string } | undefined;
  /** Catalogue code of the one-line preparation hint (Wi-Fi join, PDP context, …). */
  before: string;
}

const spaced = (chunk: Uint8Array) => Array.from(chunk, hex2).join(' ');
const quoted = (host: string) => `"${host}"`;

const dialects: Record<Modem, Dialect> = {
  esp8266: {
    open: (b) => [`AT+CIPSTART=${b.tls ? '"SSL"' : '"TCP"'},${quoted(b.host)},${b.port}`],
    send: (chunk) => [`AT+CIPSEND=${chunk.length}`, spaced(chunk)],
    limit: () => 2048,
    before: 'format.at.before.esp8266',
  },
  sim800: {
    open: (b) => [...(b.tls ? ['AT+CIPSSL=1'] : []), `AT+CIPSTART="TCP",${quoted(b.host)},"${b.port}"`],
    send: (chunk) => [`AT+CIPSEND=${chunk.length}`, spaced(chunk)],
    limit: () => 1460,
    special: () => ({ bytes: [0x1a, 0x1b], code: 'format.at.special.sim800' }),
    before: 'format.at.before.sim800',
  },
  quectel: {
    // contextID 1, connectID 0, local port 0, access mode 1 (direct push: received bytes show up as +QIURC).
    open: (b) => (b.tls ? [`AT+QSSLOPEN=1,1,0,${quoted(b.host)},${b.port},1`] : [`AT+QIOPEN=1,0,"TCP",${quoted(b.host)},${b.port},0,1`]),
    send: (chunk) => [`AT+QISENDEX=0,"${Array.from(chunk, hex2).join('')}"`],
    limit: (tls) => (tls ? 1460 : 512),
    // Only the TLS socket sends raw bytes after a prompt; QISENDEX carries hex text.
    special: (tls) => (tls ? { bytes: [0x1a, 0x1b], code: 'format.at.special.quectel' } : undefined),
    before: 'format.at.before.quectel',
  },
};

/** Quectel's TLS socket has no hex send: AT+QSSLSEND=<clientID>,<n> then the raw bytes. */
const quectelTlsSend = (chunk: Uint8Array) => [`AT+QSSLSEND=0,${chunk.length}`, spaced(chunk)];

export function formatAt(input: FormatInput, options: FormatOptions = {}): Formatted {
  const lang = options.lang ?? 'en';
  const modem = options.modem;
  if (modem === undefined || !(modem in dialects)) {
    throw new UsageError('format.at.modem', { option: '--modem', value: modem ?? '', allowed: Object.keys(dialects).join(', ') });
  }
  const broker = input.broker;
  if (!broker) throw new UsageError('format.at.broker', { option: '--format at' });
  const dialect = dialects[modem];
  const send = modem === 'quectel' && broker.tls ? quectelTlsSend : dialect.send;
  const limit = dialect.limit(broker.tls);
  const special = dialect.special?.(broker.tls);
  const warnings: Notice[] = [];
  const lines = [
    `# ${message('format.at.title', { modem, url: broker.url }, lang)}`,
    `# ${message(modem === 'quectel' && !broker.tls ? 'format.at.how.hex' : 'format.at.how.raw', {}, lang)}`,
    `# ${message(dialect.before, {}, lang)}`,
    ...dialect.open(broker),
  ];
  for (const packet of input.packets) {
    const chunks = rows(packet.bytes, limit);
    lines.push(`# ${message('format.at.packet', { name: packet.name, length: packet.bytes.length }, lang)}`);
    for (const chunk of chunks) lines.push(...send(chunk));
    if (chunks.length > 1) warnings.push(notice('format.at.split', { name: packet.name, length: packet.bytes.length, modem, limit, parts: chunks.length }, lang));
    if (special) {
      const offset = packet.bytes.findIndex((b) => special.bytes.includes(b));
      if (offset >= 0) warnings.push(notice(special.code, { name: packet.name, offset, byte: `0x${hex2(packet.bytes[offset]!)}` }, lang));
    }
  }
  return { output: `${lines.join('\n')}\n`, report: sizeReport(input.packets, lang), warnings };
}

function notice(code: string, params: Record<string, string | number>, lang: Lang): Notice {
  return { code, message: message(code, params, lang) };
}
