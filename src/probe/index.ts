/**
 * probe(): walk a connection up its layers (dns → tcp → tls → websocket → mqtt → roundtrip) and give each
 * step a verdict, a time and, when it fails, the likely cause. Pure dialogue: sockets come from the Transport,
 * time from the Clock; every step is bounded by opts.timeoutMs, and everything opened is closed before returning.
 */
import { bounded, type Outcome } from './bounded.js';
import {
  certificateCause,
  connackCause,
  connackMeaning,
  dnsCause,
  errorCode,
  foreignCause,
  isoDate,
  oversizeCause,
  tcpCause,
  tlsHandshakeCause,
  tlsNotSpoken,
  wsRefusedCause,
} from './diagnose.js';
import { connectFrom, encode, type ConnackPacket, type ProtocolVersion } from '../mqtt/index.js';
import { roundtrip, type Progress } from './roundtrip.js';
import { Session } from './session.js';
import { firstBytes, handshakes } from './sniff.js';
import { targetUrl } from './target.js';
import type { Link, ProbeOptions, ProbeResult, ProbeTarget, ResolvedAddress, StepName, StepResult, Text, Transport } from './types.js';
import { TransportError, WS_BAD_SUBPROTOCOL, WS_BAD_UPGRADE, WS_HTTP_STATUS, WS_NOT_HTTP } from './types.js';

export { parseTarget, targetUrl, defaultPorts, DEFAULT_WS_PATH } from './target.js';
export { connackMeaning, connackCause, connackPlatforms } from './diagnose.js';
export { recognise } from './recognise.js';
export { probeReport, probeText, type ProbeReport, type ReportPaint } from './report.js';
export * from './types.js';

/** Stop walking: a step failed or the probe was aborted. */
class Stop extends Error {}

export async function probe(target: ProbeTarget, options: ProbeOptions, transport: Transport): Promise<ProbeResult> {
  const run = new Run(target, options, transport);
  try {
    await run.walk();
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  } finally {
    run.closeAll();
  }
  return run.result();
}

const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The clientId of a probe without one: 22 characters, inside MQTT 3.1's limit of 23. */
export function probeClientId(random: string): string {
  return `mqtt-sign-probe-${random.slice(0, 6)}`;
}

class Run {
  private readonly steps: StepResult[] = [];
  private readonly links = new Set<Link>();
  private connack: ProbeResult['connack'] = null;
  private aborted = false;
  private readonly version: ProtocolVersion;
  private readonly seconds: number;
  /** Encoded before any socket opens, so credentials the codec refuses are a usage error, not a network one. */
  private readonly connect: Uint8Array;

  constructor(
    private readonly target: ProbeTarget,
    private readonly options: ProbeOptions,
    private readonly transport: Transport,
  ) {
    this.version = options.protocolVersion ?? 4;
    this.seconds = options.timeoutMs / 1000;
    const credentials = options.credentials ?? { clientId: probeClientId(options.random), username: null, password: null };
    const packet = connectFrom(credentials, { protocolVersion: this.version, keepalive: options.keepalive ?? 60, clean: true });
    this.connect = encode(packet, { protocolVersion: this.version });
  }

  result(): ProbeResult {
    const ok = !this.aborted && this.steps.length > 0 && this.steps.every((s) => s.ok);
    return { ok, target: this.target, steps: this.steps, connack: this.connack, aborted: this.aborted };
  }

  /** Outermost layer first (WebSocket, TLS, TCP): a TLS socket must not lose the TCP socket under it while it runs. */
  closeAll(): void {
    for (const link of [...this.links].reverse()) link.close();
    this.links.clear();
  }

  async walk(): Promise<void> {
    const { transport: kind } = this.target;
    let { link, address } = await this.tcp(await this.dns());
    if (kind === 'mqtts' || kind === 'wss') link = await this.tls(link, address);
    if (kind === 'ws' || kind === 'wss') link = await this.websocket(link, address);
    const session = await this.mqtt(link, address);
    if (this.options.roundtrip) await this.roundtrip(session);
    else session.send({ cmd: 'disconnect' });
  }

  // ── steps ───────────────────────────────────────────────────────────────────────────────────────────────

  private async dns(): Promise<readonly ResolvedAddress[]> {
    const { host } = this.target;
    const start = this.options.clock.elapsed();
    const literal = ipv4.test(host) ? 4 : host.includes(':') ? 6 : null;
    if (literal !== null) {
      this.record('dns', start, true, { code: 'probe.dns.literal', params: { host } }, null);
      return [{ address: host, family: literal }];
    }
    const outcome = await this.bound((signal) => this.transport.resolve(host, signal));
    const addresses = this.settle('dns', start, outcome, (error) => dnsCause(error, host), { code: 'probe.cause.dns-timeout', params: { host, seconds: this.seconds } });
    const first = addresses[0];
    if (!first) return this.fail('dns', start, { code: 'probe.dns.empty', params: { host } }, { code: 'probe.cause.dns-notfound', params: { host } });
    const list = (family: 4 | 6) => addresses.filter((a) => a.family === family).map((a) => a.address).join(', ') || '—';
    this.record('dns', start, true, { code: 'probe.dns.ok', params: { host, a: list(4), aaaa: list(6), address: first.address } }, null);
    return addresses;
  }

  /** Try the addresses in the resolver's order, as clients do; the first that connects is used. */
  private async tcp(addresses: readonly ResolvedAddress[]): Promise<{ link: Link; address: ResolvedAddress }> {
    const { port } = this.target;
    const start = this.options.clock.elapsed();
    const skipped: string[] = [];
    let first: { outcome: Exclude<Outcome<Link>, { kind: 'done' }>; address: ResolvedAddress } | undefined;
    for (const address of addresses) {
      const outcome = await this.bound((signal) => this.transport.tcp(address, port, signal), (late) => late.close());
      if (outcome.kind === 'done') {
        this.links.add(outcome.value);
        const params = { address: address.address, port, skipped: skipped.join(', ') };
        this.record('tcp', start, true, { code: skipped.length ? 'probe.tcp.ok-after' : 'probe.tcp.ok', params }, null);
        return { link: outcome.value, address };
      }
      if (outcome.kind === 'aborted') break;
      // An address that times out (an unrouted IPv6, say) does not stop the next one, as in a real client.
      skipped.push(`${address.address} (${outcome.kind === 'timeout' ? 'timeout' : errorCode(outcome.error)})`);
      first ??= { outcome, address };
    }
    // The first address is the one a device tries first: its failure is the diagnosis.
    const { outcome, address } = first ?? { outcome: { kind: 'aborted' as const }, address: addresses[0]! };
    return this.failed('tcp', start, outcome, (error) => tcpCause(error, address.address, port), {
      code: 'probe.cause.tcp-timeout',
      params: { address: address.address, port, seconds: this.seconds },
    });
  }

  private async tls(tcp: Link, address: ResolvedAddress): Promise<Link> {
    const { host } = this.target;
    const start = this.options.clock.elapsed();
    const outcome = await this.bound(
      (signal) => this.transport.tls(tcp, { host, ...(this.options.ca === undefined ? {} : { ca: this.options.ca }) }, signal),
      (late) => late.link.close(),
    );
    if (outcome.kind === 'failed' && tlsNotSpoken(outcome.error)) {
      // The server hung up on our ClientHello or answered in plain bytes: ask it in plain MQTT what it is.
      const answer = await this.sniff('tls', start, (signal) => firstBytes(this.transport, address, this.target.port, this.connect, signal));
      const cause: Text = answer ? foreignCause(answer, 'tls') : { code: 'probe.cause.tls-closed', params: { error: errorCode(outcome.error) } };
      return this.fail('tls', start, { code: 'probe.tls.failed', params: { error: errorCode(outcome.error) } }, cause);
    }
    const { link, facts } = this.settle('tls', start, outcome, (error) => tlsHandshakeCause(error), {
      code: 'probe.cause.tls-timeout',
      params: { seconds: this.seconds },
    });
    this.links.add(link);
    const cert = facts.certificate;
    const detail: Text = {
      code: cert ? 'probe.tls.ok' : 'probe.tls.ok-nocert',
      params: {
        protocol: facts.protocol ?? '?',
        subject: cert?.subject ?? '',
        issuer: cert?.issuer ?? '',
        validTo: cert ? isoDate(cert.validTo) : '',
        sni: facts.servername ?? '—',
        altNames: cert?.altNames ?? '',
      },
    };
    const problem = certificateCause(facts, host);
    if (problem && !this.options.insecure) return this.fail('tls', start, detail, problem);
    // The problem is rendered inside the detail from the same params (report.ts): it needs its own ({error}, {host}…).
    const insecure: Text = { code: 'probe.tls.insecure', params: { ...problem?.params, ...detail.params, problem: problem?.code } };
    this.record('tls', start, true, problem ? insecure : detail, null);
    return link;
  }

  private async websocket(below: Link, address: ResolvedAddress): Promise<Link> {
    const { path } = this.target;
    const url = targetUrl(this.target);
    const start = this.options.clock.elapsed();
    const outcome = await this.bound((signal) => this.transport.websocket(below, { url, protocol: 'mqtt' }, signal), (late) => late.close());
    if (outcome.kind === 'failed') {
      const code = errorCode(outcome.error);
      const { status, server, location } = outcome.error instanceof TransportError ? outcome.error : { status: undefined, server: undefined, location: undefined };
      let cause: Text;
      // A redirect (often ws:// to https://) is named with where it points: WebSocket clients do not follow it.
      if (code === WS_HTTP_STATUS && location !== undefined && status !== undefined && status >= 300 && status < 400) {
        cause = { code: 'probe.cause.ws-redirect', params: { status, path, server: server ?? '—', location } };
      } else if (code === WS_HTTP_STATUS) cause = { code: 'probe.cause.ws-status', params: { status: status ?? '?', path, server: server ?? '—' } };
      else if (code === WS_BAD_SUBPROTOCOL) cause = { code: 'probe.cause.ws-subprotocol', params: { path } };
      else if (code === WS_BAD_UPGRADE) cause = { code: 'probe.cause.ws-bad-upgrade', params: { path } };
      else if (code === WS_NOT_HTTP) cause = { code: 'probe.cause.ws-not-http', params: {} };
      else {
        // No HTTP answer at all: an MQTT broker hangs up on "GET …". Ask the port in MQTT what it is.
        const answer = this.target.transport === 'ws' ? await this.sniff('websocket', start, (signal) => firstBytes(this.transport, address, this.target.port, this.connect, signal)) : null;
        cause = answer ? foreignCause(answer, 'websocket') : { code: 'probe.cause.ws-closed', params: { error: code } };
      }
      return this.fail('websocket', start, { code: 'probe.websocket.failed', params: { path, error: code } }, cause);
    }
    const link = this.settle('websocket', start, outcome, () => ({ code: 'probe.cause.ws-closed', params: {} }), {
      code: 'probe.cause.ws-timeout',
      params: { path, seconds: this.seconds },
    });
    this.links.add(link);
    this.record('websocket', start, true, { code: 'probe.websocket.ok', params: { path, protocol: 'mqtt' } }, null);
    return link;
  }

  private async mqtt(link: Link, address: ResolvedAddress): Promise<Session> {
    const start = this.options.clock.elapsed();
    const session = new Session(link, this.version);
    const version = versionName(this.version);
    const outcome = await this.bound(async (signal) => {
      session.write(this.connect);
      return session.next(signal);
    });
    const arrival = this.settle('mqtt', start, outcome, (error) => ({ code: 'probe.cause.mqtt-failed', params: { error: errorCode(error) } }), {
      code: 'probe.cause.connack-timeout',
      params: { seconds: this.seconds },
    });
    if (arrival.kind === 'foreign') {
      const { bytes, size, limit } = arrival;
      const cause = size !== undefined && limit !== undefined ? oversizeCause(bytes, size, limit, true) : foreignCause(bytes, 'mqtt');
      return this.fail('mqtt', start, { code: 'probe.mqtt.foreign', params: { version } }, cause);
    }
    if (arrival.kind === 'closed') {
      // We closed it: the server's answer was a WebSocket message no MQTT client takes (too large, or text).
      const refused = wsRefusedCause(arrival.error);
      if (refused) return this.fail('mqtt', start, { code: 'probe.mqtt.foreign', params: { version } }, refused);
      // A TLS server hangs up on plain bytes: if the same port completes a handshake, that is the answer.
      const speaksTls =
        this.target.transport === 'mqtt' && (await this.sniff('mqtt', start, (signal) => handshakes(this.transport, address, this.target.port, this.target.host, signal))) === true;
      const cause: Text = speaksTls ? { code: 'probe.cause.tls-not-mqtt', params: { bytes: '' } } : { code: 'probe.cause.closed', params: { version } };
      return this.fail('mqtt', start, { code: 'probe.mqtt.closed', params: { version } }, cause);
    }
    // Session lets nothing but a CONNACK through first [MQTT-3.2.0-1].
    const packet = arrival.packet as ConnackPacket;
    const code = packet.returnCode ?? packet.reasonCode ?? 0;
    const meaning = connackMeaning(code, this.version);
    this.connack = { code, meaning };
    const detail: Text = { code: 'probe.mqtt.connack', params: { code, meaning: meaning.code, version } };
    if (code !== 0) return this.fail('mqtt', start, detail, connackCause(code, this.version, this.options.platform ?? 'generic'));
    this.record('mqtt', start, true, detail, null);
    return session;
  }

  private async roundtrip(session: Session): Promise<void> {
    const start = this.options.clock.elapsed();
    const topic = this.options.topic ?? `mqtt-sign/probe/${this.options.random.slice(0, 16)}`;
    const payload = `mqtt-sign probe ${this.options.random}`;
    const progress: Progress = { stage: 'SUBACK' };
    const outcome = await this.bound((signal) => roundtrip(session, topic, payload, signal, progress));
    const cause = this.settle('roundtrip', start, outcome, (error) => ({ code: 'probe.cause.mqtt-failed', params: { error: errorCode(error) } }), {
      code: 'probe.cause.roundtrip-timeout',
      params: { topic, stage: progress.stage, seconds: this.seconds },
    });
    if (cause) return this.fail('roundtrip', start, { code: 'probe.roundtrip.failed', params: { topic, stage: progress.stage } }, cause);
    session.send({ cmd: 'disconnect' });
    this.record('roundtrip', start, true, { code: 'probe.roundtrip.ok', params: { topic } }, null);
  }

  /**
   * A second connection to the same port, to learn what answered (see sniff.ts), inside what is left of the
   * step's time bound. Null when it told us nothing.
   */
  private async sniff<T>(step: StepName, start: number, work: (signal: AbortSignal) => Promise<T | null>): Promise<T | null> {
    const left = Math.max(1, this.options.timeoutMs - (this.options.clock.elapsed() - start));
    const outcome = await this.bound(work, undefined, left);
    if (outcome.kind === 'aborted') this.failed(step, start, outcome, () => ({ code: 'probe.cause.aborted' }), { code: 'probe.cause.aborted' });
    return outcome.kind === 'done' ? outcome.value : null;
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────────────────────

  /** Bound by the step timeout (or what is left of it) and the abort signal. */
  private bound<T>(work: (signal: AbortSignal) => Promise<T>, release?: (value: T) => void, limitMs = this.options.timeoutMs): Promise<Outcome<T>> {
    return bounded(work, limitMs, this.options.clock, this.options.signal, release);
  }

  /** The value of a finished step, or a recorded failure (throws Stop). */
  private settle<T>(step: StepName, start: number, outcome: Outcome<T>, onError: (error: unknown) => Text, onTimeout: Text): T {
    if (outcome.kind === 'done') return outcome.value;
    return this.failed(step, start, outcome, onError, onTimeout);
  }

  private failed(step: StepName, start: number, outcome: Exclude<Outcome<unknown>, { kind: 'done' }>, onError: (error: unknown) => Text, onTimeout: Text): never {
    switch (outcome.kind) {
      case 'aborted':
        this.aborted = true;
        return this.fail(step, start, { code: 'probe.step.aborted' }, { code: 'probe.cause.aborted' });
      case 'timeout':
        return this.fail(step, start, { code: 'probe.step.timeout', params: { seconds: this.seconds } }, onTimeout);
      case 'failed':
        return this.fail(step, start, { code: `probe.${step}.failed`, params: { error: errorCode(outcome.error) } }, onError(outcome.error));
    }
  }

  private fail(step: StepName, start: number, detail: Text, cause: Text): never {
    this.record(step, start, false, detail, cause);
    throw new Stop();
  }

  private record(step: StepName, start: number, ok: boolean, detail: Text, cause: Text | null): void {
    const ms = Math.round((this.options.clock.elapsed() - start) * 10) / 10;
    this.steps.push({ step, ok, ms, detail, cause });
  }
}

function versionName(version: ProtocolVersion): string {
  return version === 3 ? '3.1' : version === 4 ? '3.1.1' : '5.0';
}
