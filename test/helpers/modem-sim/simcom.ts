/**
 * A simulated SIMCom SIM7600/A76xx's CMQTT commands, written from the SIM7500_SIM7600 MQTT(S) AT Command Manual:
 * CMQTTSTART first, CMQTTACCQ (client id 1–128 bytes) before CONNECT, the `>` steps of WILLTOPIC/WILLMSG/SUBTOPIC/
 * TOPIC/PAYLOAD with exact lengths, CONNECT's "tcp://host:port" and 1–64800 s keepalive, and the URCs +CMQTTCONNECT
 * (<err> 27–31 = CONNACK 1–5), +CMQTTSUB, +CMQTTPUB and the +CMQTTRX… block. The MQTT exchange is real (MqttLink).
 */
import { splitParams } from '../../../src/format/at-escape.js';
import type { QoS } from '../../../src/mqtt/types.js';
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
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

export class SimcomModem extends SerialModem {
  protected readonly lineMax = 1024;
  private started = false;
  private clientId: string | undefined;
  private will: { topic?: string; payload?: Uint8Array; qos?: QoS } = {};
  private subTopics: { topic: string; qos: QoS }[] = [];
  private unsubTopics: string[] = [];
  private pub: { topic?: string; payload?: Uint8Array } = {};
  private link: MqttLink | undefined;
  private nextId = 1;

  constructor(private readonly broker: { host: string; port: number }) {
    super();
  }

  protected async command(line: string): Promise<void> {
    let p: P | undefined;
    const get = (name: string): P | undefined => {
      const t = paramsOf(line, name);
      return t === undefined ? undefined : (splitParams(t, 'plain') ?? []);
    };
    if (line === 'AT+CMQTTSTART') {
      if (this.started) return this.emit('+CMQTTSTART: 23');
      this.started = true;
      this.emit('OK');
      return this.emit('+CMQTTSTART: 0');
    }
    if (!this.started) return this.emit('ERROR');
    if ((p = get('CMQTTACCQ'))) {
      const id = str(p, 1);
      if (p.length < 2 || p.length > 3 || int(p, 0, 0, 1) !== 0 || id === undefined || Buffer.byteLength(id) < 1 || Buffer.byteLength(id) > 128 || this.clientId !== undefined) return this.emit('ERROR');
      if (p.length === 3 && int(p, 2, 0, 1) !== 0) return this.emit('ERROR');
      this.clientId = id;
      return this.emit('OK');
    }
    const dataStep = (name: string, max: number, store: (d: Uint8Array, p: P) => void, extra = 0): boolean => {
      const q = get(name);
      if (!q) return false;
      const length = int(q, 1, 1, max);
      if (q.length !== 2 + extra || int(q, 0, 0, 1) !== 0 || length === undefined || this.clientId === undefined) {
        this.emit('ERROR');
        return true;
      }
      this.prompt(length, (d) => {
        store(d, q);
        this.emit('OK');
      });
      return true;
    };
    if (dataStep('CMQTTWILLTOPIC', 1024, (d) => (this.will.topic = text(d)))) return;
    if (dataStep('CMQTTWILLMSG', 1024, (d, q) => ((this.will.payload = d), (this.will.qos = int(q, 2, 0, 2) as QoS)), 1)) return;
    if (dataStep('CMQTTSUBTOPIC', 1024, (d, q) => this.subTopics.push({ topic: text(d), qos: int(q, 2, 0, 2) as QoS }), 1)) return;
    if (dataStep('CMQTTUNSUBTOPIC', 1024, (d) => this.unsubTopics.push(text(d)))) return;
    if (dataStep('CMQTTTOPIC', 1024, (d) => (this.pub.topic = text(d)))) return;
    if (dataStep('CMQTTPAYLOAD', 10240, (d) => (this.pub.payload = d))) return;
    if ((p = get('CMQTTCONNECT'))) {
      const server = str(p, 1);
      const keepalive = int(p, 2, 1, 64800);
      const clean = int(p, 3, 0, 1);
      const [username, password] = [str(p, 4), str(p, 5)];
      if (p.length < 4 || p.length > 6 || int(p, 0, 0, 1) !== 0 || server === undefined || keepalive === undefined || clean === undefined || (p.length >= 5 && username === undefined) || (p.length === 6 && password === undefined) || this.clientId === undefined || this.link) return this.emit('ERROR');
      this.emit('OK');
      if (server !== `tcp://${this.broker.host}:${this.broker.port}`) return this.emit('+CMQTTCONNECT: 0,25');
      const link = new MqttLink();
      try {
        await link.open(this.broker.host, this.broker.port);
      } catch {
        return this.emit('+CMQTTCONNECT: 0,3');
      }
      const will = this.will.topic !== undefined && this.will.payload ? { topic: this.will.topic, payload: this.will.payload, qos: this.will.qos ?? 0 } : undefined;
      const rc = await link.login({ cmd: 'connect', protocolVersion: 4, clientId: this.clientId, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}), keepalive, clean: clean === 1, ...(will ? { will } : {}) });
      if (rc !== 0) {
        link.destroy();
        return this.emit(`+CMQTTCONNECT: 0,${rc > 0 ? 26 + rc : 26}`);
      }
      this.link = link;
      link.onMessage = (m) => {
        const topic = Buffer.from(m.topic);
        this.emit(`+CMQTTRXSTART: 0,${topic.length},${m.payload.length}`);
        this.emit(`+CMQTTRXTOPIC: 0,${topic.length}`);
        this.emit(m.topic);
        this.emit(`+CMQTTRXPAYLOAD: 0,${m.payload.length}`);
        this.emit('', m.payload);
        this.emit('+CMQTTRXEND: 0');
      };
      link.onClose(() => {
        if (this.link === link) this.emit('+CMQTTCONNLOST: 0,1');
        this.link = undefined;
      });
      return this.emit('+CMQTTCONNECT: 0,0');
    }
    if ((p = get('CMQTTSUB'))) {
      if (p.length !== 1 || int(p, 0, 0, 1) !== 0 || !this.link || this.subTopics.length === 0) return this.emit('ERROR');
      this.emit('OK');
      let err = 0;
      for (const s of this.subTopics.splice(0)) if ((await this.link.subscribe(this.nextId++, s.topic, s.qos)) >= 0x80) err = 1;
      return this.emit(`+CMQTTSUB: 0,${err}`);
    }
    if ((p = get('CMQTTUNSUB'))) {
      if (p.length !== 2 || !this.link || this.unsubTopics.length === 0) return this.emit('ERROR');
      this.emit('OK');
      for (const t of this.unsubTopics.splice(0)) await this.link.unsubscribe(this.nextId++, t);
      return this.emit('+CMQTTUNSUB: 0,0');
    }
    if ((p = get('CMQTTPUB'))) {
      const qos = int(p, 1, 0, 2);
      const timeout = int(p, 2, 60, 180);
      const retain = p.length >= 4 ? int(p, 3, 0, 1) : 0;
      if (p.length < 3 || p.length > 5 || int(p, 0, 0, 1) !== 0 || qos === undefined || timeout === undefined || retain === undefined || !this.link || this.pub.topic === undefined) return this.emit('ERROR');
      this.emit('OK');
      const ok = await this.link.publish(this.pub.topic, this.pub.payload ?? new Uint8Array(), qos as QoS, retain === 1, this.nextId++);
      this.pub = {};
      return this.emit(`+CMQTTPUB: 0,${ok ? 0 : 1}`);
    }
    if ((p = get('CMQTTDISC'))) {
      if (p.length !== 2 || !this.link) return this.emit('ERROR');
      this.emit('OK');
      this.close();
      return this.emit('+CMQTTDISC: 0,0');
    }
    if ((p = get('CMQTTREL'))) {
      if (p.length !== 1 || this.link || this.clientId === undefined) return this.emit('ERROR');
      this.clientId = undefined;
      return this.emit('OK');
    }
    if (line === 'AT+CMQTTSTOP') {
      this.started = false;
      this.emit('OK');
      return this.emit('+CMQTTSTOP: 0');
    }
    this.emit('ERROR');
  }

  close(): void {
    const link = this.link;
    this.link = undefined;
    link?.close();
  }
}
