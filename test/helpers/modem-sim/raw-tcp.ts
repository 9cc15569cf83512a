/**
 * A simulated modem in raw TCP mode, one class for the four socket dialects, written from the manuals cited in
 * src/format/at.ts: ESP-AT `AT+CIPSTART` / `AT+CIPSEND=<n>`, SIM800 `AT+CIPSTART` / `AT+CIPSEND=<n>`, SIM7600/A76xx
 * `AT+NETOPEN` / `AT+CIPOPEN` / `AT+CIPSEND=<link>,<n>`, Quectel `AT+QIOPEN` / `AT+QISENDEX` (hex, ≤ 256 data bytes: the safe reading of the manual's 512). Bytes go to
 * the broker as they are; what the broker sends back is kept (and shown as the dialect's receive URC).
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { splitParams } from '../../../src/format/at-escape.js';
import { paramsOf, SerialModem } from './serial.js';

export type RawDialect = 'esp8266' | 'sim800' | 'sim7600' | 'quectel';
const LIMIT: Record<RawDialect, number> = { esp8266: 2048, sim800: 1460, sim7600: 1500, quectel: 256 };

export class RawTcpModem extends SerialModem {
  protected readonly lineMax = 2048 + 64;
  private socket: Socket | undefined;
  private netOpen = false;
  /** Every byte the broker sent, in order. */
  received = Buffer.alloc(0);

  constructor(
    private readonly dialect: RawDialect,
    private readonly broker: { host: string; port: number },
  ) {
    super();
  }

  protected async command(line: string): Promise<void> {
    const p = (name: string) => {
      const t = paramsOf(line, name);
      return t === undefined ? undefined : (splitParams(t, 'plain') ?? []);
    };
    let q;
    if (this.dialect === 'sim7600' && line === 'AT+NETOPEN') {
      this.netOpen = true;
      this.emit('OK');
      return this.emit('+NETOPEN: 0');
    }
    if ((this.dialect === 'esp8266' || this.dialect === 'sim800') && (q = p('CIPSTART'))) {
      const port = this.dialect === 'sim800' ? (q[2]?.quoted ? q[2].value : undefined) : q[2]?.quoted ? undefined : q[2]?.value;
      if (q.length !== 3 || q[0]?.value !== 'TCP' || !q[0].quoted || !q[1]?.quoted || port === undefined) return this.emit('ERROR');
      if (this.dialect === 'sim800') this.emit('OK');
      const ok = await this.open(q[1].value, Number(port));
      if (this.dialect === 'esp8266') return ok ? (this.emit('CONNECT'), this.emit('OK')) : this.emit('ERROR');
      return this.emit(ok ? 'CONNECT OK' : 'CONNECT FAIL');
    }
    if (this.dialect === 'sim7600' && (q = p('CIPOPEN'))) {
      if (!this.netOpen || q.length !== 4 || q[0]?.value !== '0' || q[1]?.value !== 'TCP' || !q[2]?.quoted || q[3]?.quoted) return this.emit('ERROR');
      this.emit('OK');
      return this.emit(`+CIPOPEN: 0,${(await this.open(q[2].value, Number(q[3]!.value))) ? 0 : 4}`);
    }
    if (this.dialect === 'quectel' && (q = p('QIOPEN'))) {
      if (q.length !== 7 || q[2]?.value !== 'TCP' || !q[3]?.quoted || q[6]?.value !== '1') return this.emit('ERROR');
      this.emit('OK');
      return this.emit(`+QIOPEN: 0,${(await this.open(q[3].value, Number(q[4]!.value))) ? 0 : 566}`);
    }
    if (this.dialect === 'quectel' && (q = p('QISENDEX'))) {
      const hex = q[1]?.quoted ? q[1].value : '';
      if (q.length !== 2 || q[0]?.value !== '0' || !/^([0-9A-Fa-f]{2})+$/.test(hex) || hex.length / 2 > LIMIT.quectel || !this.socket) return this.emit('ERROR');
      this.socket.write(Buffer.from(hex, 'hex'));
      return this.emit('SEND OK');
    }
    if ((q = p('CIPSEND'))) {
      const link = this.dialect === 'sim7600' ? q[0]?.value : undefined;
      const n = Number(q[this.dialect === 'sim7600' ? 1 : 0]?.value);
      const arity = this.dialect === 'sim7600' ? 2 : 1;
      if (q.length !== arity || (this.dialect === 'sim7600' && link !== '0') || !Number.isInteger(n) || n < 1 || n > LIMIT[this.dialect] || !this.socket) return this.emit('ERROR');
      const socket = this.socket;
      return this.prompt(n, (data) => {
        socket.write(data);
        if (this.dialect === 'esp8266') this.emit(`Recv ${n} bytes`);
        if (this.dialect === 'sim7600') {
          this.emit('OK');
          return this.emit(`+CIPSEND: 0,${n},${n}`);
        }
        this.emit('SEND OK');
      }, this.dialect === 'esp8266' ? ['OK'] : []);
    }
    this.emit('ERROR');
  }

  private open(host: string, port: number): Promise<boolean> {
    if (host !== this.broker.host || port !== this.broker.port || this.socket) return Promise.resolve(false);
    return new Promise((resolve) => {
      const socket = tcpConnect({ host, port });
      socket.once('connect', () => {
        this.socket = socket;
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.on('data', (chunk: Buffer) => {
        this.received = Buffer.concat([this.received, chunk]);
        const urc = this.dialect === 'esp8266' ? `+IPD,${chunk.length}:` : this.dialect === 'quectel' ? `+QIURC: "recv",0,${chunk.length}` : `+IPD${chunk.length}`;
        this.emit(urc, new Uint8Array(chunk));
      });
      socket.on('close', () => (this.socket = undefined));
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}
