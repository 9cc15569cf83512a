// The probe dialogue against a scripted Transport and a virtual clock: every verdict, failing step and cause,
// including those loopback cannot produce for real (a dropped SYN, a DNS timeout, a handshake that never ends).
// Every row also checks that the probe left no link open and no timer pending.
import { describe, expect, test } from 'vitest';
import { parseTarget, probe, probeReport, probeText, type ProbeOptions, type ProbeResult } from '../src/probe/index.js';
import { connackServer, FakeTransport, goodFacts, stall, VirtualClock, type FakeLink, type Script, type Server } from './helpers/fake-transport.js';

const bytes = (text: string) => Array.from(new TextEncoder().encode(text));

/** A broker on one link: CONNACK 0, SUBACK granting `granted`, PUBACK plus the message echoed back. */
function broker(options: { granted?: number; echo?: boolean; closeOn?: number } = {}): Server {
  return (data: Uint8Array, link: FakeLink) => {
    const type = data[0]! & 0xf0;
    if (options.closeOn === type) return link.hangUp();
    if (type === 0x10) link.send([0x20, 0x02, 0x00, 0x00]);
    if (type === 0x80) link.send([0x90, 0x03, data[2]!, data[3]!, options.granted ?? 0x01]);
    if (type === 0x30) {
      const topicLength = (data[2]! << 8) | data[3]!;
      const id = 4 + topicLength;
      link.send([0x40, 0x02, data[id]!, data[id + 1]!]);
      if (options.echo !== false) link.send(Array.from(data));
    }
  };
}

const plainConnack = connackServer(0);
const closeAtOnce: Server = (_bytes, link) => link.hangUp();

interface Row {
  name: string;
  target: string;
  script: (clock: VirtualClock) => Script;
  options?: Partial<ProbeOptions>;
  ok: boolean;
  /** The step that failed, and its cause code. */
  failed?: [string, string];
  check?: (result: ProbeResult) => void;
}

const rows: Row[] = [
  // DNS
  { name: 'dns: name does not exist', target: 'mqtt://nx.test', script: () => ({ resolve: { fail: 'ENOTFOUND' } }), ok: false, failed: ['dns', 'probe.cause.dns-notfound'] },
  { name: 'dns: resolver silent until the bound', target: 'mqtt://slow.test', script: () => ({ resolve: 'hang' }), ok: false, failed: ['dns', 'probe.cause.dns-timeout'] },
  { name: 'dns: temporary failure', target: 'mqtt://again.test', script: () => ({ resolve: { fail: 'EAI_AGAIN' } }), ok: false, failed: ['dns', 'probe.cause.dns-again'] },
  { name: 'dns: no addresses', target: 'mqtt://empty.test', script: () => ({ resolve: [] }), ok: false, failed: ['dns', 'probe.cause.dns-notfound'] },
  // TCP
  { name: 'tcp: SYN dropped by a security group (timeout)', target: 'mqtt://broker.test', script: () => ({ tcp: ['hang'] }), ok: false, failed: ['tcp', 'probe.cause.tcp-timeout'] },
  { name: 'tcp: refused', target: '192.0.2.7:1883', script: () => ({ tcp: [{ fail: 'ECONNREFUSED' }] }), ok: false, failed: ['tcp', 'probe.cause.tcp-refused'] },
  {
    name: 'tcp: the AAAA address times out, the A address connects',
    target: 'mqtt://dual.test',
    script: () => ({ resolve: [{ address: '2001:db8::5', family: 6 }, { address: '192.0.2.5', family: 4 }], tcp: ['hang', 'ok'], server: { plain: plainConnack } }),
    ok: true,
    check: (r) => expect(r.steps[1]!.detail).toEqual({ code: 'probe.tcp.ok-after', params: { address: '192.0.2.5', port: 1883, skipped: '2001:db8::5 (timeout)' } }),
  },
  {
    name: 'tcp: every address fails; the first one is the diagnosis',
    target: 'mqtt://dual.test',
    script: () => ({ resolve: [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }], tcp: [{ fail: 'ECONNREFUSED' }, 'hang'] }),
    ok: false,
    failed: ['tcp', 'probe.cause.tcp-refused'],
    check: (r) => expect(r.steps[1]!.cause!.params).toMatchObject({ address: '::1' }),
  },
  { name: 'tcp: no route', target: '[2001:db8::1]:1883', script: () => ({ tcp: [{ fail: 'EHOSTUNREACH' }] }), ok: false, failed: ['tcp', 'probe.cause.tcp-unreachable'] },
  // TLS
  { name: 'tls: handshake never answered', target: 'mqtts://broker.test', script: () => ({ tls: ['hang'] }), ok: false, failed: ['tls', 'probe.cause.tls-timeout'] },
  {
    name: 'tls: hung up on ClientHello, plain CONNECT gets a CONNACK',
    target: 'mqtts://broker.test',
    script: () => ({ tls: [{ fail: 'ECONNRESET' }], server: { plain: plainConnack } }),
    ok: false,
    failed: ['tls', 'probe.cause.mqtt-not-tls'],
  },
  {
    name: 'tls: HTTP bytes instead of a ServerHello',
    target: 'mqtts://broker.test',
    script: () => ({ tls: [{ fail: 'ERR_SSL_WRONG_VERSION_NUMBER' }], server: { plain: (_b, l) => l.send(bytes('HTTP/1.1 400 Bad Request\r\n\r\n')) } }),
    ok: false,
    failed: ['tls', 'probe.cause.http-not-tls'],
  },
  {
    name: 'tls: hung up, and silent to plain MQTT too',
    target: 'mqtts://broker.test',
    script: () => ({ tls: [{ fail: 'ECONNRESET' }], server: { plain: closeAtOnce } }),
    ok: false,
    failed: ['tls', 'probe.cause.tls-closed'],
  },
  { name: 'tls: client certificate required', target: 'mqtts://broker.test', script: () => ({ tls: [{ fail: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' }] }), ok: false, failed: ['tls', 'probe.cause.tls-client-cert'] },
  {
    name: 'tls: expired certificate',
    target: 'mqtts://broker.test',
    script: () => ({ tls: [{ ...goodFacts, chainError: 'CERT_HAS_EXPIRED', certificate: { ...goodFacts.certificate!, validTo: Date.UTC(2021, 0, 1) } }] }),
    ok: false,
    failed: ['tls', 'probe.cause.tls-expired'],
    check: (r) => expect(r.steps.at(-1)!.cause!.params).toMatchObject({ validTo: '2021-01-01' }),
  },
  {
    name: 'tls: certificate for another name',
    target: 'mqtts://broker.test',
    script: () => ({ tls: [{ ...goodFacts, hostnameError: "Host: broker.test. is not in the cert's altnames: DNS:other.test" }] }),
    ok: false,
    failed: ['tls', 'probe.cause.tls-hostname'],
  },
  {
    name: 'tls: self-signed chain',
    target: 'mqtts://broker.test',
    script: () => ({ tls: [{ ...goodFacts, chainError: 'SELF_SIGNED_CERT_IN_CHAIN' }] }),
    ok: false,
    failed: ['tls', 'probe.cause.tls-untrusted'],
  },
  {
    name: 'tls: --insecure reports an expired certificate and goes on',
    target: 'mqtts://broker.test',
    script: () => ({ tls: [{ ...goodFacts, chainError: 'CERT_HAS_EXPIRED' }], server: { tls: plainConnack } }),
    options: { insecure: true },
    ok: true,
    check: (r) => expect(r.steps.find((s) => s.step === 'tls')!.detail).toMatchObject({ code: 'probe.tls.insecure', params: { problem: 'probe.cause.tls-expired' } }),
  },
  // WebSocket
  { name: 'websocket: HTTP 404', target: 'ws://broker.test:8080', script: () => ({ websocket: { fail: 'WS_HTTP_STATUS', status: 404 } }), ok: false, failed: ['websocket', 'probe.cause.ws-status'] },
  { name: 'websocket: no mqtt subprotocol', target: 'ws://broker.test:8080', script: () => ({ websocket: { fail: 'WS_BAD_SUBPROTOCOL' } }), ok: false, failed: ['websocket', 'probe.cause.ws-subprotocol'] },
  {
    name: 'websocket: an MQTT port hangs up on the upgrade',
    target: 'ws://broker.test:1883',
    script: () => ({ websocket: { fail: 'ECONNRESET' }, server: { plain: plainConnack } }),
    ok: false,
    failed: ['websocket', 'probe.cause.mqtt-not-websocket'],
  },
  { name: 'websocket: ok', target: 'wss://broker.test/mqtt', script: () => ({ server: { websocket: plainConnack } }), ok: true },
  // MQTT
  { name: 'mqtt: accepted', target: 'mqtt://broker.test', script: () => ({ server: { plain: plainConnack } }), ok: true },
  { name: 'mqtt: silence until the bound', target: 'mqtt://broker.test', script: (clock) => ({ server: { plain: stall(clock) } }), ok: false, failed: ['mqtt', 'probe.cause.connack-timeout'] },
  {
    name: 'mqtt: a TLS port hangs up on plain bytes',
    target: 'mqtt://broker.test:8883',
    script: () => ({ server: { plain: closeAtOnce } }),
    ok: false,
    failed: ['mqtt', 'probe.cause.tls-not-mqtt'],
  },
  {
    name: 'mqtt: closed without CONNACK, and no TLS either',
    target: 'mqtt://broker.test',
    script: () => ({ tls: [{ fail: 'ECONNRESET' }], server: { plain: closeAtOnce } }),
    ok: false,
    failed: ['mqtt', 'probe.cause.closed'],
  },
  { name: 'mqtt: a TLS alert', target: 'mqtt://broker.test', script: () => ({ server: { plain: (_b, l) => l.send([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]) } }), ok: false, failed: ['mqtt', 'probe.cause.tls-not-mqtt'] },
  { name: 'mqtt: an HTTP answer', target: 'mqtt://broker.test', script: () => ({ server: { plain: (_b, l) => l.send(bytes('HTTP/1.1 400 Bad Request\r\n')) } }), ok: false, failed: ['mqtt', 'probe.cause.http-not-mqtt'] },
  { name: 'mqtt: an SSH banner', target: 'mqtt://broker.test:22', script: () => ({ server: { plain: (_b, l) => l.send(bytes('SSH-2.0-OpenSSH_9.2\r\n')) } }), ok: false, failed: ['mqtt', 'probe.cause.ssh'] },
  { name: 'mqtt: garbage', target: 'mqtt://broker.test', script: () => ({ server: { plain: (_b, l) => l.send([0xff, 0x00, 0x13, 0x37]) } }), ok: false, failed: ['mqtt', 'probe.cause.not-mqtt'] },
  { name: 'mqtt: a CONNACK with a bad length', target: 'mqtt://broker.test', script: () => ({ server: { plain: (_b, l) => l.send([0x20, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00]) } }), ok: false, failed: ['mqtt', 'probe.cause.connack-oversize'] },
  { name: 'mqtt: a CONNACK of Remaining Length 1', target: 'mqtt://broker.test', script: () => ({ server: { plain: (_b, l) => l.send([0x20, 0x01, 0x00]) } }), ok: false, failed: ['mqtt', 'probe.cause.not-mqtt'] },
  { name: 'mqtt: a packet other than CONNACK', target: 'mqtt://broker.test', script: () => ({ server: { plain: (_b, l) => l.send([0xd0, 0x00]) } }), ok: false, failed: ['mqtt', 'probe.cause.not-mqtt'] },
  {
    name: 'mqtt: CONNACK 5 on a generic broker',
    target: 'mqtt://broker.test',
    script: () => ({ server: { plain: connackServer(5) } }),
    ok: false,
    failed: ['mqtt', 'reply.connack.generic.5'],
    check: (r) => expect(r.connack).toEqual({ code: 5, meaning: { code: 'reply.v3.connack.5' } }),
  },
  { name: 'mqtt: CONNACK 4 from Aliyun', target: 'mqtt://broker.test', options: { platform: 'aliyun' }, script: () => ({ server: { plain: connackServer(4) } }), ok: false, failed: ['mqtt', 'reply.connack.aliyun.4'] },
  {
    name: 'mqtt 5: reason 0x87 from Huawei',
    target: 'mqtt://broker.test',
    options: { platform: 'huawei', protocolVersion: 5 },
    script: () => ({ server: { plain: connackServer(0x87, 5) } }),
    ok: false,
    failed: ['mqtt', 'reply.connack.huawei.5'],
    check: (r) => expect(r.connack).toEqual({ code: 0x87, meaning: { code: 'reply.v5.connack.135' } }),
  },
  // Round trip
  { name: 'roundtrip: message comes back', target: 'mqtt://broker.test', options: { roundtrip: true }, script: () => ({ server: { plain: broker() } }), ok: true },
  {
    name: 'roundtrip: subscription refused',
    target: 'mqtt://broker.test',
    options: { roundtrip: true },
    script: () => ({ server: { plain: broker({ granted: 0x80 }) } }),
    ok: false,
    failed: ['roundtrip', 'probe.cause.subscribe-refused'],
  },
  {
    name: 'roundtrip: platform hangs up on a forbidden topic',
    target: 'mqtt://broker.test',
    options: { roundtrip: true },
    script: () => ({ server: { plain: broker({ closeOn: 0x30 }) } }),
    ok: false,
    failed: ['roundtrip', 'probe.cause.roundtrip-closed'],
  },
  {
    name: 'roundtrip: the message never comes back',
    target: 'mqtt://broker.test',
    options: { roundtrip: true },
    script: (clock) => ({ server: { plain: (b, l) => (broker({ echo: false })(b, l), (b[0]! & 0xf0) === 0x30 && stall(clock)(b, l)) } }),
    ok: false,
    failed: ['roundtrip', 'probe.cause.roundtrip-timeout'],
    check: (r) => expect(r.steps.at(-1)!.cause!.params).toMatchObject({ stage: 'message' }),
  },
];

async function run(row: Row, signal?: AbortSignal) {
  const clock = new VirtualClock();
  const transport = new FakeTransport(row.script(clock), clock);
  const result = await probe(parseTarget(row.target), { timeoutMs: 5000, random: '0123456789abcdef', clock, ...(signal ? { signal } : {}), ...row.options }, transport);
  return { result, clock, transport };
}

describe('probe core', () => {
  test.each(rows)('$name', async (row) => {
    const { result, clock, transport } = await run(row);
    expect(result.ok).toBe(row.ok);
    const failedStep = result.steps.find((s) => !s.ok);
    if (row.failed) {
      expect([failedStep?.step, failedStep?.cause?.code]).toEqual(row.failed);
      expect(result.steps.at(-1)).toBe(failedStep);
    } else {
      expect(failedStep).toBeUndefined();
      expect(result.steps.every((s) => s.cause === null)).toBe(true);
    }
    row.check?.(result);
    expect(transport.open).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  // Every step's detail and cause, as each row's code passes its params, in both languages: no {name} left over.
  const insecureRows: Row[] = ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_REVOKED', null].map((chainError) => ({
    name: `tls --insecure: ${chainError ?? 'wrong host name'}`,
    target: 'mqtts://broker.test',
    script: () => ({ tls: [{ ...goodFacts, chainError, hostnameError: chainError ? null : 'not in altnames' }], server: { tls: plainConnack } }),
    options: { insecure: true },
    ok: true,
  }));
  test.each([...rows, ...insecureRows].flatMap((row) => (['en', 'zh'] as const).map((lang) => ({ ...row, lang }))))('$name ($lang): every placeholder filled', async (row) => {
    const { result } = await run(row);
    const rendered = JSON.stringify(probeReport(result, row.lang)) + probeText(result, row.lang);
    expect(rendered).not.toMatch(/\{\w+\}/);
  });

  test('the steps of each transport, in order', async () => {
    const steps = async (target: string) => (await run({ name: '', target, script: () => ({ server: { plain: plainConnack, tls: plainConnack, websocket: plainConnack } }), ok: true })).result.steps.map((s) => s.step);
    expect(await steps('mqtt://broker.test')).toEqual(['dns', 'tcp', 'mqtt']);
    expect(await steps('mqtts://broker.test')).toEqual(['dns', 'tcp', 'tls', 'mqtt']);
    expect(await steps('ws://broker.test')).toEqual(['dns', 'tcp', 'websocket', 'mqtt']);
    expect(await steps('wss://broker.test')).toEqual(['dns', 'tcp', 'tls', 'websocket', 'mqtt']);
  });

  test('a timed-out step is measured to its bound', async () => {
    const { result } = await run({ name: '', target: 'mqtt://broker.test', script: () => ({ tcp: ['hang'] }), ok: false });
    expect(result.steps.find((s) => s.step === 'tcp')!.ms).toBe(5000);
  });

  test('abort (Ctrl-C) mid-step: reported as interrupted, nothing left open, no timer left', async () => {
    const controller = new AbortController();
    const clock = new VirtualClock();
    // The server never answers and virtual time does not move: only the abort can end the step.
    const transport = new FakeTransport({ server: { plain: () => controller.abort() } }, clock);
    const result = await probe(parseTarget('mqtt://broker.test'), { timeoutMs: 5000, random: 'ab', clock, signal: controller.signal }, transport);
    expect(result.aborted).toBe(true);
    expect(result.ok).toBe(false);
    expect(result.steps.at(-1)).toMatchObject({ step: 'mqtt', ok: false, cause: { code: 'probe.cause.aborted' } });
    expect(transport.open).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  test('an already aborted signal opens nothing', async () => {
    const clock = new VirtualClock();
    const transport = new FakeTransport({}, clock);
    const result = await probe(parseTarget('mqtt://broker.test'), { timeoutMs: 5000, random: 'ab', clock, signal: AbortSignal.abort() }, transport);
    expect(result.aborted).toBe(true);
    expect(transport.calls).toEqual([]);
  });
});
