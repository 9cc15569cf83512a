// probe() over the real Transport (node:dns/net/tls and ws) against real mosquitto processes and small fault
// servers, all on loopback. Each scenario asserts the verdict, the failing step and the cause, and that the probe
// left no socket or timer behind. A dropped SYN (TCP timeout) cannot be made on loopback without root firewall
// rules; test/probe-core.test.ts covers it through the core with a scripted Transport.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { realClock, realTransport } from '../src/cli/transport.js';
import { sign } from '../src/platforms/sign.js';
import { parseTarget, probe, type ProbeOptions, type ProbeResult } from '../src/probe/index.js';
import { makeCerts, type TestCerts } from './helpers/certs.js';
import { startFaultServer, type FaultServer } from './helpers/fault-servers.js';
import { freePort, startMosquitto, type Broker } from './helpers/mosquitto.js';
import { needsTools } from './helpers/tools.js';

const TIMEOUT_MS = 1000;
const USER = { username: 'device01', password: 'S3cret!pass' };

async function run(url: string, options: Partial<ProbeOptions> = {}): Promise<ProbeResult> {
  return probe(parseTarget(url), { timeoutMs: TIMEOUT_MS, random: 'c0ffee0123456789', clock: realClock(), ...options }, realTransport());
}

/** Handles a probe may leave behind: sockets and timers (not the child processes' pipes). */
function openHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap' || r === 'Timeout').length;
}

/** Wait until the handle count is back to `baseline`: both ends of a destroyed socket close asynchronously. */
async function settles(baseline: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (openHandles() <= baseline) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

needsTools(['mosquitto', 'openssl']).describe('probe against real brokers and fault servers', () => {
  let certs: TestCerts;
  const brokers: Record<string, Broker> = {};
  const faults: Record<string, FaultServer> = {};
  let wsPort = 0;
  let wssPort = 0;
  let nobodyPort = 0;

  beforeAll(async () => {
    certs = makeCerts();
    wsPort = await freePort();
    wssPort = await freePort();
    const tls = (pair: { cert: string; key: string }) => ({
      files: { 'ca.crt': certs.ca, 'server.crt': pair.cert, 'server.key': pair.key },
      config: (dir: string) => `allow_anonymous true\ncafile ${dir}/ca.crt\ncertfile ${dir}/server.crt\nkeyfile ${dir}/server.key`,
    });
    const passwd = sign('generic', { host: '127.0.0.1', clientId: 'x', ...USER, passwdLine: 'true' }, { now: 0, salt: new Uint8Array(12).fill(7) }).extras!.passwdLine!;
    const started = await Promise.all([
      startMosquitto(),
      startMosquitto({ files: { passwd: `${passwd}\n` }, config: (dir) => `allow_anonymous false\npassword_file ${dir}/passwd` }),
      startMosquitto(tls(certs.good)),
      startMosquitto(tls(certs.wrongHost)),
      startMosquitto(tls(certs.expired)),
      // mosquitto 2.0 needs a plain listener besides the websockets one; the helper's first listener is it.
      startMosquitto({ config: () => `allow_anonymous true\nlistener ${wsPort} 127.0.0.1\nprotocol websockets` }),
      startMosquitto({
        files: { 'server.crt': certs.good.cert, 'server.key': certs.good.key },
        config: (dir) => `allow_anonymous true\nlistener ${wssPort} 127.0.0.1\nprotocol websockets\ncertfile ${dir}/server.crt\nkeyfile ${dir}/server.key`,
      }),
      startMosquitto({ bind: '127.0.0.2' }),
    ]);
    [brokers.anon, brokers.auth, brokers.tls, brokers.wrongHost, brokers.expired, brokers.ws, brokers.wss, brokers.bound2] = started;
    const [silence, close, garbage, late, http, tlsSilence, https] = await Promise.all([
      startFaultServer('silence'),
      startFaultServer('close'),
      startFaultServer('garbage'),
      startFaultServer('late-connack', { delayMs: 3 * TIMEOUT_MS }),
      startFaultServer('http'),
      startFaultServer('silence', { tls: certs.good }),
      startFaultServer('http', { tls: certs.good }),
    ]);
    Object.assign(faults, { silence, close, garbage, late, http, tlsSilence, https });
    nobodyPort = await freePort();
  });

  afterAll(async () => {
    await Promise.all([...Object.values(brokers), ...Object.values(faults)].map((s) => s.stop()));
    certs?.remove();
  });

  const port = (name: string) => brokers[name]?.port ?? faults[name]!.port;

  interface Row {
    name: string;
    url: () => string;
    options?: () => Partial<ProbeOptions>;
    /** Steps in order, when they matter. */
    steps?: string[];
    failed?: [string, string];
    connack?: number;
  }

  const rows: Row[] = [
    // mosquitto, anonymous allowed
    { name: 'anonymous broker: connected', url: () => `mqtt://127.0.0.1:${port('anon')}`, steps: ['dns', 'tcp', 'mqtt'], connack: 0 },
    { name: 'anonymous broker: round trip', url: () => `mqtt://127.0.0.1:${port('anon')}`, options: () => ({ roundtrip: true }), steps: ['dns', 'tcp', 'mqtt', 'roundtrip'] },
    { name: 'anonymous broker: MQTT 5 round trip', url: () => `mqtt://127.0.0.1:${port('anon')}`, options: () => ({ protocolVersion: 5, roundtrip: true }), connack: 0 },
    { name: 'anonymous broker: MQTT 3.1', url: () => `mqtt://127.0.0.1:${port('anon')}`, options: () => ({ protocolVersion: 3 }), connack: 0 },
    // mosquitto, password_file and allow_anonymous false
    {
      name: 'password broker: wrong password is CONNACK 5, explained',
      url: () => `mqtt://127.0.0.1:${port('auth')}`,
      options: () => ({ credentials: { clientId: 'dev1', username: USER.username, password: 'wrong' } }),
      failed: ['mqtt', 'reply.connack.generic.5'],
      connack: 5,
    },
    { name: 'password broker: no credentials is CONNACK 5', url: () => `mqtt://127.0.0.1:${port('auth')}`, failed: ['mqtt', 'reply.connack.generic.5'], connack: 5 },
    {
      name: 'password broker: MQTT 5 wrong password is reason 0x87',
      url: () => `mqtt://127.0.0.1:${port('auth')}`,
      options: () => ({ protocolVersion: 5, credentials: { clientId: 'dev1', username: USER.username, password: 'wrong' } }),
      failed: ['mqtt', 'reply.connack.generic.5'],
      connack: 0x87,
    },
    {
      name: 'password broker: right password, round trip',
      url: () => `mqtt://127.0.0.1:${port('auth')}`,
      options: () => ({ credentials: { clientId: 'dev1', ...USER }, roundtrip: true }),
      steps: ['dns', 'tcp', 'mqtt', 'roundtrip'],
      connack: 0,
    },
    // TLS listener with the test CA
    { name: 'TLS: trusted with the CA', url: () => `mqtts://127.0.0.1:${port('tls')}`, options: () => ({ ca: certs.ca }), steps: ['dns', 'tcp', 'tls', 'mqtt'], connack: 0 },
    { name: 'TLS: by name, localhost', url: () => `mqtts://localhost:${port('tls')}`, options: () => ({ ca: certs.ca, roundtrip: true }), steps: ['dns', 'tcp', 'tls', 'mqtt', 'roundtrip'] },
    { name: 'TLS: without the CA, untrusted', url: () => `mqtts://127.0.0.1:${port('tls')}`, failed: ['tls', 'probe.cause.tls-untrusted'] },
    { name: 'TLS: certificate for another host name', url: () => `mqtts://127.0.0.1:${port('wrongHost')}`, options: () => ({ ca: certs.ca }), failed: ['tls', 'probe.cause.tls-hostname'] },
    { name: 'TLS: expired certificate', url: () => `mqtts://127.0.0.1:${port('expired')}`, options: () => ({ ca: certs.ca }), failed: ['tls', 'probe.cause.tls-expired'] },
    { name: 'TLS: expired certificate with --insecure', url: () => `mqtts://127.0.0.1:${port('expired')}`, options: () => ({ ca: certs.ca, insecure: true }), connack: 0 },
    { name: 'TLS expected, plain MQTT answers', url: () => `mqtts://127.0.0.1:${port('anon')}`, failed: ['tls', 'probe.cause.mqtt-not-tls'] },
    { name: 'plain MQTT expected, TLS port answers', url: () => `mqtt://127.0.0.1:${port('tls')}`, failed: ['mqtt', 'probe.cause.tls-not-mqtt'] },
    // WebSocket listener
    { name: 'WebSocket: connected', url: () => `ws://127.0.0.1:${wsPort}/mqtt`, steps: ['dns', 'tcp', 'websocket', 'mqtt'], connack: 0 },
    { name: 'WebSocket: round trip', url: () => `ws://127.0.0.1:${wsPort}`, options: () => ({ roundtrip: true }), steps: ['dns', 'tcp', 'websocket', 'mqtt', 'roundtrip'] },
    { name: 'secure WebSocket: round trip', url: () => `wss://localhost:${wssPort}/mqtt`, options: () => ({ ca: certs.ca, roundtrip: true }), steps: ['dns', 'tcp', 'tls', 'websocket', 'mqtt', 'roundtrip'] },
    { name: 'secure WebSocket without the CA', url: () => `wss://127.0.0.1:${wssPort}/mqtt`, failed: ['tls', 'probe.cause.tls-untrusted'] },
    { name: 'WebSocket client at the MQTT port', url: () => `ws://127.0.0.1:${port('anon')}/mqtt`, failed: ['websocket', 'probe.cause.mqtt-not-websocket'] },
    { name: 'MQTT client at the WebSocket port', url: () => `mqtt://127.0.0.1:${wsPort}`, failed: ['mqtt', 'probe.cause.http-not-mqtt'] },
    // Listeners and nothing
    { name: 'broker bound to 127.0.0.2, probed on 127.0.0.1: refused', url: () => `mqtt://127.0.0.1:${port('bound2')}`, failed: ['tcp', 'probe.cause.tcp-refused'] },
    { name: 'broker bound to 127.0.0.2, probed there: connected', url: () => `mqtt://127.0.0.2:${port('bound2')}`, connack: 0 },
    { name: 'nothing listening: refused', url: () => `mqtt://127.0.0.1:${nobodyPort}`, failed: ['tcp', 'probe.cause.tcp-refused'] },
    // Fault servers
    { name: 'accepts, then silence: no CONNACK in time', url: () => `mqtt://127.0.0.1:${port('silence')}`, failed: ['mqtt', 'probe.cause.connack-timeout'] },
    { name: 'accepts, then closes: closed without CONNACK', url: () => `mqtt://127.0.0.1:${port('close')}`, failed: ['mqtt', 'probe.cause.closed'] },
    { name: 'garbage bytes: not an MQTT server', url: () => `mqtt://127.0.0.1:${port('garbage')}`, failed: ['mqtt', 'probe.cause.not-mqtt'] },
    { name: 'CONNACK after the timeout', url: () => `mqtt://127.0.0.1:${port('late')}`, failed: ['mqtt', 'probe.cause.connack-timeout'] },
    { name: 'HTTP server probed as MQTT', url: () => `mqtt://127.0.0.1:${port('http')}`, failed: ['mqtt', 'probe.cause.http-not-mqtt'] },
    { name: 'HTTP server probed as WebSocket', url: () => `ws://127.0.0.1:${port('http')}/mqtt`, failed: ['websocket', 'probe.cause.ws-status'] },
    { name: 'HTTP server probed as MQTT over TLS', url: () => `mqtts://127.0.0.1:${port('http')}`, failed: ['tls', 'probe.cause.http-not-tls'] },
    { name: 'TLS server speaking no MQTT', url: () => `mqtts://127.0.0.1:${port('tlsSilence')}`, options: () => ({ ca: certs.ca }), failed: ['mqtt', 'probe.cause.connack-timeout'] },
    { name: 'HTTPS server probed as MQTT over TLS', url: () => `mqtts://127.0.0.1:${port('https')}`, options: () => ({ ca: certs.ca }), failed: ['mqtt', 'probe.cause.http-not-mqtt'] },
    { name: 'HTTPS server probed as secure WebSocket', url: () => `wss://127.0.0.1:${port('https')}/mqtt`, options: () => ({ ca: certs.ca }), failed: ['websocket', 'probe.cause.ws-status'] },
  ];

  test.each(rows)('$name', async (row) => {
    const baseline = openHandles();
    const result = await run(row.url(), row.options?.());
    const failed = result.steps.find((s) => !s.ok);
    const summary = result.steps.map((s) => `${s.step}:${s.ok ? 'ok' : s.cause?.code}`).join(' ');
    if (row.failed) {
      expect(result.ok, summary).toBe(false);
      expect([failed?.step, failed?.cause?.code], summary).toEqual(row.failed);
    } else {
      expect(result.ok, summary).toBe(true);
    }
    if (row.steps) expect(result.steps.map((s) => s.step)).toEqual(row.steps);
    if (row.connack !== undefined) expect(result.connack?.code).toBe(row.connack);
    expect(await settles(baseline), 'sockets or timers left open').toBe(true);
  });
});
