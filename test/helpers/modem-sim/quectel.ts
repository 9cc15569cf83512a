/**
 * A simulated Quectel module's QMT (MQTT) commands, written from the Quectel LTE Standard / EC2x MQTT Application
 * Notes: AT+QMTCFG only before AT+QMTOPEN, quoted strings without escapes, QMTOPEN then QMTCONN, the msgID rules
 * (0 exactly for QoS 0), QMTPUBEX's `>` step with an exact length ≤ 4096, and the URCs +QMTOPEN, +QMTCONN,
 * +QMTSUB, +QMTPUBEX, +QMTRECV (recv/mode 0,0,1: with the length). The MQTT exchange is real (MqttLink).
 */
import { splitParams } from '../../../src/format/at-escape.js';
import type { ConnectPacket, QoS } from '../../../src/mqtt/types.js';
import { MqttLink } from './mqtt-link.js';
import { paramsOf, SerialModem } from './serial.js';

type P = { value: string; quoted: boolean }[];
const int = (p: P, i: number, min: number, max: number): number | undefined => {
  const x = p[i];
  if (!x || x.quoted || !/^-?\d+$/.test(x.value)) return undefined;
  const n = Number(x.value);
  return n >= min && n <= max ? n : undefined;
};
const str = (p: P, i: number): string | undefined => (p[i]?.quoted ? p[i]!.value : undefined);

export class QuectelModem extends SerialModem {
  protected readonly lineMax = 1024;
  private cfg = { version: 4, keepalive: 120, clean: true, will: undefined as ConnectPacket['will'], recvLength: false };
  private link: MqttLink | undefined;
  private connected = false;

  constructor(private readonly broker: { host: string; port: number }) {
    super();
  }

  protected async command(line: string): Promise<void> {
    let p: P | undefined;
    const get = (name: string): P | undefined => {
      const text = paramsOf(line, name);
      return text === undefined ? undefined : (splitParams(text, 'plain') ?? []);
    };
    if ((p = get('QMTCFG'))) {
      // The manual: configure before opening the network for the client.
      if (this.link || int(p, 1, 0, 5) !== 0) return this.emit('ERROR');
      const key = str(p, 0);
      if (key === 'version' && p.length === 3 && int(p, 2, 3, 4) !== undefined) this.cfg.version = int(p, 2, 3, 4)!;
      else if (key === 'keepalive' && p.length === 3 && int(p, 2, 0, 3600) !== undefined) this.cfg.keepalive = int(p, 2, 0, 3600)!;
      else if (key === 'session' && p.length === 3 && int(p, 2, 0, 1) !== undefined) this.cfg.clean = int(p, 2, 0, 1) === 1;
      else if (key === 'recv/mode' && p.length === 4 && int(p, 2, 0, 1) === 0 && int(p, 3, 0, 1) !== undefined) this.cfg.recvLength = int(p, 3, 0, 1) === 1;
      else if (key === 'will' && p.length === 7 && int(p, 2, 1, 1) === 1 && int(p, 3, 0, 2) !== undefined && int(p, 4, 0, 1) !== undefined && str(p, 5) && str(p, 6) !== undefined) {
        this.cfg.will = { topic: str(p, 5)!, payload: str(p, 6)!, qos: int(p, 3, 0, 2) as QoS, retain: int(p, 4, 0, 1) === 1 };
      } else return this.emit('ERROR');
      return this.emit('OK');
    }
    if ((p = get('QMTOPEN'))) {
      const host = str(p, 1);
      const port = int(p, 2, 1, 65535);
      if (p.length !== 3 || int(p, 0, 0, 5) !== 0 || host === undefined || port === undefined || this.link) return this.emit('ERROR');
      this.emit('OK');
      if (host !== this.broker.host || port !== this.broker.port) return this.emit('+QMTOPEN: 0,4');
      const link = new MqttLink();
      try {
        await link.open(this.broker.host, this.broker.port);
      } catch {
        return this.emit('+QMTOPEN: 0,5');
      }
      this.link = link;
      link.onClose(() => {
        if (this.link === link) this.emit('+QMTSTAT: 0,1');
        this.link = undefined;
        this.connected = false;
      });
      return this.emit('+QMTOPEN: 0,0');
    }
    if ((p = get('QMTCONN'))) {
      const [clientId, username, password] = [str(p, 1), str(p, 2), str(p, 3)];
      if (p.length < 2 || p.length > 4 || int(p, 0, 0, 5) !== 0 || clientId === undefined || (p.length >= 3 && username === undefined) || (p.length === 4 && password === undefined) || !this.link || this.connected) return this.emit('ERROR');
      this.emit('OK');
      const rc = await this.link.login({
        cmd: 'connect',
        protocolVersion: this.cfg.version as 3 | 4,
        clientId,
        ...(username !== undefined ? { username } : {}),
        ...(password !== undefined ? { password } : {}),
        keepalive: this.cfg.keepalive,
        clean: this.cfg.clean,
        ...(this.cfg.will ? { will: this.cfg.will } : {}),
      });
      if (rc < 0) return this.emit('+QMTCONN: 0,2');
      this.connected = rc === 0;
      this.link.onMessage = (m) => this.emit(this.cfg.recvLength ? `+QMTRECV: 0,${m.messageId},"${m.topic}",${m.payload.length},"` : `+QMTRECV: 0,${m.messageId},"${m.topic}","`, m.payload);
      return this.emit(`+QMTCONN: 0,0,${rc}`);
    }
    if ((p = get('QMTSUB'))) {
      const id = int(p, 1, 1, 65535);
      const topic = str(p, 2);
      const qos = int(p, 3, 0, 2);
      if (p.length !== 4 || int(p, 0, 0, 5) !== 0 || id === undefined || topic === undefined || qos === undefined || !this.link || !this.connected) return this.emit('ERROR');
      this.emit('OK');
      const granted = await this.link.subscribe(id, topic, qos as QoS);
      return this.emit(granted < 0 ? `+QMTSUB: 0,${id},2` : `+QMTSUB: 0,${id},0,${granted}`);
    }
    if ((p = get('QMTUNS'))) {
      const id = int(p, 1, 1, 65535);
      const topic = str(p, 2);
      if (p.length !== 3 || id === undefined || topic === undefined || !this.link || !this.connected) return this.emit('ERROR');
      this.emit('OK');
      return this.emit(`+QMTUNS: 0,${id},${(await this.link.unsubscribe(id, topic)) ? 0 : 2}`);
    }
    if ((p = get('QMTPUBEX'))) {
      const [id, qos, retain] = [int(p, 1, 0, 65535), int(p, 2, 0, 2), int(p, 3, 0, 1)];
      const topic = str(p, 4);
      const length = int(p, 5, 1, 4096);
      const idOk = id !== undefined && qos !== undefined && (qos === 0 ? id === 0 : id > 0);
      if (p.length !== 6 || int(p, 0, 0, 5) !== 0 || !idOk || retain === undefined || topic === undefined || length === undefined || !this.link || !this.connected) return this.emit('ERROR');
      const link = this.link;
      return this.prompt(length, async (data) => {
        this.emit('OK');
        const ok = await link.publish(topic, data, qos as QoS, retain === 1, id!);
        this.emit(`+QMTPUBEX: 0,${id},${ok ? 0 : 2}`);
      });
    }
    if ((p = get('QMTDISC'))) {
      if (p.length !== 1 || int(p, 0, 0, 5) !== 0 || !this.link) return this.emit('ERROR');
      this.emit('OK');
      this.close();
      return this.emit('+QMTDISC: 0,0');
    }
    this.emit('ERROR');
  }

  close(): void {
    const link = this.link;
    this.link = undefined;
    this.connected = false;
    link?.close();
  }
}
