/**
 * Modem AT logs: which lines carry MQTT bytes and in which direction. AT command text and modem replies are never
 * bytes; the data is what follows a send command (n bytes, or up to Ctrl-Z) and what a receive report announces.
 * Sources (command syntax and the shape of the replies):
 * - ESP8266 AT Instruction Set (Espressif, v3.0): AT+CIPSEND=[<link ID>,]<length> → `>` → data → `SEND OK`;
 *   received data `+IPD,[<link ID>,]<len>[,<remote IP>,<remote port>]:<data>`.
 * - SIM800 Series AT Command Manual V1.05: AT+CIPSEND[=[<n>,]<length>] (without length the data ends with Ctrl-Z);
 *   AT+CIPRXGET=2|3 → `+CIPRXGET: 2|3,[<id>,]<reqlength>,<cnflength>` then the data (mode 3: as hex);
 *   `+RECEIVE,<n>,<length>:` before data in multi-connection mode.
 * - Quectel BG96/EC2x TCP(IP) AT Commands Manual: AT+QISEND=<connectID>[,<send_length>] → `>`; AT+QISENDEX=<connectID>,"<hex>";
 *   `+QIURC: "recv",<connectID>,<length>` then the data (direct push mode); AT+QIRD → `+QIRD: <length>` then the data;
 *   SSL: AT+QSSLSEND=<clientID>[,<length>], `+QSSLURC: "recv",<clientID>,<length>`.
 * - SIM7500/SIM7600 TCPIP and SSL Application Notes: AT+CIPSEND=<link>,<n>, AT+CCHSEND=<session>,<n>; received data as
 *   `+IPD<n>` then the data (direct push, `RECV FROM:<ip>:<port>` before it with AT+CIPSRIP=1), `+CCHRECV: DATA,<session>,<n>`.
 * - This tool's own `--format at` output (src/format/at.ts) for every raw TCP dialect: a send command, `# expect:` comment
 *   lines, the data as spaced hex, or `AT+QISENDEX=0,"<hex>"`.
 */
import type { Direction } from './packet.js';
import { plainBytes } from './text-bytes.js';
import { sameBytes } from '../wire.js';

const UP: Direction = 'client->broker';
const DOWN: Direction = 'broker->client';

type ModemResult = { bytes: Uint8Array; direction: Direction } | 'skip' | null;

interface Pending {
  direction: Direction;
  /** Bytes still announced; null: until Ctrl-Z or the next modem line. */
  remaining: number | null;
  /** Whether data has come yet: before it, the command's `OK` and the `>` prompt are expected, not the end. */
  started: boolean;
}

const BEFORE_DATA = /^(?:OK|>)\s*$/;

// Anchored, bounded patterns: each reads the start of one line.
const AT_COMMAND = /^AT(?:[+#$%^&*]|[A-Z](?:\d|\b)|\s*$)/i;
const SEND = /^AT\+(?:CIPSEND|CIPSENDEX|QISEND|QSSLSEND|CCHSEND|CASEND|CIPSENDBUF)(?:=([^\r\n]{0,80}))?\s*$/i;
const SEND_HEX = /^AT\+QISENDEX=\d+,(?:\d+,)?"([0-9A-Fa-f\s]*)"\s*$/i;
const IPD = /^\+IPD,(\d+)(?:,(\d+))?(?:,"?[0-9A-Fa-f.:]{1,64}"?,\d+)?:/;
const RECEIVE = /^\+RECEIVE,(\d+),(\d+)(?:,[^:]{0,64})?:/;
// SIM7600/A76xx direct push: `+IPD<n>` alone on its line, the data on the next (SIM7500_SIM7600 TCPIP Application Note).
const IPD_SIMCOM = /^\+IPD(\d+)\s*$/;
// SIM7600 TLS: `+CCHRECV: DATA,<session>,<len>` then the data (SIM7500_SIM7600 SSL Application Note).
const CCHRECV = /^\+CCHRECV:\s*DATA,\s*\d+,\s*(\d+)/i;
const URC_RECV = /^\+(?:QIURC|QSSLURC):\s*"recv",\s*\d+,\s*(\d+)/i;
const QIRD = /^\+QIRD:\s*(\d+)/i;
const CIPRXGET = /^\+CIPRXGET:\s*([23]),\s*([\d,\s]{1,40})/i;
const URC = /^\+[A-Z][A-Z0-9_]*\s*[:,]/i;
const REPLY =
  /^(?:OK|ERROR|SEND OK|SEND FAIL|DATA ACCEPT\b|CLOSED|CONNECT\b|ALREADY CONNECT|busy\b|Recv \d+ bytes|ready|WIFI\b|SHUT OK|NO CARRIER|RDY|STATE:|Call Ready|SMS Ready|CLOSE OK|RECV FROM:|\d+, ?(?:CONNECT|CLOSED|SEND OK|SEND FAIL|ALREADY CONNECT)|>\s*$)/i;

/** Whether a line is modem conversation (a command, a reply or a report), whatever came before it. */
function isModemText(s: string): boolean {
  return AT_COMMAND.test(s) || URC.test(s) || REPLY.test(s);
}

/** Whether a line alone shows that the text is a modem log (an AT command or a data report). */
export function startsModemLog(s: string): boolean {
  return AT_COMMAND.test(s) || IPD.test(s) || IPD_SIMCOM.test(s) || URC_RECV.test(s) || RECEIVE.test(s);
}

// The modems' own MQTT command sets (ESP-AT AT+MQTT*, Quectel AT+QMT*, SIMCom AT+CMQTT*): the modem builds the packets.
const MQTT_COMMAND = /^AT\+(?:MQTT|QMT|CMQTT)/i;

export class ModemLog {
  active = false;
  /** Whether the log used a modem MQTT command set (then it holds fields, not packet bytes). */
  mqttCommands = false;
  /** After a command that is not a socket send (AT+MQTTPUBRAW, AT+CMQTTPAYLOAD, …): its data is a payload, not a packet. */
  #otherData = false;
  #pending: Pending | null = null;
  /** The last data line sent, to recognise a modem's echo of it (SIM800 with ATE1) in a marked log. */
  #lastSent: Uint8Array | null = null;

  /**
   * One line's content (after timestamps and markers). `marker` is the direction the log tool printed, if any.
   * Returns the bytes it carries, 'skip' for modem text, or null when it is not part of a modem exchange.
   */
  line(s: string, line: number, marker: Direction | undefined): ModemResult {
    // Comment lines (our own `at` script: `# expect: OK, >`, `# the broker answers 20 02 00 00 …`) are never data;
    // the broker's answer there is a prediction, not traffic.
    if (this.active && s.startsWith('#')) return 'skip';
    if (this.#pending) {
      if (!this.#pending.started && BEFORE_DATA.test(s)) return 'skip';
      if (isModemText(s)) this.#pending = null;
      else return this.#data(s, line, marker);
    }
    if (/^AT/i.test(s) && AT_COMMAND.test(s)) {
      this.active = true;
      if (MQTT_COMMAND.test(s)) this.mqttCommands = true;
      this.#otherData = false;
      return this.#command(s, line);
    }
    if (this.#otherData) {
      if (!isModemText(s)) return 'skip';
      this.#otherData = false;
    }
    let m: RegExpExecArray | null;
    if ((m = IPD.exec(s)) || (m = RECEIVE.exec(s))) {
      this.active = true;
      const length = Number(m[2] ?? m[1]);
      this.#pending = { direction: DOWN, remaining: length, started: true };
      const rest = s.slice(m[0].length);
      return rest.trim() === '' ? 'skip' : this.#data(rest, line, undefined);
    }
    if ((m = URC_RECV.exec(s)) || (m = QIRD.exec(s)) || (m = IPD_SIMCOM.exec(s)) || (m = CCHRECV.exec(s))) {
      this.active = true;
      const length = Number(m[1]);
      if (length > 0) this.#pending = { direction: DOWN, remaining: length, started: false };
      return 'skip';
    }
    if ((m = CIPRXGET.exec(s))) {
      this.active = true;
      const numbers = m[2]!.split(',').map((x) => x.trim()).filter((x) => x !== '');
      // Single connection: <reqlength>,<cnflength>; multi-connection: <id>,<reqlength>,<cnflength>.
      const length = Number(numbers.length >= 3 ? numbers[1] : numbers[0]);
      if (length > 0) this.#pending = { direction: DOWN, remaining: length, started: false };
      return 'skip';
    }
    if (this.active && isModemText(s)) return 'skip';
    if (this.active && marker === DOWN && this.#lastSent) {
      const bytes = hexOrNull(s, line);
      if (bytes && sameBytes(bytes, this.#lastSent)) {
        this.#lastSent = null;
        return 'skip';
      }
    }
    return null;
  }

  /** Whether the log ended while bytes were still announced (reported as a cut-off packet by the decoder). */
  get waiting(): boolean {
    return this.#pending !== null;
  }

  #command(s: string, line: number): ModemResult {
    const hex = SEND_HEX.exec(s);
    if (hex) {
      const digits = hex[1]!.replace(/\s+/g, '');
      const bytes = plainBytes(digits, line);
      if (!bytes) return 'skip';
      this.#lastSent = bytes;
      return { bytes, direction: UP };
    }
    const send = SEND.exec(s);
    if (!send) this.#otherData = true;
    if (send) {
      const params = (send[1] ?? '').split(',').map((x) => x.trim());
      const numbers = params.filter((x) => /^\d+$/.test(x)).map(Number);
      const quectel = /^AT\+(?:QISEND|QSSLSEND)/i.test(s);
      let remaining: number | null;
      if (send[1] === undefined || send[1].trim() === '') remaining = null;
      else if (quectel) remaining = numbers.length >= 2 ? numbers[1]! : null;
      else remaining = numbers.length >= 2 ? numbers[1]! : (numbers[0] ?? null);
      // AT+QISEND=0,0 asks how much was sent; it sends nothing.
      if (remaining === 0) return 'skip';
      this.#pending = { direction: UP, remaining, started: false };
    }
    return 'skip';
  }

  #data(s: string, line: number, marker: Direction | undefined): ModemResult {
    const pending = this.#pending!;
    // A modem echoing the data back (a 收/RX line while sending) is not a second copy of it.
    if (marker !== undefined && marker !== pending.direction) return 'skip';
    let text = s;
    if (text.startsWith('>')) text = text.slice(1).trimStart();
    if (text === '') return 'skip';
    pending.started = true;
    let bytes = hexOrNull(text, line);
    if (!bytes || (pending.remaining !== null && bytes.length > pending.remaining && rawFits(text, pending.remaining))) bytes = raw(text);
    if (pending.remaining === null) {
      // A send without length ends with Ctrl-Z (0x1A); ESC (0x1B) cancels it.
      const last = bytes[bytes.length - 1];
      if (last === 0x1a || last === 0x1b) {
        this.#pending = null;
        if (last === 0x1b) return 'skip';
        bytes = bytes.subarray(0, bytes.length - 1);
      }
    } else {
      pending.remaining -= bytes.length;
      if (pending.remaining <= 0) this.#pending = null;
    }
    if (pending.direction === UP) this.#lastSent = bytes;
    return { bytes, direction: pending.direction };
  }
}

function rawFits(text: string, n: number): boolean {
  return new TextEncoder().encode(text).length <= n;
}

/** Data shown as the characters it is (a terminal in text mode): its UTF-8 bytes. */
function raw(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Hex if the line is hex; null (so: raw characters) if it is not, rather than an error about odd digits. */
function hexOrNull(text: string, line: number): Uint8Array | null {
  try {
    return plainBytes(text, line);
  } catch {
    return null;
  }
}
