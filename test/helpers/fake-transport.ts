/**
 * A scripted Transport and a virtual Clock for the probe core: the cases real sockets on loopback cannot make
 * (a dropped SYN, a DNS timeout, a server that never finishes a handshake), and bookkeeping that proves a probe
 * leaves no link open and no timer pending. Time moves only when an operation hangs: `hang` advances the clock
 * to the next timer, as if the bound ran out while nothing happened.
 */
import type { Clock, Link, ResolvedAddress, TlsFacts, Transport } from '../../src/probe/index.js';
import { TransportError } from '../../src/probe/index.js';

export class VirtualClock implements Clock {
  private time = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  elapsed = () => this.time;
  setTimer(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return () => this.timers.delete(id);
  }
  /** Timers not yet fired or cancelled. */
  get pending(): number {
    return this.timers.size;
  }
  /** Jump to the earliest timer and fire it. */
  advance(): void {
    const next = [...this.timers].sort((a, b) => a[1].at - b[1].at)[0];
    if (!next) return;
    this.timers.delete(next[0]);
    this.time = next[1].at;
    next[1].fn();
  }
}

/** What the server does with the client's bytes on one link: answer, close, or nothing. */
export type Server = (bytes: Uint8Array, link: FakeLink) => void;

export class FakeLink implements Link {
  closed = false;
  readonly written: Uint8Array[] = [];
  private dataListeners: ((bytes: Uint8Array) => void)[] = [];
  private closeListeners: ((error: TransportError | null) => void)[] = [];
  constructor(
    readonly layer: 'tcp' | 'tls' | 'websocket',
    private readonly server: Server,
    private readonly below?: FakeLink,
  ) {}
  write(bytes: Uint8Array): void {
    this.written.push(bytes);
    queueMicrotask(() => this.server(bytes, this));
  }
  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }
  onClose(listener: (error: TransportError | null) => void): void {
    this.closeListeners.push(listener);
  }
  close(): void {
    this.closed = true;
    this.below?.close();
  }
  /** Server side: send bytes to the client. */
  send(bytes: number[]): void {
    for (const l of this.dataListeners) l(Uint8Array.from(bytes));
  }
  /** Server side: hang up. */
  hangUp(error: TransportError | null = null): void {
    this.closed = true;
    for (const l of this.closeListeners) l(error);
  }
}

/** An operation's scripted result: a value, a failure code, or no answer until aborted. */
export type Step<T> = T | { fail: string; status?: number } | 'hang';

export interface Script {
  resolve?: Step<ResolvedAddress[]>;
  /** One entry per tcp() call (the second is a sniff); the last repeats. */
  tcp?: Step<'ok'>[];
  tls?: Step<TlsFacts>[];
  websocket?: Step<'ok'>;
  /** The server behind each layer; `plain` answers on a bare TCP link (also the sniff). */
  server?: { plain?: Server; tls?: Server; websocket?: Server };
}

export const silent: Server = () => {};

/** A server that never answers, while virtual time runs on to the step's bound. */
export function stall(clock: VirtualClock): Server {
  return () => setImmediate(() => clock.advance());
}

export const goodFacts: TlsFacts = {
  protocol: 'TLSv1.3',
  servername: 'broker.test',
  chainError: null,
  hostnameError: null,
  certificate: { subject: 'CN=broker.test', issuer: 'CN=Test CA', altNames: 'DNS:broker.test', validFrom: Date.UTC(2025, 0, 1), validTo: Date.UTC(2027, 0, 1) },
};

export class FakeTransport implements Transport {
  readonly links: FakeLink[] = [];
  readonly calls: string[] = [];
  private tcpCalls = 0;
  private tlsCalls = 0;
  constructor(
    private readonly script: Script,
    private readonly clock: VirtualClock,
  ) {}

  /** Links still open: a probe must leave none. */
  get open(): FakeLink[] {
    return this.links.filter((l) => !l.closed);
  }

  private run<T>(step: Step<T> | undefined, fallback: T, signal: AbortSignal, make: (value: T) => T = (v) => v): Promise<T> {
    const chosen = step === undefined ? fallback : step;
    return new Promise<T>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new TransportError('ABORTED', 'aborted')), { once: true });
      if (chosen === 'hang') {
        // Nothing happens: let virtual time run to the step's bound.
        setImmediate(() => this.clock.advance());
        return;
      }
      if (typeof chosen === 'object' && chosen !== null && 'fail' in chosen) {
        const f = chosen as { fail: string; status?: number };
        queueMicrotask(() => reject(new TransportError(f.fail, f.fail, f.status === undefined ? {} : { status: f.status })));
        return;
      }
      queueMicrotask(() => resolve(make(chosen as T)));
    });
  }

  resolve(host: string, signal: AbortSignal): Promise<readonly ResolvedAddress[]> {
    this.calls.push(`resolve ${host}`);
    return this.run(this.script.resolve, [{ address: '192.0.2.1', family: 4 }], signal);
  }

  async tcp(address: ResolvedAddress, port: number, signal: AbortSignal): Promise<Link> {
    this.calls.push(`tcp ${address.address}:${port}`);
    const steps = this.script.tcp ?? ['ok'];
    const step = steps[Math.min(this.tcpCalls++, steps.length - 1)];
    await this.run(step, 'ok', signal);
    return this.track(new FakeLink('tcp', this.script.server?.plain ?? silent));
  }

  async tls(link: Link, options: { host: string }, signal: AbortSignal): Promise<{ link: Link; facts: TlsFacts }> {
    this.calls.push(`tls ${options.host}`);
    const steps = this.script.tls ?? [goodFacts];
    const facts = await this.run(steps[Math.min(this.tlsCalls++, steps.length - 1)], goodFacts, signal);
    return { link: this.track(new FakeLink('tls', this.script.server?.tls ?? silent, link as FakeLink)), facts };
  }

  async websocket(link: Link, options: { url: string }, signal: AbortSignal): Promise<Link> {
    this.calls.push(`websocket ${options.url}`);
    await this.run(this.script.websocket, 'ok', signal);
    return this.track(new FakeLink('websocket', this.script.server?.websocket ?? silent, link as FakeLink));
  }

  private track(link: FakeLink): FakeLink {
    this.links.push(link);
    return link;
  }
}

/** A broker that answers CONNECT with this CONNACK return code (3.1.1 layout). */
export function connackServer(code: number, version: 4 | 5 = 4): Server {
  return (bytes, link) => {
    if (bytes[0] !== 0x10) return;
    // 5.0 adds a zero-length property block [MQTT-3.2.2.3].
    link.send(version === 5 ? [0x20, 0x03, 0x00, code, 0x00] : [0x20, 0x02, 0x00, code]);
  };
}
