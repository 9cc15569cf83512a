/**
 * `quectel-mqtt`: the QMT command set of Quectel modules (EC2x/EG2x/EG9x/EM05, BG9x, BC26/BC28 …).
 * Source: Quectel "LTE Standard MQTT Application Note" V1.2 (2020-04-22) and "EC2x&EG2x&EG9x&EM05 Series MQTT
 * Application Note" V1.3 (2023-11-16): AT+QMTCFG ("version", "keepalive", "session", "will", "ssl", "recv/mode",
 * "aliauth"), AT+QMTOPEN, AT+QMTCONN, AT+QMTSUB, AT+QMTUNS, AT+QMTPUBEX, AT+QMTDISC and their result codes; SSL
 * context settings from the Quectel "SSL Application Note" (AT+QSSLCFG). What is checked is listed in docs/modems.md.
 */
import { UsageError } from '../errors.js';
import { param, quote } from './at-escape.js';
import { typeableText, type Session } from './at-session.js';
import { keepaliveRange, overLimit, type AtStep, type ResultCode } from './at-steps.js';
import type { MqttDialect } from './at-mqtt.js';

const NAME = 'quectel-mqtt';
/** QMTPUBEX <length>: the application notes give 1–4096 bytes for the data after '>' (unverified on hardware). */
const QUECTEL_PUBLISH_MAX = 4096;
const KEEPALIVE_MAX = 3600;

/** A quoted parameter; Quectel has no escape, so a `"` (or CR/LF/NUL) in the value is an error naming the field. */
const qq = (modem: string, value: string, field: string, option: string): string => param(modem, 'plain', value, field, option);

export const quectel: MqttDialect = {
  id: NAME,
  before: 'modem.quectel.before',
  versions: [3, 4],
  steps(s: Session, broker, platform) {
    if (s.keepalive > KEEPALIVE_MAX) keepaliveRange(NAME, s.keepalive, 0, KEEPALIVE_MAX, 'AT+QMTCFG="keepalive"');
    const steps: AtStep[] = [
      { command: `AT+QMTCFG="version",0,${s.version}`, expect: 'OK' },
      { command: `AT+QMTCFG="keepalive",0,${s.keepalive}`, expect: 'OK' },
      { command: `AT+QMTCFG="session",0,${s.clean ? 1 : 0}`, expect: 'OK' },
      // recv/mode 0,1: received messages come in the URC with their length, so binary payloads can be read back.
      { command: 'AT+QMTCFG="recv/mode",0,0,1', expect: 'OK' },
    ];
    if (s.will) {
      const msg = typeableText(s.will.payload);
      if (msg === undefined) throw new UsageError('modem.will.binary', { modem: NAME, option: '--will-payload' });
      steps.push({
        command: `AT+QMTCFG="will",0,1,${s.will.qos},${s.will.retain ? 1 : 0},${qq(NAME, s.will.topic, 'will topic', '--will-topic')},${qq(NAME, msg, 'will payload', '--will-payload')}`,
        expect: 'OK',
      });
    }
    if (broker.tls) {
      steps.push(
        { command: 'AT+QMTCFG="ssl",0,1,2', expect: 'OK', note: { code: 'modem.quectel.tls' } },
        { command: 'AT+QSSLCFG="sslversion",2,4', expect: 'OK' },
        { command: 'AT+QSSLCFG="ciphersuite",2,0xFFFF', expect: 'OK' },
        { command: 'AT+QSSLCFG="seclevel",2,1', expect: 'OK' },
        { command: 'AT+QSSLCFG="cacert",2,"UFS:cacert.pem"', expect: 'OK' },
      );
    }
    steps.push({ command: `AT+QMTOPEN=0,${qq(NAME, broker.host, 'host', '--host')},${broker.port}`, before: ['OK'], expect: '+QMTOPEN: 0,0' });
    const login = [qq(NAME, s.clientId, 'client id', '--client-id')];
    if (s.username !== null) login.push(qq(NAME, s.username, 'username', '--username'));
    if (s.password !== null) login.push(qq(NAME, s.password, 'password', '--password'));
    const aliauth = platform === 'aliyun' && s.username !== null ? s.username.split('&') : undefined;
    steps.push({
      command: `AT+QMTCONN=0,${login.join(',')}`,
      before: ['OK'],
      expect: '+QMTCONN: 0,0,0',
      ...(aliauth && aliauth.length === 2 ? { note: { code: 'modem.quectel.aliauth', params: { product: aliauth[1]!, device: aliauth[0]! } } } : {}),
    });
    for (const a of s.actions) {
      if (a.kind === 'subscribe') {
        for (const sub of a.subscriptions) {
          steps.push({ command: `AT+QMTSUB=0,${a.messageId},${qq(NAME, sub.topic, 'topic', '--subscribe')},${sub.qos}`, before: ['OK'], expect: `+QMTSUB: 0,${a.messageId},0,${sub.qos}` });
        }
      } else if (a.kind === 'unsubscribe') {
        for (const topic of a.topics) steps.push({ command: `AT+QMTUNS=0,${a.messageId},${qq(NAME, topic, 'topic', '--unsubscribe')}`, before: ['OK'], expect: `+QMTUNS: 0,${a.messageId},0` });
      } else if (a.kind === 'publish') {
        if (a.payload.length === 0) throw new UsageError('modem.payload.empty', { modem: NAME, option: '--payload', command: 'AT+QMTPUBEX' });
        if (a.payload.length > QUECTEL_PUBLISH_MAX) overLimit(NAME, 'payload', '--payload', a.payload.length, QUECTEL_PUBLISH_MAX, 'AT+QMTPUBEX');
        const id = a.qos === 0 ? 0 : a.messageId;
        steps.push({
          command: `AT+QMTPUBEX=0,${id},${a.qos},${a.retain ? 1 : 0},${qq(NAME, a.topic, 'topic', '--publish')},${a.payload.length}`,
          data: a.payload,
          before: ['>', 'OK'],
          expect: `+QMTPUBEX: 0,${id},0`,
        });
      } else if (a.kind === 'disconnect') {
        steps.push({ command: 'AT+QMTDISC=0', before: ['OK'], expect: '+QMTDISC: 0,0' });
      }
    }
    return steps;
  },
  received: (topic, payload) => `+QMTRECV: 0,<msgID>,${quote(topic, 'plain')},${payload.length},"<${payload.length} bytes>"`,
  codes: [
    { form: '+QMTOPEN: 0,-1', code: 'modem.quectel.open.-1' },
    { form: '+QMTOPEN: 0,1', code: 'modem.quectel.open.1' },
    { form: '+QMTOPEN: 0,2', code: 'modem.quectel.open.2' },
    { form: '+QMTOPEN: 0,3', code: 'modem.quectel.open.3' },
    { form: '+QMTOPEN: 0,4', code: 'modem.quectel.open.4' },
    { form: '+QMTOPEN: 0,5', code: 'modem.quectel.open.5' },
    { form: '+QMTCONN: 0,1', code: 'modem.quectel.result.1' },
    { form: '+QMTCONN: 0,2', code: 'modem.quectel.result.2' },
    { form: '+QMTCONN: 0,0,1', code: 'modem.connack.1' },
    { form: '+QMTCONN: 0,0,2', code: 'modem.connack.2' },
    { form: '+QMTCONN: 0,0,3', code: 'modem.connack.3' },
    { form: '+QMTCONN: 0,0,4', code: 'modem.connack.4' },
    { form: '+QMTCONN: 0,0,5', code: 'modem.connack.5' },
    { form: '+QMTSUB: 0,<id>,0,128', code: 'modem.suback.128' },
    { form: '+QMTSTAT: 0,1', code: 'modem.quectel.stat.1' },
    { form: '+QMTSTAT: 0,2', code: 'modem.quectel.stat.2' },
    { form: '+QMTSTAT: 0,3', code: 'modem.quectel.stat.3' },
    { form: '+QMTSTAT: 0,4', code: 'modem.quectel.stat.4' },
    { form: '+QMTSTAT: 0,5', code: 'modem.quectel.stat.5' },
    { form: '+QMTSTAT: 0,6', code: 'modem.quectel.stat.6' },
    { form: '+QMTSTAT: 0,7', code: 'modem.quectel.stat.7' },
  ] satisfies ResultCode[],
};
