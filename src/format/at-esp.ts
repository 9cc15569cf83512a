/**
 * `esp-at-mqtt`: the MQTT commands of Espressif's ESP-AT firmware ≥ 2.x on ESP32 and ESP8266.
 * Source: ESP-AT "MQTT AT Commands" and "MQTT AT Examples" (espressif/esp-at docs/en/AT_Command_Set/MQTT_AT_Commands.rst,
 * https://docs.espressif.com/projects/esp-at/en/latest/esp32/AT_Command_Set/MQTT_AT_Commands.html), and the escape
 * rules of "Basic AT Commands" (see at-escape.ts). Facts used, and which are checked, are listed in docs/modems.md.
 */
import { UsageError } from '../errors.js';
import { param, quote, unquotable } from './at-escape.js';
import { byteLength, typeableText, utf8, type Session } from './at-session.js';
import { keepaliveRange, overLimit, type AtStep, type ResultCode } from './at-steps.js';
import type { MqttDialect } from './at-mqtt.js';

const NAME = 'esp-at-mqtt';
/** "The length of each AT command should be no more than 256 bytes" (and "less than 256" elsewhere): CR LF counted. */
const ESP_LINE_MAX = 254;
const LIMITS = { clientId: 256, username: 64, password: 64, long: 1024, topic: 128, lwt: 128, host: 128, keepalive: 7200 } as const;

const esc = (value: string, field: string, option: string): string => param(NAME, 'esp', value, field, option);

function login(s: Session, scheme: number): AtStep[] {
  const fields = [
    { name: 'client id', option: '--client-id', value: s.clientId, max: LIMITS.clientId, long: 'MQTTLONGCLIENTID' },
    { name: 'username', option: '--username', value: s.username ?? '', max: LIMITS.username, long: 'MQTTLONGUSERNAME' },
    { name: 'password', option: '--password', value: s.password ?? '', max: LIMITS.password, long: 'MQTTLONGPASSWORD' },
  ];
  // A field that has a CR, LF or NUL cannot be typed in a command line but can go after a LONG command's '>'.
  const inline = fields.map((f) => byteLength(f.value) <= f.max && unquotable(f.value, 'esp') === undefined);
  const line = (): string =>
    `AT+MQTTUSERCFG=0,${scheme},${fields.map((f, i) => (inline[i] ? quote(f.value, 'esp') : '""')).join(',')},0,0,""`;
  // Move the longest inline field out until the line fits.
  while (byteLength(line()) > ESP_LINE_MAX) {
    let longest = -1;
    fields.forEach((f, i) => {
      if (inline[i] && (longest < 0 || byteLength(f.value) > byteLength(fields[longest]!.value))) longest = i;
    });
    inline[longest] = false;
  }
  const steps: AtStep[] = [{ command: line(), expect: 'OK' }];
  fields.forEach((f, i) => {
    if (inline[i] || f.value === '') return;
    const bytes = utf8(f.value);
    if (bytes.length > LIMITS.long) overLimit(NAME, f.name, f.option, bytes.length, LIMITS.long, `AT+${f.long}`);
    steps.push({ command: `AT+${f.long}=0,${bytes.length}`, data: bytes, expect: 'OK', before: ['OK', '>'], note: { code: 'modem.esp.long', params: { field: f.name, length: bytes.length } } });
  });
  return steps;
}

function connection(s: Session): AtStep {
  if (s.keepalive === 0) throw new UsageError('modem.esp.keepalive0', { modem: NAME, option: '--keepalive' });
  if (s.keepalive > LIMITS.keepalive) keepaliveRange(NAME, s.keepalive, 1, LIMITS.keepalive, 'AT+MQTTCONNCFG');
  let lwt = '"","",0,0';
  if (s.will) {
    const topic = s.will.topic;
    const msg = typeableText(s.will.payload);
    if (msg === undefined) throw new UsageError('modem.will.binary', { modem: NAME, option: '--will-payload' });
    if (byteLength(topic) > LIMITS.lwt) overLimit(NAME, 'will topic', '--will-topic', byteLength(topic), LIMITS.lwt, 'AT+MQTTCONNCFG');
    if (byteLength(msg) > LIMITS.lwt) overLimit(NAME, 'will payload', '--will-payload', byteLength(msg), LIMITS.lwt, 'AT+MQTTCONNCFG');
    lwt = `${esc(topic, 'will topic', '--will-topic')},${esc(msg, 'will payload', '--will-payload')},${s.will.qos},${s.will.retain ? 1 : 0}`;
  }
  const command = `AT+MQTTCONNCFG=0,${s.keepalive},${s.clean ? 0 : 1},${lwt}`;
  if (byteLength(command) > ESP_LINE_MAX) overLimit(NAME, 'will', '--will-topic', byteLength(command), ESP_LINE_MAX, 'AT+MQTTCONNCFG');
  return { command, expect: 'OK' };
}

/** A command line that carries an escaped topic: each \, , and " doubles, so a topic under 128 bytes can still overflow it. */
function fitting(command: string, option: string, name: string): string {
  if (byteLength(command) > ESP_LINE_MAX) overLimit(NAME, 'command line', option, byteLength(command), ESP_LINE_MAX, name);
  return command;
}

function topicParam(topic: string, option: string): string {
  if (byteLength(topic) > LIMITS.topic) overLimit(NAME, 'topic', option, byteLength(topic), LIMITS.topic, 'AT+MQTTSUB/AT+MQTTPUB');
  return esc(topic, 'topic', option);
}

export const esp: MqttDialect = {
  id: NAME,
  before: 'modem.esp.before',
  versions: [4],
  steps(s, broker) {
    if (byteLength(broker.host) > LIMITS.host) overLimit(NAME, 'host', '--host', byteLength(broker.host), LIMITS.host, 'AT+MQTTCONN');
    // 1 = MQTT over TCP; 3 = TLS verifying the server certificate (the CA is flashed with AT+SYSMFG).
    const scheme = broker.tls ? 3 : 1;
    const host = esc(broker.host, 'host', '--host');
    const steps: AtStep[] = [
      ...login(s, scheme),
      connection(s),
      {
        command: `AT+MQTTCONN=0,${host},${broker.port},0`,
        before: [`+MQTTCONNECTED:0,${scheme},${host},"${broker.port}","",0`],
        expect: 'OK',
      },
    ];
    for (const a of s.actions) {
      if (a.kind === 'subscribe') {
        for (const sub of a.subscriptions) steps.push({ command: fitting(`AT+MQTTSUB=0,${topicParam(sub.topic, '--subscribe')},${sub.qos}`, '--subscribe', 'AT+MQTTSUB'), expect: 'OK' });
      } else if (a.kind === 'unsubscribe') {
        for (const topic of a.topics) steps.push({ command: fitting(`AT+MQTTUNSUB=0,${topicParam(topic, '--unsubscribe')}`, '--unsubscribe', 'AT+MQTTUNSUB'), expect: 'OK' });
      } else if (a.kind === 'publish') {
        const topic = topicParam(a.topic, '--publish');
        if (a.payload.length === 0) throw new UsageError('modem.payload.empty', { modem: NAME, option: '--payload', command: 'AT+MQTTPUB/AT+MQTTPUBRAW' });
        const text = typeableText(a.payload);
        const short = text === undefined ? undefined : `AT+MQTTPUB=0,${topic},${quote(text, 'esp')},${a.qos},${a.retain ? 1 : 0}`;
        if (short !== undefined && byteLength(short) <= ESP_LINE_MAX) {
          steps.push({ command: short, expect: 'OK' });
        } else {
          steps.push({
            command: fitting(`AT+MQTTPUBRAW=0,${topic},${a.payload.length},${a.qos},${a.retain ? 1 : 0}`, '--publish', 'AT+MQTTPUBRAW'),
            data: a.payload,
            before: ['OK', '>'],
            expect: '+MQTTPUB:OK',
            note: { code: 'modem.esp.pubraw', params: { length: a.payload.length } },
          });
        }
      } else if (a.kind === 'disconnect') {
        steps.push({ command: 'AT+MQTTCLEAN=0', expect: 'OK' });
      }
    }
    return steps;
  },
  received: (topic, payload) => `+MQTTSUBRECV:0,${quote(topic, 'esp')},${payload.length},<${payload.length} bytes>`,
  codes: [
    { form: 'ERROR', code: 'modem.esp.code.error' },
    { form: 'ERR CODE:0x…6015/6016', code: 'modem.esp.code.clientid' },
    { form: 'ERR CODE:0x…6019/601C', code: 'modem.esp.code.userpass' },
    { form: '+MQTTDISCONNECTED:0', code: 'modem.esp.code.disconnected' },
    { form: '+MQTTPUB:FAIL', code: 'modem.esp.code.pubfail' },
    { form: 'ALREADY SUBSCRIBE', code: 'modem.esp.code.already' },
  ] satisfies ResultCode[],
  tlsWarning: 'modem.esp.tls8266',
};
