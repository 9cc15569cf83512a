/**
 * A simulated ESP-AT (≥ 2.x) modem's MQTT commands, written from the ESP-AT "MQTT AT Commands" page and its
 * examples: strict parameter counts and quoting (ESP-AT escapes), the 256-byte line, the 64-byte username/password
 * and 256-byte client id of AT+MQTTUSERCFG, the LONG commands' `>` step, AT+MQTTCONNCFG and LONG only after
 * AT+MQTTUSERCFG. The MQTT exchange is real (MqttLink against mosquitto).
 */
import { splitParams } from '../../../src/format/at-escape.js';
import type { ConnectPacket, QoS } from '../../../src/mqtt/types.js';
import { MqttLink } from './mqtt-link.js';
import { paramsOf, SerialModem } from './serial.js';

type P = { value: string; quoted: boolean }[];
const int = (p: P, i: number, min: number, max: number): number | undefined => {
  const x = p[i];
  if (!x || x.quoted || !/^\d+$/.test(x.value)) return undefined;
  const n = Number(x.value);
  return n >= min && n <= max ? n : undefined;
};
const str = (p: P, i: number): string | undefined => (p[i]?.quoted ? p[i]!.value : undefined);
const bytes = (s: string): number => Buffer.byteLength(s);

export class EspAtModem extends SerialModem {
  protected readonly lineMax = 256;
  private user: { scheme: number; clientId: string; username: string; password: string } | undefined;
  private conn = { keepalive: 120, clean: true, will: undefined as ConnectPacket['will'] };
  private link: MqttLink | undefined;

  constructor(private readonly broker: { host: string; port: number }) {
    super();
  }

  protected async command(line: string): Promise<void> {
    let p: P | undefined;
    const get = (name: string): P | undefined => {
      const text = paramsOf(line, name);
      return text === undefined ? undefined : (splitParams(text, 'esp') ?? []);
    };
    if ((p = get('MQTTUSERCFG'))) {
      const scheme = int(p, 1, 1, 10);
      const [clientId, username, password] = [str(p, 2), str(p, 3), str(p, 4)];
      if (p.length !== 8 || int(p, 0, 0, 0) === undefined || scheme === undefined || clientId === undefined || username === undefined || password === undefined || str(p, 7) === undefined) return this.emit('ERROR');
      if (bytes(clientId) > 256 || bytes(username) > 64 || bytes(password) > 64) return this.emit('ERROR');
      this.user = { scheme, clientId, username, password };
      return this.emit('OK');
    }
    for (const [name, key] of [['MQTTLONGCLIENTID', 'clientId'], ['MQTTLONGUSERNAME', 'username'], ['MQTTLONGPASSWORD', 'password']] as const) {
      if ((p = get(name))) {
        const length = int(p, 1, 1, 1024);
        if (p.length !== 2 || int(p, 0, 0, 0) === undefined || length === undefined || !this.user) return this.emit('ERROR');
        const user = this.user;
        // Data after '>' is taken as is: no escapes.
        return this.prompt(length, (data) => {
          user[key] = Buffer.from(data).toString('utf8');
          this.emit('OK');
        }, ['OK']);
      }
    }
    if ((p = get('MQTTCONNCFG'))) {
      const keepalive = int(p, 1, 0, 7200);
      const disableClean = int(p, 2, 0, 1);
      const [topic, msg] = [str(p, 3), str(p, 4)];
      const [qos, retain] = [int(p, 5, 0, 2), int(p, 6, 0, 1)];
      if (p.length !== 7 || !this.user || keepalive === undefined || disableClean === undefined || topic === undefined || msg === undefined || qos === undefined || retain === undefined) return this.emit('ERROR');
      if (bytes(topic) > 128 || bytes(msg) > 128) return this.emit('ERROR');
      this.conn = {
        keepalive: keepalive === 0 ? 120 : keepalive,
        clean: disableClean === 0,
        will: topic === '' ? undefined : { topic, payload: msg, qos: qos as QoS, retain: retain === 1 },
      };
      return this.emit('OK');
    }
    if ((p = get('MQTTCONN'))) {
      const host = str(p, 1);
      const port = int(p, 2, 1, 65535);
      const reconnect = int(p, 3, 0, 1);
      if (p.length < 4 || p.length > 5 || !this.user || host === undefined || port === undefined || reconnect === undefined || this.link) return this.emit('ERROR');
      if (host !== this.broker.host || port !== this.broker.port) return this.emit('ERROR');
      const link = new MqttLink();
      try {
        await link.open(this.broker.host, this.broker.port);
      } catch {
        return this.emit('ERROR');
      }
      const u = this.user;
      const rc = await link.login({
        cmd: 'connect',
        protocolVersion: 4,
        clientId: u.clientId,
        // esp-mqtt leaves out an empty username/password.
        ...(u.username !== '' ? { username: u.username } : {}),
        ...(u.password !== '' ? { password: u.password } : {}),
        keepalive: this.conn.keepalive,
        clean: this.conn.clean,
        ...(this.conn.will ? { will: this.conn.will } : {}),
      });
      if (rc !== 0) {
        link.destroy();
        this.emit('+MQTTDISCONNECTED:0');
        return this.emit('ERROR');
      }
      this.link = link;
      link.onMessage = (m) => this.emit(`+MQTTSUBRECV:0,"${m.topic}",${m.payload.length},`, m.payload);
      link.onClose(() => this.emit('+MQTTDISCONNECTED:0'));
      this.emit(`+MQTTCONNECTED:0,${u.scheme},"${host}","${port}","",${reconnect}`);
      return this.emit('OK');
    }
    if ((p = get('MQTTSUB'))) {
      const topic = str(p, 1);
      const qos = int(p, 2, 0, 2);
      if (p.length < 3 || p.length > 4 || topic === undefined || qos === undefined || bytes(topic) > 128 || !this.link) return this.emit('ERROR');
      const granted = await this.link.subscribe(1, topic, qos as QoS);
      return this.emit(granted >= 0 && granted < 0x80 ? 'OK' : 'ERROR');
    }
    if ((p = get('MQTTUNSUB'))) {
      const topic = str(p, 1);
      if (p.length < 2 || topic === undefined || !this.link) return this.emit('ERROR');
      return this.emit((await this.link.unsubscribe(2, topic)) ? 'OK' : 'ERROR');
    }
    if ((p = get('MQTTPUB'))) {
      const [topic, data] = [str(p, 1), str(p, 2)];
      const [qos, retain] = [int(p, 3, 0, 2), int(p, 4, 0, 1)];
      if (p.length < 5 || p.length > 6 || topic === undefined || data === undefined || data === '' || qos === undefined || retain === undefined || bytes(topic) > 128 || !this.link) return this.emit('ERROR');
      const ok = await this.link.publish(topic, new TextEncoder().encode(data), qos as QoS, retain === 1, 3);
      return this.emit(ok ? 'OK' : 'ERROR');
    }
    if ((p = get('MQTTPUBRAW'))) {
      const topic = str(p, 1);
      const [length, qos, retain] = [int(p, 2, 1, 1 << 20), int(p, 3, 0, 2), int(p, 4, 0, 1)];
      if (p.length < 5 || p.length > 6 || topic === undefined || length === undefined || qos === undefined || retain === undefined || bytes(topic) > 128 || !this.link) return this.emit('ERROR');
      const link = this.link;
      return this.prompt(length, async (data) => {
        this.emit((await link.publish(topic, data, qos as QoS, retain === 1, 4)) ? '+MQTTPUB:OK' : '+MQTTPUB:FAIL');
      }, ['OK']);
    }
    if ((p = get('MQTTCLEAN'))) {
      if (p.length !== 1 || int(p, 0, 0, 0) === undefined) return this.emit('ERROR');
      this.close();
      this.user = undefined;
      return this.emit('OK');
    }
    this.emit('ERROR');
  }

  close(): void {
    const link = this.link;
    this.link = undefined;
    link?.close();
  }
}
