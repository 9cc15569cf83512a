// The CONNECT a vector records, rebuilt around credentials a signer produced, as hex.
// mqtt-packet made the vectors' bytes; src/mqtt's own encoder is compared with it in the codec's tests.
import mqttPacket from 'mqtt-packet';
import type { Credentials } from '../../src/index.js';

export interface ConnectShape {
  readonly level: 3 | 4 | 5;
  readonly clean: boolean;
  readonly keepalive: number;
}

export function connectHex(c: Credentials, shape: ConnectShape): string {
  return mqttPacket
    .generate({
      cmd: 'connect',
      protocolId: shape.level === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: shape.level,
      clean: shape.clean,
      keepalive: shape.keepalive,
      clientId: c.clientId,
      ...(c.username === null ? {} : { username: c.username }),
      ...(c.password === null ? {} : { password: Buffer.from(c.password) }),
    })
    .toString('hex');
}

/** CONNECT flags byte → shape (bit 1 = clean session). */
export function shapeOf(mqtt: { level: number; flags: number; keepalive: number }): ConnectShape {
  return { level: mqtt.level as 3 | 4 | 5, clean: (mqtt.flags & 0x02) !== 0, keepalive: mqtt.keepalive };
}
