/**
 * The modems' own MQTT command sets (ESP-AT, Quectel QMT, SIMCom CMQTT): the same session as the packets, written
 * as the commands the modem takes. Each dialect lives in its own file with its sources; this file is the contract.
 */
import { UsageError } from '../errors.js';
import type { Endpoint } from './formatter.js';
import { sessionOf, type Session } from './at-session.js';
import type { AtStep, ResultCode } from './at-steps.js';
import type { NamedPacket } from './types.js';
import type { ProtocolVersion } from '../mqtt/types.js';

export interface MqttDialect {
  readonly id: string;
  /** Catalogue code of the preparation line (network attach, certificates). */
  readonly before: string;
  /** MQTT protocol levels the command set can speak (3 = 3.1, 4 = 3.1.1). */
  readonly versions: readonly ProtocolVersion[];
  steps(session: Session, broker: Endpoint, platform: string | undefined): AtStep[];
  /** How the modem shows a message arriving on a subscription (for the comment after a publish). */
  received(topic: string, payload: Uint8Array): string;
  readonly codes: readonly ResultCode[];
  /** Catalogue code of a warning when the broker needs TLS (e.g. ESP8266 cannot). */
  readonly tlsWarning?: string;
}

interface MqttScript {
  readonly session: Session;
  readonly steps: AtStep[];
}

export function mqttScript(dialect: MqttDialect, packets: readonly NamedPacket[], broker: Endpoint, platform: string | undefined): MqttScript {
  const session = sessionOf(packets, dialect.id);
  if (!dialect.versions.includes(session.version)) {
    throw new UsageError('modem.protocol', { modem: dialect.id, option: '--protocol', allowed: dialect.versions.map((v) => (v === 3 ? '3.1' : '3.1.1')).join(', ') });
  }
  return { session, steps: dialect.steps(session, broker, platform) };
}
