/**
 * connectFrom(credentials, options) → a CONNECT packet. The parameter type is structural, so the edge can pass a
 * signer's credentials without mqtt/ knowing about platforms. Nothing is checked here: encode() checks everything.
 */
import { protocolNames } from './constants.js';
import type { ConnectPacket, ConnectProperties, ProtocolVersion, Will } from './types.js';

export interface ConnectCredentials {
  clientId: string;
  username?: string | null;
  password?: string | Uint8Array | null;
}

export interface ConnectFromOptions {
  /** 3 (MQTT 3.1), 4 (3.1.1, the default) or 5. */
  protocolVersion?: ProtocolVersion;
  /** Seconds; defaults to 60, as MQTT.js does. */
  keepalive?: number;
  /** Clean Session / Clean Start; defaults to true. */
  clean?: boolean;
  will?: Will;
  /** MQTT 5.0 only. */
  properties?: ConnectProperties;
}

export function connectFrom(credentials: ConnectCredentials, options: ConnectFromOptions = {}): ConnectPacket {
  const protocolVersion = options.protocolVersion ?? 4;
  const packet: ConnectPacket = {
    cmd: 'connect',
    protocolId: protocolNames[protocolVersion] ?? 'MQTT',
    protocolVersion,
    clean: options.clean ?? true,
    keepalive: options.keepalive ?? 60,
    clientId: credentials.clientId,
  };
  if (credentials.username !== undefined && credentials.username !== null) packet.username = credentials.username;
  if (credentials.password !== undefined && credentials.password !== null) packet.password = credentials.password;
  if (options.will !== undefined) packet.will = options.will;
  if (options.properties !== undefined) packet.properties = options.properties;
  return packet;
}
