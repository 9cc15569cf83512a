/**
 * encode(packet, opts) → the packet's bytes. Each packet's writer checks every value before it writes, sizes the
 * packet once and fills one buffer. A CONNECT carries its own version; other packets take opts.protocolVersion
 * (default 4), as mqtt-packet's generate does.
 */
import { packetCodes } from './constants.js';
import { encodeAck } from './packets/ack.js';
import { encodeConnack } from './packets/connack.js';
import { encodeConnect } from './packets/connect.js';
import { encodeDisconnectOrAuth, encodePing } from './packets/control.js';
import { encodePublish } from './packets/publish.js';
import { encodeSuback, encodeSubscribe } from './packets/subscribe.js';
import { encodeUnsuback, encodeUnsubscribe } from './packets/unsubscribe.js';
import { clearTarget, isPlainObject, refuse, show, writeNextInto } from './_write.js';
import type { CodecOptions, Packet, ProtocolVersion } from './types.js';

function versionOption(opts: CodecOptions | undefined): ProtocolVersion {
  const version = opts?.protocolVersion;
  if (version === undefined || version === null) {
    // Checked only on the default's way: encode(packet, 5) or a Map of options read as no options, and wrote 3.1.1.
    if (opts !== undefined && opts !== null && !isPlainObject(opts)) refuseOptions(opts);
    return 4;
  }
  if (version !== 3 && version !== 4 && version !== 5) {
    refuse('codec.encode.version-option', { field: 'protocolVersion', value: show(version) });
  }
  return version;
}

function refuseOptions(opts: unknown): never {
  return refuse('codec.encode.type', { field: 'opts', expected: 'an options object such as { protocolVersion: 5 }', value: show(opts) });
}

export function encode(packet: Packet, opts?: CodecOptions): Uint8Array {
  if (typeof packet !== 'object' || packet === null) refuse('codec.encode.type', { field: 'packet', expected: 'an object', value: show(packet) });
  if (packet.cmd === 'connect') {
    // A CONNECT carries its own version: one given only in opts was ignored, and a 3.1.1 CONNECT written.
    const given = versionOption(opts);
    if (given !== 4 && packet.protocolVersion === undefined) refuse('codec.encode.connect-version', { field: 'opts.protocolVersion', value: show(given) });
    return encodeConnect(packet);
  }
  const version = versionOption(opts);
  switch (packet.cmd) {
    case 'connack':
      return encodeConnack(packet, version);
    case 'publish':
      return encodePublish(packet, version);
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return encodeAck(packet, version);
    case 'subscribe':
      return encodeSubscribe(packet, version);
    case 'suback':
      return encodeSuback(packet, version);
    case 'unsubscribe':
      return encodeUnsubscribe(packet, version);
    case 'unsuback':
      return encodeUnsuback(packet, version);
    case 'pingreq':
    case 'pingresp':
      return encodePing(packet, version);
    case 'disconnect':
    case 'auth':
      return encodeDisconnectOrAuth(packet, version);
    default:
      return refuse('codec.encode.unknown-cmd', {
        field: 'cmd',
        value: show((packet as { cmd?: unknown }).cmd),
        allowed: Object.keys(packetCodes).join(', '),
      });
  }
}

/**
 * Writes the packet into `target` at `offset` and returns the number of bytes written: no allocation, for a caller
 * that reuses one send buffer (a large PUBLISH then costs one copy of its payload into memory that is already hot).
 * Refuses with EncodeError (field `target`) when the packet does not fit; nothing is written then.
 */
export function encodeInto(packet: Packet, target: Uint8Array, offset = 0, opts?: CodecOptions): number {
  if (!(target instanceof Uint8Array)) refuse('codec.encode.type', { field: 'target', expected: 'a Uint8Array', value: show(target) });
  if (!Number.isInteger(offset) || offset < 0 || offset > target.length) {
    refuse('codec.encode.range', { field: 'offset', value: show(offset), allowed: `0–${target.length}`, rule: 'encodeInto' });
  }
  writeNextInto(target, offset);
  try {
    return encode(packet, opts).length;
  } finally {
    clearTarget();
  }
}
