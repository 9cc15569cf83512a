/**
 * `simcom-mqtt`: the CMQTT command set of SIMCom SIM7600/SIM7500/SIM7000 and A76xx (A7670 …) modules.
 * Source: SIMCom "SIM7500_SIM7600 Series MQTT(S) AT Command Manual" V1.00 and "A76XX Series MQTT(S) Application
 * Note": AT+CMQTTSTART, AT+CMQTTACCQ, AT+CMQTTSSLCFG, AT+CMQTTWILLTOPIC/WILLMSG, AT+CMQTTCONNECT, AT+CMQTTSUBTOPIC +
 * AT+CMQTTSUB, AT+CMQTTTOPIC + AT+CMQTTPAYLOAD + AT+CMQTTPUB, AT+CMQTTDISC/REL/STOP, the +CMQTTRX… receive URCs and
 * the <err> table (27–31 = CONNACK 1–5). What is checked is listed in docs/modems.md.
 */
import { UsageError } from '../errors.js';
import { byteLength, utf8, type Session } from './at-session.js';
import { keepaliveRange, overLimit, type AtStep, type ResultCode } from './at-steps.js';
import type { MqttDialect } from './at-mqtt.js';
import { param } from './at-escape.js';

const qq = (modem: string, value: string, field: string, option: string): string => param(modem, 'plain', value, field, option);

const NAME = 'simcom-mqtt';
const SIMCOM_LIMITS = { clientId: 128, userpass: 256, topic: 1024, payload: 10240, keepalive: 64800, server: 256 } as const;

/** A command whose data follows its '>' prompt: the topic or payload bytes, exactly `length` of them. */
const withData = (command: string, data: Uint8Array): AtStep => ({ command, data, before: ['>'], expect: 'OK' });

function topicData(topic: string, option: string, command: string): Uint8Array {
  const bytes = utf8(topic);
  if (bytes.length > SIMCOM_LIMITS.topic) overLimit(NAME, 'topic', option, bytes.length, SIMCOM_LIMITS.topic, command);
  return bytes;
}

export const simcom: MqttDialect = {
  id: NAME,
  before: 'modem.simcom.before',
  versions: [4],
  steps(s: Session, broker) {
    if (byteLength(s.clientId) > SIMCOM_LIMITS.clientId) overLimit(NAME, 'client id', '--client-id', byteLength(s.clientId), SIMCOM_LIMITS.clientId, 'AT+CMQTTACCQ');
    if (byteLength(s.clientId) === 0) throw new UsageError('modem.simcom.emptyid', { modem: NAME, option: '--client-id' });
    if (s.keepalive === 0 || s.keepalive > SIMCOM_LIMITS.keepalive) keepaliveRange(NAME, s.keepalive, 1, SIMCOM_LIMITS.keepalive, 'AT+CMQTTCONNECT');
    const steps: AtStep[] = [
      { command: 'AT+CMQTTSTART', before: ['OK'], expect: '+CMQTTSTART: 0' },
      { command: `AT+CMQTTACCQ=0,${qq(NAME, s.clientId, 'client id', '--client-id')},${broker.tls ? 1 : 0}`, expect: 'OK' },
    ];
    if (broker.tls) {
      steps.push(
        { command: 'AT+CSSLCFG="sslversion",0,4', expect: 'OK', note: { code: 'modem.simcom.tls' } },
        { command: 'AT+CSSLCFG="authmode",0,1', expect: 'OK' },
        { command: 'AT+CSSLCFG="cacert",0,"cacert.pem"', expect: 'OK' },
        { command: 'AT+CMQTTSSLCFG=0,0', expect: 'OK' },
      );
    }
    if (s.will) {
      if (s.will.retain) throw new UsageError('modem.simcom.willretain', { modem: NAME, option: '--will-retain' });
      const topic = topicData(s.will.topic, '--will-topic', 'AT+CMQTTWILLTOPIC');
      if (s.will.payload.length === 0 || s.will.payload.length > SIMCOM_LIMITS.topic) overLimit(NAME, 'will payload', '--will-payload', s.will.payload.length, SIMCOM_LIMITS.topic, 'AT+CMQTTWILLMSG (1–1024)');
      steps.push(withData(`AT+CMQTTWILLTOPIC=0,${topic.length}`, topic), withData(`AT+CMQTTWILLMSG=0,${s.will.payload.length},${s.will.qos}`, s.will.payload));
    }
    // The manual: server_addr "must begin with tcp://", TLS too (AT+CMQTTACCQ's server type and AT+CMQTTSSLCFG choose it).
    // A URL keeps an IPv6 address in brackets (RFC 3986 §3.2.2), else its port cannot be told from it.
    const server = `tcp://${broker.host.includes(':') ? `[${broker.host}]` : broker.host}:${broker.port}`;
    if (byteLength(server) > SIMCOM_LIMITS.server) overLimit(NAME, 'host', '--host', byteLength(server), SIMCOM_LIMITS.server, 'AT+CMQTTCONNECT');
    const login = [qq(NAME, server, 'host', '--host'), String(s.keepalive), s.clean ? '1' : '0'];
    for (const [field, option, value] of [['username', '--username', s.username], ['password', '--password', s.password]] as const) {
      if (value === null) continue;
      if (byteLength(value) > SIMCOM_LIMITS.userpass) overLimit(NAME, field, option, byteLength(value), SIMCOM_LIMITS.userpass, 'AT+CMQTTCONNECT');
      login.push(qq(NAME, value, field, option));
    }
    steps.push({ command: `AT+CMQTTCONNECT=0,${login.join(',')}`, before: ['OK'], expect: '+CMQTTCONNECT: 0,0' });
    for (const a of s.actions) {
      if (a.kind === 'subscribe') {
        for (const sub of a.subscriptions) {
          const topic = topicData(sub.topic, '--subscribe', 'AT+CMQTTSUBTOPIC');
          steps.push(withData(`AT+CMQTTSUBTOPIC=0,${topic.length},${sub.qos}`, topic));
        }
        steps.push({ command: 'AT+CMQTTSUB=0', before: ['OK'], expect: '+CMQTTSUB: 0,0' });
      } else if (a.kind === 'unsubscribe') {
        for (const t of a.topics) {
          const topic = topicData(t, '--unsubscribe', 'AT+CMQTTUNSUBTOPIC');
          steps.push(withData(`AT+CMQTTUNSUBTOPIC=0,${topic.length}`, topic));
        }
        steps.push({ command: 'AT+CMQTTUNSUB=0,0', before: ['OK'], expect: '+CMQTTUNSUB: 0,0' });
      } else if (a.kind === 'publish') {
        const topic = topicData(a.topic, '--publish', 'AT+CMQTTTOPIC');
        if (a.payload.length > SIMCOM_LIMITS.payload) overLimit(NAME, 'payload', '--payload', a.payload.length, SIMCOM_LIMITS.payload, 'AT+CMQTTPAYLOAD');
        steps.push(withData(`AT+CMQTTTOPIC=0,${topic.length}`, topic));
        // An empty message has no CMQTTPAYLOAD step (its length range starts at 1).
        if (a.payload.length > 0) steps.push(withData(`AT+CMQTTPAYLOAD=0,${a.payload.length}`, a.payload));
        steps.push({ command: `AT+CMQTTPUB=0,${a.qos},60,${a.retain ? 1 : 0}`, before: ['OK'], expect: '+CMQTTPUB: 0,0' });
      } else if (a.kind === 'disconnect') {
        steps.push(
          { command: 'AT+CMQTTDISC=0,120', before: ['OK'], expect: '+CMQTTDISC: 0,0' },
          { command: 'AT+CMQTTREL=0', expect: 'OK' },
          { command: 'AT+CMQTTSTOP', before: ['OK'], expect: '+CMQTTSTOP: 0' },
        );
      }
    }
    return steps;
  },
  received: (topic, payload) =>
    `+CMQTTRXSTART: 0,${byteLength(topic)},${payload.length} / +CMQTTRXTOPIC: 0,${byteLength(topic)} / ${topic} / +CMQTTRXPAYLOAD: 0,${payload.length} / <${payload.length} bytes> / +CMQTTRXEND: 0`,
  codes: [
    { form: '+CMQTTSTART: 23', code: 'modem.simcom.err.23' },
    { form: '+CMQTTCONNECT: 0,3', code: 'modem.simcom.err.3' },
    { form: '+CMQTTCONNECT: 0,11', code: 'modem.simcom.err.11' },
    { form: '+CMQTTCONNECT: 0,13', code: 'modem.simcom.err.13' },
    { form: '+CMQTTCONNECT: 0,17', code: 'modem.simcom.err.17' },
    { form: '+CMQTTCONNECT: 0,25', code: 'modem.simcom.err.25' },
    { form: '+CMQTTCONNECT: 0,26', code: 'modem.simcom.err.26' },
    { form: '+CMQTTCONNECT: 0,27', code: 'modem.connack.1' },
    { form: '+CMQTTCONNECT: 0,28', code: 'modem.connack.2' },
    { form: '+CMQTTCONNECT: 0,29', code: 'modem.connack.3' },
    { form: '+CMQTTCONNECT: 0,30', code: 'modem.connack.4' },
    { form: '+CMQTTCONNECT: 0,31', code: 'modem.connack.5' },
    { form: '+CMQTTCONNECT: 0,32', code: 'modem.simcom.err.32' },
    { form: '+CMQTTSUB: 0,<err>', code: 'modem.simcom.err.sub' },
    { form: '+CMQTTCONNLOST: 0,<cause>', code: 'modem.simcom.connlost' },
  ] satisfies ResultCode[],
};
