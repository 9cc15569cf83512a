/**
 * Prove that messages flow: SUBSCRIBE to a topic, PUBLISH to it at QoS 1, and wait for the broker's PUBACK and
 * for our own message to come back. The time bound is the caller's (bounded()); `progress.stage` says what we
 * were waiting for when it ran out.
 */
import { foreignCause, oversizeCause, wsRefusedCause } from './diagnose.js';
import type { Session } from './session.js';
import type { Text } from './types.js';

const SUBSCRIBE_ID = 1;
const PUBLISH_ID = 2;

export interface Progress {
  stage: 'SUBACK' | 'PUBACK' | 'message';
}

export async function roundtrip(session: Session, topic: string, payload: string, signal: AbortSignal, progress: Progress): Promise<Text | null> {
  const expected = new TextEncoder().encode(payload);
  progress.stage = 'SUBACK';
  session.send({ cmd: 'subscribe', messageId: SUBSCRIBE_ID, subscriptions: [{ topic, qos: 1 }] });
  let acked = false;
  let echoed = false;
  for (;;) {
    const arrival = await session.next(signal);
    if (arrival.kind === 'closed') return wsRefusedCause(arrival.error) ?? { code: 'probe.cause.roundtrip-closed', params: { topic, stage: progress.stage } };
    if (arrival.kind === 'foreign') {
      const { bytes, size, limit } = arrival;
      return size !== undefined && limit !== undefined ? oversizeCause(bytes, size, limit, false) : foreignCause(bytes, 'mqtt');
    }
    const packet = arrival.packet;
    if (packet.cmd === 'suback' && packet.messageId === SUBSCRIBE_ID && progress.stage === 'SUBACK') {
      // [MQTT-3.9.3] 0x80 (3.1.1) or any reason code ≥ 0x80 (5.0) is a refused subscription.
      const granted = packet.granted[0] ?? 0x80;
      if (granted >= 0x80) return { code: 'probe.cause.subscribe-refused', params: { topic, code: granted } };
      progress.stage = 'PUBACK';
      session.send({ cmd: 'publish', messageId: PUBLISH_ID, topic, payload: expected, qos: 1 });
    } else if (packet.cmd === 'puback' && packet.messageId === PUBLISH_ID) {
      const reason = packet.reasonCode ?? 0;
      if (reason >= 0x80) return { code: 'probe.cause.publish-refused', params: { topic, code: reason } };
      acked = true;
      if (!echoed) progress.stage = 'message';
    } else if (packet.cmd === 'publish' && packet.topic === topic) {
      // Acknowledge what the broker delivered at QoS 1 [MQTT-4.3.2-2], so it does not resend.
      if (packet.qos === 1 && packet.messageId !== undefined) session.send({ cmd: 'puback', messageId: packet.messageId });
      const received = typeof packet.payload === 'string' ? new TextEncoder().encode(packet.payload) : packet.payload;
      if (sameBytes(received, expected)) echoed = true;
    }
    if (acked && echoed) return null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
