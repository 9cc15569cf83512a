/**
 * The MQTT client inside a simulated modem: a real TCP socket to the broker and this project's codec for every
 * packet, so what the modem "does" is what reaches mosquitto. QoS 1 and 2 handshakes are completed as a modem would.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { encode } from '../../../src/mqtt/encode.js';
import { decodeAll } from '../../../src/mqtt/decode.js';
import type { ConnectPacket, Packet, QoS } from '../../../src/mqtt/types.js';

export interface Incoming {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly messageId: number;
}

export class MqttLink {
  private socket: Socket | undefined;
  private buffer = Buffer.alloc(0);
  private waiters: { match: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];
  private closedHandlers: (() => void)[] = [];
  onMessage: (m: Incoming) => void = () => {};

  /** Opens the TCP connection; rejects when the broker cannot be reached. */
  open(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host, port });
      socket.once('connect', () => {
        this.socket = socket;
        resolve();
      });
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => this.receive(chunk));
      socket.on('close', () => {
        this.socket = undefined;
        for (const h of this.closedHandlers) h();
        // Whoever waits for a reply on a closed socket gets a DISCONNECT so the modem can answer with its failure form.
        for (const w of this.waiters.splice(0)) w.resolve({ cmd: 'disconnect' });
      });
    });
  }

  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  onClose(handler: () => void): void {
    this.closedHandlers.push(handler);
  }

  /** Sends the CONNECT and resolves with the CONNACK return code (or -1 when the broker just closed). */
  async login(packet: ConnectPacket): Promise<number> {
    const reply = this.expect((p) => p.cmd === 'connack');
    this.send(packet);
    const p = await reply;
    return p.cmd === 'connack' ? (p.returnCode ?? 0) : -1;
  }

  async subscribe(messageId: number, topic: string, qos: QoS): Promise<number> {
    const reply = this.expect((p) => p.cmd === 'suback' && p.messageId === messageId);
    this.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos }] });
    const p = await reply;
    return p.cmd === 'suback' ? p.granted[0]! : -1;
  }

  async unsubscribe(messageId: number, topic: string): Promise<boolean> {
    const reply = this.expect((p) => p.cmd === 'unsuback' && p.messageId === messageId);
    this.send({ cmd: 'unsubscribe', messageId, unsubscriptions: [topic] });
    return (await reply).cmd === 'unsuback';
  }

  async publish(topic: string, payload: Uint8Array, qos: QoS, retain: boolean, messageId: number): Promise<boolean> {
    if (qos === 0) {
      this.send({ cmd: 'publish', topic, payload, qos, retain });
      return this.isOpen;
    }
    const ack = this.expect((p) => (p.cmd === 'puback' || p.cmd === 'pubrec') && p.messageId === messageId);
    this.send({ cmd: 'publish', topic, payload, qos, retain, messageId });
    const first = await ack;
    if (first.cmd === 'puback') return true;
    if (first.cmd !== 'pubrec') return false;
    const done = this.expect((p) => p.cmd === 'pubcomp' && p.messageId === messageId);
    this.send({ cmd: 'pubrel', messageId });
    return (await done).cmd === 'pubcomp';
  }

  close(): void {
    if (this.socket) this.send({ cmd: 'disconnect' });
    this.socket?.end();
  }

  destroy(): void {
    this.socket?.destroy();
  }

  private send(packet: Packet): void {
    this.socket?.write(encode(packet));
  }

  private expect(match: (p: Packet) => boolean): Promise<Packet> {
    return new Promise((resolve) => {
      if (!this.socket) return resolve({ cmd: 'disconnect' });
      this.waiters.push({ match, resolve });
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const { packets, rest } = decodeAll(this.buffer);
    this.buffer = Buffer.from(rest);
    for (const p of packets) {
      if (p.cmd === 'publish') {
        if (p.qos === 1) this.send({ cmd: 'puback', messageId: p.messageId! });
        if (p.qos === 2) this.send({ cmd: 'pubrec', messageId: p.messageId! });
        const payload = typeof p.payload === 'string' ? new TextEncoder().encode(p.payload) : new Uint8Array(p.payload);
        this.onMessage({ topic: p.topic, payload, messageId: p.messageId ?? 0 });
        continue;
      }
      if (p.cmd === 'pubrel') {
        this.send({ cmd: 'pubcomp', messageId: p.messageId });
        continue;
      }
      const i = this.waiters.findIndex((w) => w.match(p));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(p);
    }
  }
}
