/**
 * The packet object model: mqtt-packet's field names (the ones MQTT.js users know), a union discriminated on `cmd`.
 * Binary fields are Uint8Array; a Buffer is accepted wherever a Uint8Array is, and (as mqtt-packet allows) encode
 * also takes a Uint8Array of UTF-8 for a string field. Decoded packets fill every defaulted field; packets given to
 * encode may leave them out and get mqtt-packet's defaults.
 */

/** 3 = MQTT 3.1 (`MQIsdp`), 4 = MQTT 3.1.1 (`MQTT`), 5 = MQTT 5.0 (`MQTT`). */
export type ProtocolVersion = 3 | 4 | 5;
export type QoS = 0 | 1 | 2;
export type PacketCmd = Packet['cmd'];

/** User properties; a name sent more than once maps to an array of its values, in wire order. */
export type UserProperties = Record<string, string | string[]>;

export interface ConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  requestResponseInformation?: boolean;
  requestProblemInformation?: boolean;
  userProperties?: UserProperties;
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
}

export interface WillProperties {
  willDelayInterval?: number;
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Uint8Array;
  userProperties?: UserProperties;
}

export interface ConnackProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumQoS?: number;
  retainAvailable?: boolean;
  maximumPacketSize?: number;
  assignedClientIdentifier?: string;
  topicAliasMaximum?: number;
  reasonString?: string;
  userProperties?: UserProperties;
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  serverKeepAlive?: number;
  responseInformation?: string;
  serverReference?: string;
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
}

export interface PublishProperties {
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  topicAlias?: number;
  responseTopic?: string;
  correlationData?: Uint8Array;
  userProperties?: UserProperties;
  /** Repeated when a message matched several subscriptions. */
  subscriptionIdentifier?: number | number[];
  contentType?: string;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK. */
export interface AckProperties {
  reasonString?: string;
  userProperties?: UserProperties;
}

export interface UnsubscribeProperties {
  userProperties?: UserProperties;
}

export interface SubscribeProperties {
  subscriptionIdentifier?: number;
  userProperties?: UserProperties;
}

export interface DisconnectProperties {
  sessionExpiryInterval?: number;
  reasonString?: string;
  userProperties?: UserProperties;
  serverReference?: string;
}

export interface AuthProperties {
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
  reasonString?: string;
  userProperties?: UserProperties;
}

/** Every property of every packet: what the property table reads and writes. */
export type Properties = ConnectProperties &
  WillProperties &
  ConnackProperties &
  PublishProperties &
  SubscribeProperties &
  DisconnectProperties &
  AuthProperties;

export interface Will {
  topic: string;
  payload: string | Uint8Array;
  qos?: QoS;
  retain?: boolean;
  properties?: WillProperties;
}

export interface ConnectPacket {
  cmd: 'connect';
  /** Defaults to the name that goes with protocolVersion: `MQIsdp` for 3, `MQTT` for 4 and 5. */
  protocolId?: 'MQTT' | 'MQIsdp';
  /** Defaults to 4. */
  protocolVersion?: ProtocolVersion;
  /** Mosquitto's bridge extension: the Protocol Level has bit 7 set (0x83, 0x84). */
  bridgeMode?: boolean;
  /** Clean Session (3.x) / Clean Start (5.0); defaults to true. */
  clean?: boolean;
  /** Seconds, 0–65535; defaults to 0. */
  keepalive?: number;
  clientId: string;
  username?: string;
  password?: string | Uint8Array;
  will?: Will;
  properties?: ConnectProperties;
}

export interface ConnackPacket {
  cmd: 'connack';
  sessionPresent: boolean;
  /** MQTT 3.1 / 3.1.1. */
  returnCode?: number;
  /** MQTT 5.0. */
  reasonCode?: number;
  properties?: ConnackProperties;
}

export interface PublishPacket {
  cmd: 'publish';
  topic: string;
  payload: string | Uint8Array;
  qos?: QoS;
  dup?: boolean;
  retain?: boolean;
  /** Present (1–65535) exactly when qos > 0. */
  messageId?: number;
  properties?: PublishProperties;
}

interface AckPacket<C extends string> {
  cmd: C;
  messageId: number;
  /** MQTT 5.0; decoded as 0 (Success) when the packet leaves it out. */
  reasonCode?: number;
  properties?: AckProperties;
}

export type PubackPacket = AckPacket<'puback'>;
export type PubrecPacket = AckPacket<'pubrec'>;
export type PubrelPacket = AckPacket<'pubrel'>;
export type PubcompPacket = AckPacket<'pubcomp'>;

export interface Subscription {
  topic: string;
  qos: QoS;
  /** MQTT 5.0 No Local. */
  nl?: boolean;
  /** MQTT 5.0 Retain As Published. */
  rap?: boolean;
  /** MQTT 5.0 Retain Handling, 0–2. */
  rh?: number;
}

export interface SubscribePacket {
  cmd: 'subscribe';
  messageId: number;
  subscriptions: Subscription[];
  properties?: SubscribeProperties;
}

export interface SubackPacket {
  cmd: 'suback';
  messageId: number;
  /** Return codes (3.x) or reason codes (5.0), one per subscription. */
  granted: number[];
  properties?: AckProperties;
}

export interface UnsubscribePacket {
  cmd: 'unsubscribe';
  messageId: number;
  unsubscriptions: string[];
  properties?: UnsubscribeProperties;
}

export interface UnsubackPacket {
  cmd: 'unsuback';
  messageId: number;
  /** MQTT 5.0 reason codes, one per topic filter (mqtt-packet calls them granted). */
  granted?: number[];
  properties?: AckProperties;
}

export interface PingreqPacket {
  cmd: 'pingreq';
}

export interface PingrespPacket {
  cmd: 'pingresp';
}

export interface DisconnectPacket {
  cmd: 'disconnect';
  /** MQTT 5.0; decoded as 0 (Normal disconnection) when the packet leaves it out. */
  reasonCode?: number;
  properties?: DisconnectProperties;
}

export interface AuthPacket {
  cmd: 'auth';
  reasonCode?: number;
  properties?: AuthProperties;
}

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | PubackPacket
  | PubrecPacket
  | PubrelPacket
  | PubcompPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | UnsubackPacket
  | PingreqPacket
  | PingrespPacket
  | DisconnectPacket
  | AuthPacket;

/** One bit or bit group of a flag byte, from the spec's figure; `bit` is its lowest bit. */
export interface FieldBits {
  bit: number;
  width?: number;
  name: string;
  value: number;
}

/**
 * One leaf field of a decoded packet: its spec name and where its bytes are in the input. The fields of a packet
 * tile it: in order, no gaps, no overlaps (an empty string is a zero-length field). Values: numbers for integers
 * and flag bytes (whose `bits` split them), text for strings, lowercase hex for binary data (Password, Payload,
 * Will Message, Correlation Data, Authentication Data), the packet name for "Packet Type" and the property's spec
 * name for "Property Identifier". Strings and binaries are two fields: "<name> Length", then "<name>".
 */
export interface Field {
  name: string;
  offset: number;
  length: number;
  value: string | number | boolean | null;
  bits?: FieldBits[];
}

export interface Decoded {
  packet: Packet;
  /** Bytes the packet took, fixed header included. */
  length: number;
  /** Computed on first access (a second, recording pass), so decoding stays fast when nobody looks. */
  readonly fields: Field[];
}

export interface Frame {
  offset: number;
  length: number;
  readonly fields: Field[];
}

export interface DecodedStream {
  packets: Packet[];
  frames: Frame[];
  /** The incomplete tail: feed it again with more bytes. */
  rest: Uint8Array;
  /** The version in force at the end, to pass to the next call on the same stream. */
  protocolVersion: ProtocolVersion;
}

export interface CodecOptions {
  /** For every packet but CONNECT, which carries its own. Defaults to 4. */
  protocolVersion?: ProtocolVersion;
}
