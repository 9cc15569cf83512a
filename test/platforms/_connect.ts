// The CONNECT a vector records, rebuilt with our own codec (connectFrom + encode) around credentials a signer
// produced, as hex: the vectors' bytes come from the SDKs and mqtt-packet, so this checks signer and encoder together.
import { connectFrom, encode, type Credentials } from '../../src/index.js';

export interface ConnectShape {
  readonly level: 3 | 4 | 5;
  readonly clean: boolean;
  readonly keepalive: number;
}

export function connectHex(c: Credentials, shape: ConnectShape): string {
  return Buffer.from(encode(connectFrom(c, { protocolVersion: shape.level, clean: shape.clean, keepalive: shape.keepalive }))).toString('hex');
}

/** A vector's mqtt {level, flags, keepalive}: bit 1 of the CONNECT flags is Clean Session. */
export function shapeOf(mqtt: { level: number; flags: number; keepalive: number }): ConnectShape {
  return { level: mqtt.level as 3 | 4 | 5, clean: (mqtt.flags & 0x02) !== 0, keepalive: mqtt.keepalive };
}
