/** Name the kind of server from the first bytes it sent, when they are not the MQTT we expected. */

type ServerKind = 'mqtt' | 'tls' | 'http' | 'ssh' | 'unknown';

/**
 * - mqtt: a CONNACK fixed header, 0x20 (type 2, flags 0 [MQTT-2.2.2-2]).
 * - tls: a TLS record header: content type 0x14–0x17 (alert 0x15 is what a TLS server sends to plain bytes,
 *   handshake 0x16 to a ClientHello), then major version 3 (RFC 8446 §5.1).
 * - http: a status line "HTTP/1.x" (RFC 9112 §4), what a web or WebSocket server answers to non-HTTP bytes.
 * - ssh: the identification string "SSH-" (RFC 4253 §4.2), sent before the client says anything.
 */
export function recognise(bytes: Uint8Array): ServerKind {
  const [first, second] = bytes;
  if (first === undefined) return 'unknown';
  if (first >= 0x14 && first <= 0x17 && second === 0x03) return 'tls';
  const text = String.fromCharCode(...bytes.subarray(0, 5));
  if (text === 'HTTP/') return 'http';
  if (text.startsWith('SSH-')) return 'ssh';
  if (first === 0x20) return 'mqtt';
  return 'unknown';
}

/** Up to `max` bytes as spaced hex, for a report: "ff 00 13 37 …". */
export function hexPreview(bytes: Uint8Array, max = 16): string {
  const shown = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? `${shown} …` : shown;
}
