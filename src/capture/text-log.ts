/**
 * The front of a log line: timestamps and direction markers that serial and TCP tools print before the data
 * (SSCOM `[10:22:31.456]发→◇`, `2024-01-05 10:22:31.123 SEND HEX>`, `>> `/`<< `, `[Tx]`/`[Rx]`, `TX:`/`RX:`).
 * Read with anchored patterns of bounded length, at most a few times per line: linear whatever the line holds.
 * Sent (发, TX, >>, SEND) is taken as client → broker and received (收, RX, <<, RECV) as broker → client: the tool
 * runs on the client's side of the link (the MCU's serial port, or a PC TCP tool acting as the client).
 */
import type { Direction } from './packet.js';

interface LogPrefix {
  time?: string;
  direction?: Direction;
  /** The rest of the line. */
  content: string;
  /** Where in the line the content starts (for columns in messages). */
  start: number;
  /** Whether a timestamp or marker was taken off the front (not just spaces). */
  marked: boolean;
}

const UP: Direction = 'client->broker';
const DOWN: Direction = 'broker->client';

const DATE = /\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ]|_)?/y;
const TIME = /\d{1,2}:\d{2}:\d{2}(?:[.,:]\d{1,6})?/y;
// 【 】 as \u escapes: the bundle is ASCII (scripts/bundle.mjs).
const BRACKET = /[[(\u3010]([^\])\u3011\n]{1,48})[\])\u3011]/y;
// 发送 接收 收到 发 收 → ← ◇ ◆
const SYMBOL = /(?:\u53d1\u9001|\u63a5\u6536|\u6536\u5230|\u53d1|\u6536|\u2192|\u2190|\u25c7|\u25c6|>>|<<|->|<-|=>|<=)/y;
// Not ESP8266's `Recv 14 bytes` reply, which is modem text, not a marker.
const WORD = /(?:TX|RX|SEND|SENT|SND|RECV|RECEIVE|RECEIVED|RCV|READ|WRITE|HEX|ASCII)(?![A-Za-z0-9])(?! ?\d+ bytes)/iy;
const AFTER_WORD = /\s*[:>=\]]+/y;
// NetAssist's `# RECV HEX FROM 192.168.1.10:1883>`: the peer's address is not data.
const ADDRESS = /(?:FROM|TO)\s+[0-9A-Za-z.:[\]_-]{1,64}\s*>?/iy;
const HASH = /#+/y;

/** First characters of the SYMBOL markers. */
const SYMBOL_START = new Set(['发', '接', '收', '→', '←', '◇', '◆', '>', '<', '-', '='].map((ch) => ch.charCodeAt(0)));

const SYMBOL_DIRECTION: Readonly<Record<string, Direction>> = {
  发送: UP,
  发: UP,
  '→': UP,
  '>>': UP,
  '->': UP,
  '=>': UP,
  接收: DOWN,
  收到: DOWN,
  收: DOWN,
  '←': DOWN,
  '<<': DOWN,
  '<-': DOWN,
  '<=': DOWN,
};

function wordDirection(word: string): Direction | undefined {
  const w = word.toUpperCase();
  if (w === 'TX' || w === 'SEND' || w === 'SENT' || w === 'SND' || w === 'WRITE') return UP;
  if (w === 'RX' || w === 'RECV' || w === 'RECEIVE' || w === 'RECEIVED' || w === 'RCV' || w === 'READ') return DOWN;
  return undefined;
}

function at(re: RegExp, s: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(s);
}

/** What a bracketed group says: a time, a direction, or nothing we know (then it is left alone). */
function bracket(inner: string): { time?: string; direction?: Direction } | null {
  const trimmed = inner.trim();
  const t = at(DATE, trimmed, 0) ?? at(TIME, trimmed, 0);
  if (t) return { time: trimmed };
  const w = at(WORD, trimmed, 0);
  if (w && w[0].length === trimmed.length) {
    const direction = wordDirection(w[0]);
    return direction ? { direction } : {};
  }
  const m = at(SYMBOL, trimmed, 0);
  if (m && m[0].length === trimmed.length) return { direction: SYMBOL_DIRECTION[m[0]]! };
  return null;
}

export function logPrefix(line: string): LogPrefix {
  let pos = 0;
  let time: string | undefined;
  let direction: Direction | undefined;
  const times: string[] = [];
  let found = false;
  /** Whether the last thing read was a bare date or time (spaces aside). */
  let afterTime = false;
  for (let step = 0; step < 12 && pos < line.length; step++) {
    // Dispatch on the first character, so a line tries only the pattern that can match there.
    const c = line.charCodeAt(pos);
    let m: RegExpExecArray | null = null;
    if (c === 32 || c === 9 || c === 0x3000) {
      while (pos < line.length && (line.charCodeAt(pos) === 32 || line.charCodeAt(pos) === 9 || line.charCodeAt(pos) === 0x3000)) pos++;
      continue;
    }
    const timeBefore = afterTime;
    afterTime = false;
    if (c >= 48 && c <= 57) {
      if ((m = at(DATE, line, pos)) || (m = at(TIME, line, pos))) {
        times.push(m[0].trim());
        pos += m[0].length;
        found = afterTime = true;
        continue;
      }
      break;
    }
    if (c === 91 || c === 40 || c === 0x3010) {
      if (!(m = at(BRACKET, line, pos))) break;
      const said = bracket(m[1]!);
      if (!said) break;
      if (said.time) times.push(said.time);
      if (said.direction) direction = said.direction;
      pos += m[0].length;
      found = true;
      continue;
    }
    if (SYMBOL_START.has(c) && (m = at(SYMBOL, line, pos))) {
      // The Arduino IDE Serial Monitor writes `10:22:31.456 -> ` before every line the board prints, whichever way
      // the bytes went: that arrow is a separator, not a direction.
      if (!(m[0] === '->' && timeBefore)) direction = SYMBOL_DIRECTION[m[0]] ?? direction;
      pos += m[0].length;
      found = true;
      continue;
    }
    if (found && ((m = at(HASH, line, pos)) || (m = at(ADDRESS, line, pos)))) {
      pos += m[0].length;
      continue;
    }
    if (((c | 32) >= 97 && (c | 32) <= 122) && (m = at(WORD, line, pos))) {
      direction = wordDirection(m[0]) ?? direction;
      pos += m[0].length;
      const after = at(AFTER_WORD, line, pos);
      if (after) pos += after[0].length;
      found = true;
      continue;
    }
    break;
  }
  if (times.length > 0) time = times.join(' ');
  // Trim by hand: a `/\s+$/` regex is quadratic on a line with long inner runs of spaces.
  let end = line.length;
  for (let c = line.charCodeAt(end - 1); end > pos && (c <= 32 || c === 0x25a1 || c === 0x3000 || c === 0xa0); c = line.charCodeAt(end - 1)) end--;
  const content = line.slice(pos, end);
  return { ...(time !== undefined ? { time } : {}), ...(direction ? { direction } : {}), content, start: pos, marked: found };
}
