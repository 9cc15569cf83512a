// The modem MQTT scripts run end to end: each dialect's simulator (test/helpers/modem-sim/) is fed the script step
// by step, performs the real MQTT exchange with mosquitto on loopback (password_file, no anonymous login) using
// this project's codec, and must log in, subscribe, publish and get its own message back byte-exact.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { atScript } from '../src/format/at.js';
import type { FormatInput } from '../src/format/index.js';
import { encode } from '../src/mqtt/encode.js';
import type { Packet } from '../src/mqtt/types.js';
import { passwdLine } from '../src/platforms/_passwd.js';
import { startMosquitto, type Broker } from './helpers/mosquitto.js';
import { EspAtModem } from './helpers/modem-sim/esp-at.js';
import { QuectelModem } from './helpers/modem-sim/quectel.js';
import { SimcomModem } from './helpers/modem-sim/simcom.js';
import { runScript, waitFor } from './helpers/modem-sim/run.js';
import { RawTcpModem, type RawDialect } from './helpers/modem-sim/raw-tcp.js';
import type { SerialModem } from './helpers/modem-sim/serial.js';
import { needsTools } from './helpers/tools.js';

// Users the broker knows: plain ones and ones whose names and passwords need escaping or the long commands.
const USERS: [string, string][] = [
  ['dev', 'secret'],
  ['u,"\\|=中', 'p,"\\|=密码'],
  ['u'.repeat(64), 'p'.repeat(64)],
  ['v'.repeat(65), 'q'.repeat(300)],
  ['q,\\|=é', 'pw,|=\\ü'],
];

const DIALECTS = [
  { modem: 'esp-at-mqtt', make: (b: Broker) => new EspAtModem(b), connack5: ['+MQTTDISCONNECTED:0', 'ERROR'] },
  { modem: 'quectel-mqtt', make: (b: Broker) => new QuectelModem(b), connack5: ['+QMTCONN: 0,0,5'] },
  { modem: 'simcom-mqtt', make: (b: Broker) => new SimcomModem(b), connack5: ['+CMQTTCONNECT: 0,31'] },
] as const;

needsTools(['mosquitto']).describe('modem MQTT scripts against mosquitto', () => {
  let broker: Broker;
  const modems: SerialModem[] = [];
  beforeAll(async () => {
    const lines = USERS.map(([u, p]) => passwdLine(u, p, randomBytes(12)));
    broker = await startMosquitto({
      files: { passwd: `${lines.join('\n')}\n` },
      config: (dir) => `allow_anonymous false\npassword_file ${dir}/passwd\nconnection_messages true`,
    });
  }, 20_000);
  afterAll(async () => {
    for (const m of modems) m.close();
    await broker?.stop();
  });

  const input = (connect: Partial<Extract<Packet, { cmd: 'connect' }>>, topic: string, payload: Uint8Array | string, qos: 0 | 1 | 2 = 1): FormatInput => {
    const packets: Packet[] = [
      { cmd: 'connect', clientId: 'dev1', username: 'dev', password: 'secret', keepalive: 60, clean: true, ...connect },
      { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos }] },
      { cmd: 'publish', topic, payload, qos, retain: false, ...(qos > 0 ? { messageId: 2 } : {}) },
    ];
    return {
      broker: { host: broker.host, port: broker.port, tls: false, url: `mqtt://${broker.host}:${broker.port}` },
      packets: packets.map((p) => ({ name: p.cmd, bytes: encode(p) })),
    };
  };

  /** Runs the script; returns the modem and the bytes of the first message it received. */
  async function run(dialect: (typeof DIALECTS)[number], i: FormatInput): Promise<{ received: Uint8Array; modem: SerialModem }> {
    const modem = dialect.make(broker);
    modems.push(modem);
    const script = atScript(i, { modem: dialect.modem });
    const result = await runScript(modem, script.steps);
    expect(result, modem.out.map((l) => l.text).join(' | ')).toEqual({ ok: true });
    const urc = await waitFor(modem, 0, (l) => l.bytes !== undefined);
    modem.close();
    return { received: urc.bytes!, modem };
  }

  const connectedAs = async (clientId: string, username: string): Promise<void> => {
    // mosquitto logs "New client connected from … as <id> (p2, c1, k60, u'<user>')".
    const deadline = Date.now() + 5000;
    while (!broker.log().includes(` as ${clientId} (`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(broker.log()).toContain(` as ${clientId} (p2, c1, k60, u'${username}')`);
  };

  for (const d of DIALECTS) {
    test.concurrent(`${d.modem}: logs in, subscribes, publishes and receives its own message`, async () => {
      const id = `${d.modem}-basic`;
      const { received } = await run(d, input({ clientId: id }, `t/${d.modem}`, 'hello, "modem"'));
      expect(Buffer.from(received).toString()).toBe('hello, "modem"');
      await connectedAs(id, 'dev');
    }, 30_000);

    test.concurrent(`${d.modem}: a wrong password gives the dialect's CONNACK 5 answer`, async () => {
      const modem = d.make(broker);
      modems.push(modem);
      const script = atScript(input({ clientId: `${d.modem}-bad`, password: 'wrong' }, 't/x', 'x'), { modem: d.modem });
      const result = await runScript(modem, script.steps);
      expect(result.ok).toBe(false);
      expect(script.steps[result.failedAt!]!.command).toMatch(/MQTTCONN=|QMTCONN=|CMQTTCONNECT=/);
      const texts = modem.out.map((l) => l.text);
      expect(texts.slice(-d.connack5.length)).toEqual(d.connack5);
      // The code table in the script explains the answer it got.
      expect(script.steps.length).toBeGreaterThan(0);
      modem.close();
    }, 30_000);

    test.concurrent(`${d.modem}: binary payload with 00 1A , " arrives byte-exact`, async () => {
      const payload = Uint8Array.of(0x00, 0x1a, 0x2c, 0x22, 0x5c, 0x0d, 0x0a, 0xff, 0x80, 0x1b);
      const { received } = await run(d, input({ clientId: `${d.modem}-bin` }, `b/${d.modem}`, payload, 2));
      expect(received).toEqual(payload);
    }, 30_000);
  }

  // The will and (Quectel) MQTT 3.1 reach the broker as the CONNECT said.
  test.concurrent.each(DIALECTS.map((d) => d.modem))('%s: the will reaches mosquitto', async (modem) => {
    const id = `${modem}-will`;
    const will = { topic: `w/${modem}`, payload: new TextEncoder().encode('gone, bye|='), qos: 1 as const, retain: false };
    const { received } = await run(DIALECTS.find((x) => x.modem === modem)!, input({ clientId: id, will }, `will/${modem}`, 'ok'));
    expect(Buffer.from(received).toString()).toBe('ok');
    await connectedAs(id, 'dev');
    const log = broker.log();
    const at = log.indexOf(` as ${id} (`);
    // mosquitto: "… as <id> (…).", then "Will message specified (11 bytes) (r0, q1).", then a tab and the will topic.
    const lines = log.slice(at).split('\n').slice(1, 3).map((l) => l.replace(/^\d+: /, ''));
    expect(lines).toEqual(['Will message specified (11 bytes) (r0, q1).', `\tw/${modem}`]);
  }, 30_000);

  test.concurrent('quectel-mqtt: --protocol 3.1 logs in as MQTT 3.1 (AT+QMTCFG="version",0,3)', async () => {
    const id = 'quectel-31';
    const i = input({ clientId: id, protocolVersion: 3 }, 'v31/t', 'ok');
    expect(atScript(i, { modem: 'quectel-mqtt' }).steps[0]!.command).toBe('AT+QMTCFG="version",0,3');
    await run(DIALECTS[1], i);
    const deadline = Date.now() + 5000;
    while (!broker.log().includes(` as ${id} (`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(broker.log()).toContain(` as ${id} (p1, c1, k60, u'dev')`);
  }, 30_000);

  test.concurrent.each(DIALECTS.map((d) => d.modem))('%s: unsubscribe and disconnect steps run and the broker sees them', async (modem) => {
    const id = `${modem}-unsub`;
    const i = input({ clientId: id }, `u/${modem}`, 'x');
    const extra: Packet[] = [{ cmd: 'unsubscribe', messageId: 3, unsubscriptions: [`u/${modem}`] }, { cmd: 'disconnect' }];
    const script = atScript({ ...i, packets: [...i.packets, ...extra.map((p) => ({ name: p.cmd, bytes: encode(p) }))] }, { modem });
    const sim = DIALECTS.find((x) => x.modem === modem)!.make(broker);
    modems.push(sim);
    expect(await runScript(sim, script.steps)).toEqual({ ok: true });
    const deadline = Date.now() + 5000;
    while (!broker.log().includes(`Received DISCONNECT from ${id}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(broker.log()).toContain(`Received UNSUBSCRIBE from ${id}`);
    expect(broker.log()).toContain(`Received DISCONNECT from ${id}`);
  }, 30_000);

  // Per-command limits: ESP-AT's 254-byte AT+MQTTPUB line (→ AT+MQTTPUBRAW), Quectel's 4096-byte QMTPUBEX, SIMCom's 10240-byte CMQTTPAYLOAD.
  test.concurrent.each([
    ['esp-at-mqtt', 200],
    ['esp-at-mqtt', 3000],
    ['quectel-mqtt', 4096],
    ['simcom-mqtt', 10240],
  ] as const)('%s: a %i-byte payload arrives byte-exact', async (modem, length) => {
    const payload = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
    const { received } = await run(DIALECTS.find((x) => x.modem === modem)!, input({ clientId: `${modem}-long-${length}` }, `l/${modem}/${length}`, payload));
    expect(received).toEqual(payload);
  }, 30_000);

  // Escaping round trips: the login reaches mosquitto byte-exact (its password_file check passes, its log shows the id).
  const logins: [string, string, [string, string]][] = [
    ['esp-at-mqtt', 'id,"\\|=中文', USERS[1]!],
    ['esp-at-mqtt', `c${'x'.repeat(254)}`, USERS[2]!],
    ['esp-at-mqtt', 'a|securemode=2,signmethod=hmacsha256,timestamp=1|', USERS[3]!],
    ['quectel-mqtt', 'q-id,\\|=中文', USERS[4]!],
    ['quectel-mqtt', 'i'.repeat(200), USERS[2]!],
    ['simcom-mqtt', 's-id,\\|=中文', USERS[4]!],
    ['simcom-mqtt', 's'.repeat(128), USERS[2]!],
  ];
  test.concurrent.each(logins)('%s: client id %j logs in with its user byte-exact', async (modem, clientId, [username, password]) => {
    const { received } = await run(DIALECTS.find((x) => x.modem === modem)!, input({ clientId, username, password }, `e/${modem}/${clientId.length}`, 'ok'));
    expect(Buffer.from(received).toString()).toBe('ok');
    await connectedAs(clientId, username);
  }, 30_000);
});

// The raw TCP dialects: the same script idea, the bytes themselves on the socket; every step's expected answer comes,
// and the broker answers each packet with the script's `reply` bytes, then delivers the own message back.
needsTools(['mosquitto']).describe('raw TCP scripts against mosquitto', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startMosquitto({
      files: { passwd: `${passwdLine('dev', 'secret', randomBytes(12))}\n` },
      config: (dir) => `allow_anonymous false\npassword_file ${dir}/passwd`,
    });
  }, 20_000);
  afterAll(async () => broker?.stop());

  test.concurrent.each(['esp8266', 'sim800', 'sim7600', 'quectel', 'ec25', 'a7670', 'esp32'])('%s: every step answers as the script says; the replies and the own message arrive', async (name) => {
    const topic = `raw/${name}`;
    const payload = Uint8Array.from({ length: 700 }, (_, i) => (i * 13) & 0xff);
    const packets: Packet[] = [
      { cmd: 'connect', clientId: `raw-${name}`, username: 'dev', password: 'secret', keepalive: 60, clean: true },
      { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 1 }] },
      { cmd: 'publish', topic, payload, qos: 1, messageId: 2, retain: false },
    ];
    const script = atScript(
      { broker: { host: broker.host, port: broker.port, tls: false, url: '' }, packets: packets.map((p) => ({ name: p.cmd, bytes: encode(p) })) },
      { modem: name },
    );
    const modem = new RawTcpModem(script.dialect as RawDialect, broker);
    const result = await runScript(modem, script.steps);
    expect(result, modem.out.map((l) => l.text).join(' | ')).toEqual({ ok: true });
    const replies = Buffer.concat(script.steps.flatMap((s) => (s.reply ? [s.reply] : [])));
    const back = encode({ cmd: 'publish', topic, payload, qos: 1, messageId: 1, retain: false });
    const deadline = Date.now() + 5000;
    while (modem.received.length < replies.length + back.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // CONNACK 0, SUBACK, then the message and the PUBACK in either order.
    const got = Buffer.from(modem.received);
    expect(got.subarray(0, 9).toString('hex')).toBe(replies.subarray(0, 9).toString('hex'));
    expect(got.length).toBe(replies.length + back.length);
    expect(got.includes(Buffer.from(replies.subarray(9)))).toBe(true);
    expect(got.includes(Buffer.from(back))).toBe(true);
    modem.close();
  }, 30_000);
});
