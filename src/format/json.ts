/**
 * `json`: the stable machine-readable schema (documented in the README). Keys are written in a fixed order,
 * username/password are null when absent, packets are in the order they are sent, hex is lowercase.
 * {"platform", "broker": {"host", "port", "tls", "url"}, "credentials": {"clientId", "username", "password"},
 *  "packets": [{"type", "hex", "length"}], "warnings": [{"code", "message"}]}
 * plus, last and only when the signer produced any, "extras": {"passwdLine": "…"} or {"replyTopic": "…"}.
 */
import type { FormatInput, Formatted } from './formatter.js';

export function formatJson(input: FormatInput): Formatted {
  const { broker, credentials } = input;
  const doc = {
    platform: input.platform ?? null,
    broker: broker ? { host: broker.host, port: broker.port, tls: broker.tls, url: broker.url } : null,
    credentials: credentials
      ? { clientId: credentials.clientId, username: credentials.username, password: credentials.password }
      : null,
    packets: input.packets.map((p) => ({ type: p.name, hex: Buffer.from(p.bytes).toString('hex'), length: p.bytes.length })),
    warnings: (input.warnings ?? []).map((w) => ({ code: w.code, message: w.message })),
    ...(input.extras && Object.keys(input.extras).length > 0 ? { extras: { ...input.extras } } : {}),
  };
  return { output: `${JSON.stringify(doc, null, 2)}\n`, report: [], warnings: [] };
}
