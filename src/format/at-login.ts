/**
 * The MQTT logins in a modem command log or a firmware source line, read as the modem reads them: ESP-AT
 * AT+MQTTUSERCFG (+ AT+MQTTLONGCLIENTID/USERNAME/PASSWORD and the data after their prompt, AT+MQTTCONNCFG's
 * keepalive), Quectel AT+QMTCONN (+ AT+QMTCFG "version"/"keepalive"), SIMCom AT+CMQTTACCQ + AT+CMQTTCONNECT.
 * Parameters are unescaped with at-escape.ts, the module the script generators quote with; a command inside a C
 * string literal (`"AT+MQTTUSERCFG=0,1,\"id\\,x\",…"`) is first unescaped as C. Linear in the input.
 */
import { readParams, type ParamProblem, type Quoting } from './at-escape.js';

export interface AtLogin {
  readonly dialect: 'esp-at-mqtt' | 'quectel-mqtt' | 'simcom-mqtt';
  readonly clientId: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly keepalive: number;
  readonly protocolVersion: 3 | 4;
  readonly tls: boolean;
  /** The commands the login was read from, e.g. ["AT+MQTTUSERCFG", "AT+MQTTLONGPASSWORD"]. */
  readonly commands: readonly string[];
  /** 1-based line of its login command (AT+MQTTUSERCFG, AT+QMTCONN, AT+CMQTTCONNECT). */
  readonly line: number;
}

/** Modems read a command's name in any case (`at+qmtconn=`, `At+QMTCONN=`), so these match it in any case. */
const MARKERS = /AT\+(MQTTUSERCFG|QMTCONN|CMQTTCONNECT|CMQTTACCQ)=/i;
/** The longest text MARKERS matches ("AT+CMQTTCONNECT="). */
export const MARKER_MAX = 'AT+CMQTTCONNECT='.length;

/** Cheap test before parsing: does the text hold a modem MQTT login command at all? */
export const hasAtLogin = (text: string): boolean => MARKERS.test(text);

/**
 * The command on a log line: from `AT+` on, or the content of the C string literal that starts with `"AT+`. `AT+`
 * is found in any case (not inside a word), and the command's name is returned in capitals, as the modem reads it.
 */
export function commandOf(line: string): string | undefined {
  const at = line.search(/(?<![A-Za-z])AT\+/i);
  if (at < 0) return undefined;
  const command = line[at - 1] === '"' && line.slice(at).includes('\\"') ? cString(line, at) : line.slice(at).replace(/\\r\\n"?.*$/, '').trimEnd();
  return command.replace(/^AT\+[A-Za-z]+/i, (name) => name.toUpperCase());
}

/** A C string literal's content from `start` (after the opening quote) to the closing quote, escapes resolved. */
function cString(line: string, start: number): string {
  let out = '';
  for (let i = start; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') break;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = line[++i];
    if (n === 'r' || n === 'n') break;
    if (n === 'x') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(line.slice(i + 1))?.[0] ?? '';
      out += String.fromCharCode(parseInt(hex || '0', 16));
      i += hex.length;
    } else if (n !== undefined) out += n === 't' ? '\t' : n === '0' ? '\0' : n;
  }
  return out;
}

interface Esp {
  clientId: string;
  username: string;
  password: string;
  keepalive: number;
  tls: boolean;
  commands: string[];
  line: number;
}

/** A login command the modem would not read as written, and why (see readParams; 'count': too few parameters). */
export interface AtLogProblem {
  /** 1-based line number. */
  readonly line: number;
  readonly command: string;
  readonly reason: ParamProblem | 'count';
}

/** Commands whose unreadable line is recorded as a problem: each is (part of) a login. */
const LOGIN_COMMANDS = new Set(['MQTTUSERCFG', 'QMTCONN', 'CMQTTACCQ', 'CMQTTCONNECT']);

/** Line ends of a capture: LF, CR LF, CR CR LF (a raw echo), or CR alone; each is one end, so lines count right. */
const LINE_END = /\r*\n|\r/;

export function loginsFromAtLog(text: string, problems: AtLogProblem[] = []): AtLogin[] {
  const lines = text.split(LINE_END);
  const logins: AtLogin[] = [];
  let esp: Esp | undefined;
  let quectel = { version: 4 as 3 | 4, keepalive: 120, tls: false };
  let simcomId: string | undefined;
  let simcomTls = false;
  let line = 0;
  const params = (command: string, name: string, quoting: Quoting, least = 0) => {
    if (!command.startsWith(`AT+${name}=`)) return undefined;
    const p = readParams(command.slice(name.length + 4), quoting);
    const reason = typeof p === 'string' ? p : p.length < least ? 'count' : undefined;
    if (reason === undefined) return p as Exclude<typeof p, string>;
    if (LOGIN_COMMANDS.has(name)) problems.push({ line, command: `AT+${name}`, reason });
    return undefined;
  };
  const flushEsp = () => {
    if (esp) logins.push({ dialect: 'esp-at-mqtt', clientId: esp.clientId, username: esp.username || null, password: esp.password || null, keepalive: esp.keepalive, protocolVersion: 4, tls: esp.tls, commands: esp.commands, line: esp.line });
    esp = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    if (comment(lines[i]!)) continue;
    const command = commandOf(lines[i]!);
    if (command === undefined) continue;
    line = i + 1;
    let p;
    if (command.startsWith('AT+MQTTUSERCFG=') && !(p = params(command, 'MQTTUSERCFG', 'esp', 5))) continue;
    if (p) {
      flushEsp();
      esp = { clientId: p[2]!.value, username: p[3]!.value, password: p[4]!.value, keepalive: 120, tls: Number(p[1]!.value) >= 2 && Number(p[1]!.value) !== 6, commands: ['AT+MQTTUSERCFG'], line };
      continue;
    }
    const long = /^AT\+MQTTLONG(CLIENTID|USERNAME|PASSWORD)=\s*0\s*,\s*(\d+)/.exec(command);
    if (long && esp) {
      const value = dataAfter(lines, i + 1, Number(long[2]));
      if (value !== undefined) {
        const key = long[1] === 'CLIENTID' ? 'clientId' : long[1] === 'USERNAME' ? 'username' : 'password';
        esp[key] = value.text;
        esp.commands.push(`AT+MQTTLONG${long[1]}`);
        i = value.line;
      }
      continue;
    }
    if ((p = params(command, 'MQTTCONNCFG', 'esp')) && esp && p.length >= 2) {
      const k = Number(p[1]!.value);
      esp.keepalive = k === 0 ? 120 : k;
      continue;
    }
    if (command.startsWith('AT+MQTTCONN=')) {
      flushEsp();
      continue;
    }
    if ((p = params(command, 'QMTCFG', 'plain')) && p.length >= 3) {
      const key = p[0]!.value;
      if (key === 'version') quectel.version = p[2]!.value === '3' ? 3 : 4;
      if (key === 'keepalive') quectel.keepalive = Number(p[2]!.value);
      if (key === 'ssl') quectel.tls = p[2]!.value === '1';
      continue;
    }
    if ((p = params(command, 'QMTCONN', 'plain', 2))) {
      logins.push({ dialect: 'quectel-mqtt', clientId: p[1]!.value, username: p[2]?.value ?? null, password: p[3]?.value ?? null, keepalive: quectel.keepalive, protocolVersion: quectel.version, tls: quectel.tls, commands: ['AT+QMTCONN'], line });
      quectel = { version: 4, keepalive: 120, tls: false };
      continue;
    }
    if ((p = params(command, 'CMQTTACCQ', 'plain', 2))) {
      simcomId = p[1]!.value;
      simcomTls = p[2]?.value === '1';
      continue;
    }
    if ((p = params(command, 'CMQTTCONNECT', 'plain', 4))) {
      logins.push({
        dialect: 'simcom-mqtt',
        clientId: simcomId ?? '',
        username: p[4]?.value ?? null,
        password: p[5]?.value ?? null,
        keepalive: Number(p[2]!.value),
        protocolVersion: 4,
        tls: simcomTls || p[1]!.value.startsWith('ssl://'),
        commands: simcomId === undefined ? ['AT+CMQTTCONNECT'] : ['AT+CMQTTACCQ', 'AT+CMQTTCONNECT'],
        line,
      });
    }
  }
  flushEsp();
  return logins;
}

/**
 * The data typed after a LONG command's prompt: the next line that is not the modem's OK or `>` (a `>` may
 * start the data line itself), its first `length` bytes, or those bytes written as hex.
 */
function dataAfter(lines: readonly string[], from: number, length: number): { text: string; line: number } | undefined {
  for (let i = from; i < lines.length && i < from + 6; i++) {
    const line = lines[i]!.replace(/\r$/, '').replace(/^\s*>\s?/, '');
    if (line.trim() === '' || line.trim() === 'OK' || comment(line)) continue;
    // This tool's own script writes the data as spaced hex; a log shows it as typed.
    const hex = line.replace(/\s+/g, '');
    if (/^([0-9a-fA-F]{2})+$/.test(hex) && hex.length === length * 2) return { text: new TextDecoder().decode(Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16))), line: i };
    const bytes = new TextEncoder().encode(line);
    if (bytes.length >= length) return { text: new TextDecoder().decode(bytes.subarray(0, length)), line: i };
    return undefined;
  }
  return undefined;
}

/** A comment line of this tool's script or of C source: its AT text is an example, not a command. */
const comment = (line: string): boolean => /^\s*(#|\/\/)/.test(line);
