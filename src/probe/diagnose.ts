/**
 * From what happened to what it likely means: CONNACK codes per platform, transport error codes, TLS verdicts,
 * and the first bytes of a server that is not what we expected. Everything returns catalogue codes (Text);
 * the sentences live in src/messages/probe.ts, the reply codes' in src/messages/replies.ts (via src/mqtt/replies.ts).
 */
import { platformReplyText, replyPlatforms, replyText } from '../mqtt/replies.js';
import { recognise, hexPreview } from './recognise.js';
import type { TlsFacts, Text } from './types.js';
import { TransportError, WS_MESSAGE_MAX, WS_TEXT_FRAME, WS_TOO_LARGE } from './types.js';

/** Whose CONNACK meanings probe --platform accepts. */
export const connackPlatforms = replyPlatforms;

/** The standard meaning of a CONNACK code: return code (3.1/3.1.1, §3.2.2.3) or reason code (5.0, §3.2.2.2). */
export function connackMeaning(code: number, protocolVersion: number): Text {
  return replyText('connack', protocolVersion === 5 ? 5 : protocolVersion === 3 ? 3 : 4, code);
}

/**
 * What a refusing CONNACK most likely means on this platform, with the fix in the catalogue's hint. Probe always
 * names a cause: a platform without its own word on the code gets the generic broker's, else the bare code.
 */
export function connackCause(code: number, protocolVersion: number, platform: string): Text {
  const version = protocolVersion === 5 ? 5 : 4;
  return platformReplyText('connack', version, code, platform) ?? platformReplyText('connack', version, code, 'generic') ?? { code: 'reply.connack.other', params: { code } };
}

export function errorCode(error: unknown): string {
  if (error instanceof TransportError) return error.code;
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return 'UNKNOWN';
}

/** DNS failures (getaddrinfo codes as Node reports them). */
export function dnsCause(error: unknown, host: string): Text {
  const code = errorCode(error);
  if (code === 'ENOTFOUND' || code === 'ENODATA') return { code: 'probe.cause.dns-notfound', params: { host } };
  if (code === 'EAI_AGAIN' || code === 'ETIMEOUT') return { code: 'probe.cause.dns-again', params: { host } };
  return { code: 'probe.cause.dns-failed', params: { host, error: code } };
}

/** TCP connect failures. A timeout is handled by the caller: it has no error code. */
export function tcpCause(error: unknown, address: string, port: number): Text {
  const code = errorCode(error);
  const params = { address, port, error: code };
  if (code === 'ECONNREFUSED') return { code: 'probe.cause.tcp-refused', params };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return { code: 'probe.cause.tcp-unreachable', params };
  if (code === 'ECONNRESET') return { code: 'probe.cause.tcp-reset', params };
  return { code: 'probe.cause.tcp-failed', params };
}

/** Node codes for a peer that went away mid-handshake rather than answering. */
const closedCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'CLOSED']);

/** A handshake that stopped because the server did not answer as a TLS server: worth a plain sniff. */
export function tlsNotSpoken(error: unknown): boolean {
  const code = errorCode(error);
  return closedCodes.has(code) || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'ERR_SSL_HTTP_REQUEST';
}

/** A handshake the server refused with a TLS alert, or some other TLS error. */
export function tlsHandshakeCause(error: unknown): Text {
  const code = errorCode(error);
  if (/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE.*CERT|BAD_CERTIFICATE/.test(code)) return { code: 'probe.cause.tls-client-cert', params: { error: code } };
  if (/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/.test(code)) return { code: 'probe.cause.tls-version', params: { error: code } };
  if (/ALERT/.test(code)) return { code: 'probe.cause.tls-alert', params: { error: code } };
  return { code: 'probe.cause.tls-failed', params: { error: code } };
}

/** Chain errors OpenSSL reports for a certificate nobody we trust signed. */
const untrusted = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** Why a completed handshake's certificate cannot be trusted, or null when it can. */
export function certificateCause(facts: TlsFacts, host: string): Text | null {
  const validTo = facts.certificate ? isoDate(facts.certificate.validTo) : '';
  const validFrom = facts.certificate ? isoDate(facts.certificate.validFrom) : '';
  const altNames = facts.certificate?.altNames || facts.certificate?.subject || '';
  const error = facts.chainError;
  if (error === 'CERT_HAS_EXPIRED') return { code: 'probe.cause.tls-expired', params: { validTo } };
  if (error === 'CERT_NOT_YET_VALID') return { code: 'probe.cause.tls-not-yet-valid', params: { validFrom } };
  if (error !== null && untrusted.has(error)) return { code: 'probe.cause.tls-untrusted', params: { error, issuer: facts.certificate?.issuer ?? '' } };
  if (error !== null) return { code: 'probe.cause.tls-invalid', params: { error } };
  if (facts.hostnameError !== null) return { code: 'probe.cause.tls-hostname', params: { host, altNames } };
  return null;
}

/** A server's first bytes when they were not the answer we waited for: which kind of server sent them. */
export function foreignCause(bytes: Uint8Array, expected: 'mqtt' | 'tls' | 'websocket'): Text {
  const kind = recognise(bytes);
  const params = { bytes: hexPreview(bytes) };
  if (kind === 'mqtt' && expected !== 'mqtt') return { code: `probe.cause.mqtt-not-${expected}`, params };
  if (kind === 'tls' && expected !== 'tls') return { code: 'probe.cause.tls-not-mqtt', params };
  if (kind === 'http') return { code: { mqtt: 'probe.cause.http-not-mqtt', tls: 'probe.cause.http-not-tls', websocket: 'probe.cause.ws-http' }[expected], params };
  if (kind === 'ssh') return { code: 'probe.cause.ssh', params };
  return { code: 'probe.cause.not-mqtt', params };
}

/**
 * A packet whose fixed header announced more than the probe accepts; it was refused before its body was read.
 * As the first packet, a CONNACK header with an impossible length: what answered does not speak MQTT.
 */
export function oversizeCause(bytes: Uint8Array, size: number, limit: number, first: boolean): Text {
  return { code: first ? 'probe.cause.connack-oversize' : 'probe.cause.packet-oversize', params: { bytes: hexPreview(bytes), size, limit } };
}

/**
 * A link the Transport closed for what the server's WebSocket message was: over WS_MESSAGE_MAX, or text where MQTT
 * travels only in binary messages; null for any other close.
 */
export function wsRefusedCause(error: TransportError | null): Text | null {
  if (error?.code === WS_TOO_LARGE) return { code: 'probe.cause.ws-oversize', params: { limit: WS_MESSAGE_MAX } };
  if (error?.code === WS_TEXT_FRAME) return { code: 'probe.cause.ws-text', params: { bytes: hexPreview(error.head ?? new Uint8Array()) } };
  return null;
}

/** YYYY-MM-DD of an epoch-ms instant, UTC. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
