/**
 * `json`: the stable machine-readable schema (documented in the README). Keys are written in a fixed order,
 * username/password are null when absent, packets are in the order they are sent, hex is lowercase.
 * {"platform", "broker": {"host", "port", "tls", "url"[, "websocket"]}, "credentials": {"clientId", "username", "password"},
 *  "packets": [{"type", "hex", "length"}], "warnings": [{"code", "message"}]}
 * plus, only when the signer produced any, "extras": {"passwdLine": "…"} or {"replyTopic": "…"},
 * and last, only with --modem, "modem": "<name>", "dialect": "<dialect>", "at": [{"command", "expect", "data"?, "reply"?}]:
 * send `command` + CR LF; when `data` (hex) is present, wait for the '>' prompt and send those bytes as they are;
 * then wait for the line `expect` (an ERROR or a result from the dialect's code table means it failed). `reply`
 * (hex, raw TCP dialects) is what the broker answers when all is well.
 */
import { toJson } from '../json-text.js';
import type { FormatInput, Formatted } from './formatter.js';
import type { AtScript } from './at.js';
import { stepsJson } from './at-steps.js';
import { fromPieces, slices } from './_pieces.js';

/** Bytes of a packet written as one piece of hex. */
const SLICE = 64 * 1024;

/**
 * The packets' place in the document laid out with none: a line of its own (a string's line break is escaped, so only
 * the layout has one). Each packet's hex is written there in pieces, so a large payload's is never whole in memory.
 */
const NO_PACKETS = '\n  "packets": [],\n';

/** The document, with the modem's AT script when there is one (json.ts makes it: the AT formatters load only then). */
export function jsonDocument(input: FormatInput, script?: Pick<AtScript, 'modem' | 'dialect' | 'steps' | 'warnings'>): Formatted {
  const { broker, credentials } = input;
  const doc = {
    platform: input.platform ?? null,
    // websocket (ws:// or wss:// URL) only where the platform documents one or --host gave one.
    broker: broker ? { host: broker.host, port: broker.port, tls: broker.tls, url: broker.url, ...(broker.websocket ? { websocket: broker.websocket } : {}) } : null,
    credentials: credentials
      ? { clientId: credentials.clientId, username: credentials.username, password: credentials.password }
      : null,
    packets: [],
    warnings: [...(input.warnings ?? []), ...(script?.warnings ?? [])].map((w) => ({ code: w.code, message: w.message })),
    ...(input.extras && Object.keys(input.extras).length > 0 ? { extras: { ...input.extras } } : {}),
    ...(script ? { modem: script.modem, dialect: script.dialect, at: stepsJson(script.steps) } : {}),
  };
  const text = `${toJson(doc, 2)}\n`;
  const at = text.indexOf(NO_PACKETS);
  const packets = input.packets;
  // Laid out as toJson(doc, 2) lays out {type, hex, length} objects (test/format.test.ts holds the two together).
  return fromPieces(function* () {
    if (packets.length === 0) return yield text;
    yield `${text.slice(0, at)}\n  "packets": [`;
    for (const [i, p] of packets.entries()) {
      yield `${i > 0 ? ',' : ''}\n    {\n      "type": ${toJson(p.name)},\n      "hex": "`;
      for (const slice of slices(p.bytes, SLICE)) yield Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength).toString('hex');
      yield `",\n      "length": ${p.bytes.length}\n    }`;
    }
    yield `\n  ],\n${text.slice(at + NO_PACKETS.length)}`;
  }, [], script?.warnings ?? []);
}

/** `json` without --modem. */
export function formatPlainJson(input: FormatInput): Formatted {
  return jsonDocument(input);
}
