// The modem MQTT dialects and the raw-TCP steps, without a broker: escaping, limits, the long/raw switch, json `at`.
import { describe, expect, test } from 'vitest';
import { format, type FormatInput } from '../src/format/index.js';
import { atScript } from '../src/format/at.js';
import { quote, splitParams } from '../src/format/at-escape.js';
import { dialectOf, MODEM_ALIASES, MODEM_NAMES } from '../src/format/at-modems.js';
import { encode } from '../src/mqtt/encode.js';
import type { Packet } from '../src/mqtt/types.js';
import { UsageError } from '../src/errors.js';
import { main } from '../src/cli/main.js';
import { fakeIo } from './helpers/fake-io.js';

const broker = { host: '127.0.0.1', port: 1883, tls: false, url: 'mqtt://127.0.0.1:1883' };
function input(connect: Partial<Extract<Packet, { cmd: 'connect' }>>, rest: Packet[] = []): FormatInput {
  const packets: Packet[] = [{ cmd: 'connect', clientId: 'dev1', username: 'u', password: 'p', keepalive: 60, clean: true, ...connect }, ...rest];
  return { broker, packets: packets.map((p, i) => ({ name: i === 0 ? 'connect' : p.cmd, bytes: encode(p) })) };
}
const text = (i: FormatInput, modem: string): string => format('at', i, { modem }).output as string;
const commands = (i: FormatInput, modem: string): string[] => text(i, modem).split('\n').filter((l) => l.startsWith('AT'));
const usage = (fn: () => unknown): UsageError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('no UsageError');
};

describe('ESP-AT escaping', () => {
  test.each(['plain', 'a,b', 'q"uote', 'back\\slash', '\\,', 'pipe|eq=', '中文,"\\', '', '\\'])('%j round-trips through quote and splitParams', (value) => {
    const params = splitParams(`0,${quote(value, 'esp')},1`, 'esp');
    expect(params?.map((p) => p.value)).toEqual(['0', value, '1']);
  });
  test('Aliyun client id: every comma and quote escaped', () => {
    expect(quote('a|securemode=2,signmethod=hmacsha256,timestamp=1|', 'esp')).toBe('"a|securemode=2\\,signmethod=hmacsha256\\,timestamp=1|"');
  });
  test('an unclosed quote is not a parameter list', () => {
    expect(splitParams('0,"abc', 'esp')).toBeUndefined();
    expect(splitParams('0,"ab\\"', 'esp')).toBeUndefined();
  });
  test('Quectel/SIMCom quotes have no escape: a comma stays inside', () => {
    expect(splitParams('0,"a,b\\",1', 'plain')?.map((p) => p.value)).toEqual(['0', 'a,b\\', '1']);
  });
});

describe('esp-at-mqtt', () => {
  test('fields over 64 bytes (username/password) and a line over 254 go to the LONG commands', () => {
    const i = input({ clientId: 'c'.repeat(200), username: 'u'.repeat(64), password: 'p'.repeat(65) });
    const lines = commands(i, 'esp-at-mqtt');
    expect(lines[0]).toMatch(/^AT\+MQTTUSERCFG=0,1,/);
    expect(Buffer.byteLength(lines[0]!)).toBeLessThanOrEqual(254);
    expect(lines).toContain('AT+MQTTLONGPASSWORD=0,65');
    // 200 + 64 bytes cannot share one 254-byte line: the longer (the client id) moves out.
    expect(lines).toContain('AT+MQTTLONGCLIENTID=0,200');
    expect(lines.some((l) => l.startsWith('AT+MQTTLONGUSERNAME'))).toBe(false);
  });
  test('exactly 64 bytes stays inline', () => {
    expect(commands(input({ password: 'p'.repeat(64) }), 'esp-at-mqtt')[0]).toContain(`"${'p'.repeat(64)}"`);
  });
  test('a field over 1024 bytes is an error naming the field and the limit', () => {
    const e = usage(() => text(input({ password: 'p'.repeat(1025) }), 'esp-at-mqtt'));
    expect(e.code).toBe('modem.limit');
    expect(e.message).toContain('password is 1025 bytes, over the 1024-byte limit of AT+MQTTLONGPASSWORD');
  });
  test('text payload → AT+MQTTPUB; binary or long → AT+MQTTPUBRAW with the exact bytes', () => {
    const pub = (payload: Uint8Array | string) => input({}, [{ cmd: 'publish', topic: 't', payload, qos: 0, retain: false }]);
    expect(commands(pub('a,"b"'), 'esp-at-mqtt')).toContain('AT+MQTTPUB=0,"t","a\\,\\"b\\"",0,0');
    const binary = Uint8Array.of(0, 0x1a, 0x2c, 0x22, 0xff);
    const script = atScript(pub(binary), { modem: 'esp-at-mqtt' });
    const raw = script.steps.find((s) => s.command.startsWith('AT+MQTTPUBRAW'))!;
    expect(raw.command).toBe('AT+MQTTPUBRAW=0,"t",5,0,0');
    expect(raw.data).toEqual(binary);
    expect(commands(pub('x'.repeat(240)), 'esp-at-mqtt').some((l) => l.startsWith('AT+MQTTPUBRAW=0,"t",240'))).toBe(true);
  });
  test('a topic under 128 bytes whose escapes make the command line over 254 is refused (SUB, UNSUB, PUBRAW)', () => {
    const commas = ','.repeat(128);
    const sub = usage(() => text(input({}, [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: commas, qos: 0 }] }]), 'esp-at-mqtt'));
    expect(sub.message).toBe('esp-at-mqtt: the command line is 273 bytes, over the 254-byte limit of AT+MQTTSUB (set by --subscribe)');
    const unsub = usage(() => text(input({}, [{ cmd: 'unsubscribe', messageId: 1, unsubscriptions: [commas] }]), 'esp-at-mqtt'));
    expect(unsub.params).toMatchObject({ command: 'AT+MQTTUNSUB', option: '--unsubscribe' });
    const pub = usage(() => text(input({}, [{ cmd: 'publish', topic: commas, payload: 'x'.repeat(300), qos: 0, retain: false }]), 'esp-at-mqtt'));
    expect(pub.params).toMatchObject({ command: 'AT+MQTTPUBRAW', option: '--publish', length: 282 });
    // 63 commas escape to 126 characters: the line fits.
    expect(commands(input({}, [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: ','.repeat(63), qos: 0 }] }]), 'esp-at-mqtt').at(-1)).toMatch(/^AT\+MQTTSUB=0,"(\\,){63}",0$/);
  });
  test('keepalive 0 and 5.0 are refused with the option named', () => {
    expect(usage(() => text(input({ keepalive: 0 }), 'esp-at-mqtt')).params.option).toBe('--keepalive');
    expect(usage(() => text(input({ protocolVersion: 5 }), 'esp-at-mqtt')).params.option).toBe('--protocol');
  });
  test('TLS uses scheme 3 and warns that ESP8266 cannot', () => {
    const i = { ...input({}), broker: { ...broker, port: 8883, tls: true, url: 'mqtts://127.0.0.1:8883' } };
    const out = format('at', i, { modem: 'esp-at-mqtt' });
    expect((out.output as string).split('\n')).toContain('AT+MQTTUSERCFG=0,3,"dev1","u","p",0,0,""');
    expect(out.warnings.map((w) => w.code)).toEqual(['modem.esp.tls8266']);
  });
});

describe('terminal and serial safety', () => {
  test('a control or bidi character never sits inside a quoted parameter', () => {
    // Quectel/SIMCom: an error naming the character, escaped.
    const e = usage(() => text(input({ clientId: 'a\u001b[2Jb' }), 'quectel-mqtt'));
    expect(e.params).toMatchObject({ field: 'client id', index: 2, char: '\\x1b' });
    expect(usage(() => text(input({ username: 'u\u202e' }), 'simcom-mqtt')).params.char).toBe('\\u202e');
    // ESP-AT: the value travels as data after the LONG command's prompt, never as text in the script.
    const esp = text(input({ clientId: 'a\u001bb' }), 'esp-at-mqtt');
    expect(esp).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(esp).toContain('AT+MQTTLONGCLIENTID=0,3');
    const pub = text(input({}, [{ cmd: 'publish', topic: 't', payload: 'x\u202ey', qos: 0, retain: false }]), 'esp-at-mqtt');
    expect(pub).toContain('AT+MQTTPUBRAW=0,"t",5,0,0');
    expect(pub).not.toContain('\u202e');
  });
});

describe('quectel-mqtt and simcom-mqtt', () => {
  test('Quectel: QMTCFG before QMTOPEN, the login quoted as is, QMTPUBEX with the data after the prompt', () => {
    const i = input({ clientId: 'a,b|c=1' }, [{ cmd: 'publish', topic: 't', payload: Uint8Array.of(0, 1), qos: 1, messageId: 7, retain: true }]);
    const lines = commands(i, 'quectel-mqtt');
    expect(lines.findIndex((l) => l.startsWith('AT+QMTCFG="version"'))).toBeLessThan(lines.findIndex((l) => l.startsWith('AT+QMTOPEN')));
    expect(lines).toContain('AT+QMTCONN=0,"a,b|c=1","u","p"');
    expect(lines).toContain('AT+QMTPUBEX=0,7,1,1,"t",2');
  });
  test('a double quote cannot be sent to Quectel or SIMCom: an error naming the field', () => {
    for (const modem of ['quectel-mqtt', 'simcom-mqtt']) {
      const e = usage(() => text(input({ password: 'a"b' }), modem));
      expect(e.code).toBe('modem.char');
      expect(e.params).toMatchObject({ field: 'password', index: 2, char: '"' });
    }
  });
  test('Quectel payload over 4096 bytes is an error; SIMCom takes up to 10240', () => {
    const pub = (n: number) => input({}, [{ cmd: 'publish', topic: 't', payload: new Uint8Array(n), qos: 0, retain: false }]);
    expect(usage(() => text(pub(4097), 'quectel-mqtt')).params.limit).toBe(4096);
    expect(commands(pub(10240), 'simcom-mqtt')).toContain('AT+CMQTTPAYLOAD=0,10240');
    expect(usage(() => text(pub(10241), 'simcom-mqtt')).params.limit).toBe(10240);
  });
  test('SIMCom: client id over 128 bytes is an error naming AT+CMQTTACCQ', () => {
    expect(usage(() => text(input({ clientId: 'c'.repeat(129) }), 'simcom-mqtt')).params.command).toBe('AT+CMQTTACCQ');
    expect(commands(input({ clientId: 'c'.repeat(128) }), 'simcom-mqtt')[1]).toBe(`AT+CMQTTACCQ=0,"${'c'.repeat(128)}",0`);
  });
  test('Aliyun: the aliauth alternative names product and device', () => {
    const out = format('at', { ...input({ username: 'dev&a1Prod' }), platform: 'aliyun' }, { modem: 'quectel-mqtt' }).output as string;
    expect(out).toContain('AT+QMTCFG="aliauth",0,"a1Prod","dev","<DeviceSecret>"');
  });
});

describe('raw TCP steps and json', () => {
  test.each([
    ['esp8266', 'OK', 'SEND OK'],
    ['sim800', 'CONNECT OK', 'SEND OK'],
    ['sim7600', '+CIPOPEN: 0,0', '+CIPSEND: 0,'],
    ['quectel', '+QIOPEN: 0,0', 'SEND OK'],
  ])('%s: the open step expects %s, every send %s, the CONNECT reply is 20 02 00 00', (modem, open, send) => {
    const script = atScript(input({}), { modem });
    const sends = script.steps.filter((s) => s.command.includes('SEND'));
    expect(script.steps.filter((s) => !s.command.includes('SEND')).at(-1)!.expect).toBe(open);
    for (const s of sends) expect(s.expect.startsWith(send)).toBe(true);
    expect(Buffer.from(sends[0]!.reply!).toString('hex')).toBe('20020000');
    expect(text(input({}), modem)).toContain('keepalive 60 s: the broker closes the connection when nothing arrives for 90 s');
  });
  test('json carries at: [{command, expect, data?}] with data as hex', () => {
    const doc = JSON.parse(format('json', input({}, [{ cmd: 'publish', topic: 't', payload: 'hi', qos: 0, retain: false }]), { modem: 'simcom-mqtt' }).output as string);
    expect(doc.modem).toBe('simcom-mqtt');
    expect(doc.at[0]).toEqual({ command: 'AT+CMQTTSTART', expect: '+CMQTTSTART: 0' });
    expect(doc.at).toContainEqual({ command: 'AT+CMQTTPAYLOAD=0,2', expect: 'OK', data: '6869' });
  });
  test('aliases map to a dialect; every alias is a --modem choice', () => {
    expect(dialectOf('ec25')).toBe('quectel');
    expect(dialectOf('a7670')).toBe('sim7600');
    expect(dialectOf('esp32')).toBe('esp8266');
    expect(dialectOf('toString')).toBeUndefined();
    for (const alias of Object.keys(MODEM_ALIASES)) expect(MODEM_NAMES).toContain(alias);
  });
});

describe('through the CLI', () => {
  const G = ['generic', '--host', '127.0.0.1', '--client-id', 'dev1', '--username', 'u', '--password', 'p'];
  // Aliyun documents MQTT over WebSocket on port 443 of the same host, MQTT itself on 1883.
  const ALIYUN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef', '--timestamp', '1700000000000'];
  const cli = async (argv: string[]) => {
    const fake = fakeIo();
    const code = await main(argv, fake.io);
    return { code, out: fake.stdout(), err: fake.stderr() };
  };

  test.each([
    ['ec25', 'AT+QIOPEN=1,0,"TCP","127.0.0.1",1883,0,1'],
    ['bg95', 'AT+QIOPEN=1,0,"TCP","127.0.0.1",1883,0,1'],
    ['a7670', 'AT+CIPOPEN=0,"TCP","127.0.0.1",1883'],
    ['sim7600g', 'AT+CIPOPEN=0,"TCP","127.0.0.1",1883'],
    ['sim800l', 'AT+CIPSTART="TCP","127.0.0.1","1883"'],
    ['esp32', 'AT+CIPSTART="TCP","127.0.0.1",1883'],
    ['bc28', 'AT+QMTOPEN=0,"127.0.0.1",1883'],
    ['esp-at-mqtt', 'AT+MQTTCONN=0,"127.0.0.1",1883,0'],
    ['simcom-mqtt', 'AT+CMQTTCONNECT=0,"tcp://127.0.0.1:1883",60,1,"u","p"'],
  ])('--modem %s speaks its dialect', async (modem, line) => {
    const r = await cli([...G, '--keepalive', '60', '--format', 'at', '--modem', modem]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')).toContain(line);
  });

  test('an unknown --modem, a limit and a character no modem can take: exit 2, one line naming the option', async () => {
    for (const [argv, text] of [
      // The whole list of names, not cut like a user's value.
      [[...G, '--format', 'at'], `--format at needs --modem: one of ${MODEM_NAMES.join(', ')}`],
      [[...G, '--format', 'at', '--modem', 'nokia'], '--modem nokia is not known: give a dialect (esp8266, sim800, sim7600, quectel, esp-at-mqtt'],
      [[...G.slice(0, -1), 'p'.repeat(257), '--format', 'at', '--modem', 'simcom-mqtt'], 'the password is 257 bytes, over the 256-byte limit of AT+CMQTTCONNECT (set by --password)'],
      [['generic', '--host', '127.0.0.1', '--client-id', 'a"b', '--format', 'at', '--modem', 'quectel-mqtt'], 'the client id (set by --client-id) has " at character 2'],
      // A keepalive is in seconds, its range the command's.
      [[...G, '--keepalive', '3601', '--format', 'at', '--modem', 'quectel-mqtt'], 'quectel-mqtt: keepalive 3601 s is outside the 0–3600 s that AT+QMTCFG="keepalive" takes (set by --keepalive)'],
      [[...G, '--keepalive', '7201', '--format', 'at', '--modem', 'esp-at-mqtt'], 'esp-at-mqtt: keepalive 7201 s is outside the 1–7200 s that AT+MQTTCONNCFG takes'],
      [[...G, '--keepalive', '64801', '--format', 'at', '--modem', 'simcom-mqtt'], 'simcom-mqtt: keepalive 64801 s is outside the 1–64800 s that AT+CMQTTCONNECT takes'],
      [[...G, '--keepalive', '0', '--format', 'at', '--modem', 'simcom-mqtt'], 'simcom-mqtt: keepalive 0 s is outside the 1–64800 s'],
      // A WebSocket --host leaves host:port at the WebSocket listener, which a script sending bare MQTT cannot use.
      ...['esp8266', 'sim800', 'a7670', 'ec20', 'esp-at-mqtt', 'quectel-mqtt', 'simcom-mqtt'].map((modem) => [
        ['generic', '--host', 'ws://10.0.0.2:8083/mqtt', '--client-id', 'd', '--format', 'at', '--modem', modem],
        `--host gives the WebSocket endpoint ws://10.0.0.2:8083/mqtt, and the --modem ${modem} script sends MQTT itself over TCP to 10.0.0.2:8083`,
      ] as const),
      [['generic', '--host', 'wss://[::1]/mqtt', '--client-id', 'd', '--format', 'at', '--modem', 'sim800'], 'sends MQTT itself over TCP to [::1]:443'],
      // The platform's own WebSocket port given as the MQTT port: the error names what set it (not --host alone).
      [[...ALIYUN, '--port', '443', '--format', 'at', '--modem', 'sim800'], '--host/--port gives the WebSocket endpoint ws://a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com:443, and the --modem sim800 script'],
      // --format at prints no WebSocket URL: --ws-url there would be dropped without a word.
      [[...G, '--ws-url', 'ws://127.0.0.1:8083/mqtt', '--format', 'at', '--modem', 'sim800'], '--ws-url applies only to --format json, table, hex, mqttjs, mqttx, env'],
    ] as const) {
      const r = await cli([...argv]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(text);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  test('a WebSocket URL on another port than the broker (the platform documents one) leaves the script alone', async () => {
    const r = await cli([...ALIYUN, '--format', 'at', '--modem', 'esp8266']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')).toContain('AT+CIPSTART="TCP","a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com",1883');
  });

  test('SIMCom over TLS: the server URL still begins with tcp:// (the manual: "must begin with tcp://"); TLS is chosen by AT+CMQTTACCQ and AT+CMQTTSSLCFG', () => {
    const i = { ...input({}), broker: { ...broker, port: 8883, tls: true, url: 'mqtts://127.0.0.1:8883' } };
    const lines = commands(i, 'simcom-mqtt');
    expect(lines).toContain('AT+CMQTTACCQ=0,"dev1",1');
    expect(lines).toContain('AT+CMQTTSSLCFG=0,0');
    expect(lines).toContain('AT+CMQTTCONNECT=0,"tcp://127.0.0.1:8883",60,1,"u","p"');
  });

  test('SIMCom: an IPv6 host keeps its brackets in the server URL (RFC 3986 §3.2.2); the other dialects take the bare address', async () => {
    const at = async (modem: string) => (await cli(['generic', '--host', '[::1]:1883', '--client-id', 'd', '--format', 'at', '--modem', modem])).out.split('\n');
    expect(await at('simcom-mqtt')).toContain('AT+CMQTTCONNECT=0,"tcp://[::1]:1883",60,1');
    expect(await at('quectel-mqtt')).toContain('AT+QMTOPEN=0,"::1",1883');
  });

  test('--lang zh: the script comments and the code table in Chinese', async () => {
    const r = await cli([...G, '--format', 'at', '--modem', 'quectel-mqtt', '--lang', 'zh']);
    expect(r.out).toContain('# 等待：OK, +QMTCONN: 0,0,0');
    expect(r.out).toContain('CONNACK 5：未授权');
  });

  test('--format json --modem: the at steps; --modem with another format is refused', async () => {
    const r = await cli([...G, '--publish', 't', '--payload', 'x', '--format', 'json', '--modem', 'esp-at-mqtt']);
    const doc = JSON.parse(r.out);
    expect(doc.dialect).toBe('esp-at-mqtt');
    expect(doc.at.at(-1)).toEqual({ command: 'AT+MQTTPUB=0,"t","x",0,0', expect: 'OK' });
    expect((await cli([...G, '--format', 'c', '--modem', 'ec25'])).code).toBe(2);
  });
});
