// Issue 11 item 8 through the CLI (in-process and spawned, en and zh): plain-broker aliases shown in --help and
// signing like generic; --topics without any secret, and its text listing with descriptions and example payloads.
import { describe, expect, test } from 'vitest';
import { catalogues, message } from '../src/messages.js';
import { platforms, aliases } from '../src/platforms/index.js';
import { both, inProcess, LANGS } from './helpers/cli-both.js';

const NOW = ['--now', '2024-06-15T13:00:00Z'];

describe.each(LANGS)('%s', (lang) => {
  test.each(['mosquitto', 'emqx', 'thingsboard', 'hivemq'])('%s is generic: same bytes, named in --help', async (alias) => {
    const args = ['--host', '127.0.0.1', '--client-id', 'dev1', '--username', 'u', '--password', 'p4ss', ...NOW, '--format', 'hex'];
    const [a] = await both([alias, ...args], lang, 0);
    const [g] = await both(['generic', ...args], lang, 0);
    expect(a.stdout).toBe(g.stdout);
    expect(a.stdout).toMatch(/^10 /);
    const [help] = await both(['--help'], lang, 0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(alias);
  });

  // Only the ids each platform needs for its topics; no secret, no secret env var, nothing on stdin.
  test.each([
    ['aliyun', ['--product', 'a1X2bEnP82z', '--device', 'example1'], 'property-post', '/sys/a1X2bEnP82z/example1/thing/event/property/post'],
    ['aliyun', ['--product', 'a1X2bEnP82z', '--device', 'example1', '--auth-type', 'register'], 'register-reply', '/ext/register'],
    ['onenet', ['--product', 'Ck2AF9QD2K', '--device', 'test'], 'property-post', '$sys/Ck2AF9QD2K/test/thing/property/post'],
    ['huawei', ['--device', 'dev_1'], 'property-post', '$oc/devices/dev_1/sys/properties/report'],
    ['tencent', ['--product', 'ABCDEF1234', '--device', 'dev001'], 'property-post', '$thing/up/property/ABCDEF1234/dev001'],
    ['azure', ['--hub', 'myhub', '--device', 'd1'], 'telemetry', 'devices/d1/messages/events/'],
    ['baidu', ['--iotcore', 'abcd123', '--device', 'mydevice'], 'shadow-get', '$iot/mydevice/shadow/get'],
    ['onenet-legacy', ['--product', '339', '--device-id', '9277'], 'dp-post', '$dp'],
  ] as const)('%s --topics works without secrets', async (id, args, name, topic) => {
    for (const run of await both([id, ...args, ...NOW, '--topics', '--format', 'table'], lang, 0)) {
      const lines = run.stdout.split('\n');
      const at = lines.findIndex((l) => l.startsWith(`${name} `));
      expect(at, run.stdout).toBeGreaterThanOrEqual(0);
      expect(lines[at]).toContain(topic);
      // The description on the next line, indented.
      expect(lines[at + 1]).toMatch(/^ {4,}\S/);
    }
  });

  test('the text listing shows every description and example payload the JSON has', async () => {
    const argv = ['aliyun', '--product', 'a1X2bEnP82z', '--device', 'example1', ...NOW, '--topics'];
    const [text] = await both([...argv, '--format', 'table'], lang, 0);
    const [json] = await both([...argv, '--format', 'json'], lang, 0);
    const topics = (JSON.parse(json.stdout) as { topics: { description: string; payload: string | null }[] }).topics;
    expect(topics.some((t) => t.payload !== null)).toBe(true);
    for (const t of topics) {
      expect(text.stdout).toContain(t.description);
      if (t.payload !== null) expect(text.stdout).toContain(message('cli.topics.payload', { payload: t.payload }, lang));
    }
  });
});

test('every alias maps to a registered platform, and the catalogue has the help note in both languages', async () => {
  for (const id of Object.values(aliases)) expect(Object.keys(platforms)).toContain(id);
  expect(catalogues.zh['cli.sign.aliases']).toContain('{aliases}');
  const run = await inProcess(['mosquitto', '--help']);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('hivemq');
});

describe.each(LANGS)('generic empty clientId (%s)', (lang) => {
  const GENERIC = ['generic', '--host', '127.0.0.1', '--client-id', '', ...NOW, '--format', 'hex'];
  test.each([
    ['MQTT 3.1.1 with clean session: a zero-length clientId and a note', [], 0, 'generic.clientId.assigned', '10 0C 00 04 4D 51 54 54 04 02 00 3C 00 00'],
    ['MQTT 5.0 without clean start: allowed', ['--protocol', '5', '--no-clean'], 0, 'generic.clientId.assigned', '10 0D 00 04 4D 51 54 54 05 00 00 3C 00 00 00'],
    ['MQTT 3.1.1 without clean session: refused', ['--no-clean'], 2, 'generic.clientId.emptyClean', ''],
    ['MQTT 3.1: refused', ['--protocol', '3.1'], 2, 'generic.clientId.empty31', ''],
  ] as const)('%s', async (_name, extra, exit, code, hex) => {
    const params = code === 'generic.clientId.assigned' ? {} : { option: '--client-id' };
    for (const run of await both([...GENERIC, ...extra], lang, exit, [[code, params]])) {
      expect(run.stdout.trim()).toBe(hex);
    }
  });

  test('another platform still refuses an empty value', async () => {
    await both(['aliyun', '--product', 'a1X2bEnP82z', '--device', '', '--secret', 'ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe'], lang, 2, [['cli.option.empty', { option: '--device' }]]);
  });
});

describe.each(LANGS)('azure --connection-string (%s)', (lang) => {
  const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
  const CS = `HostName=myiothub.azure-devices.net;DeviceId=my_device;SharedAccessKey=${KEY}`;
  const TAIL = ['--expires', '4102444800', ...NOW, '--format', 'hex'];
  test.each([
    ['device', ['--connection-string', CS], ['--hub', 'myiothub.azure-devices.net', '--device', 'my_device', '--key', KEY]],
    ['module', ['--connection-string', `${CS};ModuleId=m1`], ['--hub', 'myiothub.azure-devices.net', '--device', 'my_device', '--module', 'm1', '--key', KEY]],
  ] as const)('a %s connection string signs what the separate flags sign, key never echoed', async (_name, cs, flags) => {
    const [a] = await both(['azure', ...cs, ...TAIL], lang, 0);
    const [b] = await both(['azure', ...flags, ...TAIL], lang, 0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout + a.stderr).not.toContain(KEY);
  });

  test('from the environment, like the key', async () => {
    const [a] = await both(['azure', ...TAIL], lang, 0, [], { MQTT_SIGN_CONNECTION_STRING: CS });
    const [b] = await both(['azure', '--connection-string', CS, ...TAIL], lang, 0);
    expect(a.stdout).toBe(b.stdout);
  });

  test.each([
    ['a part missing', `HostName=h.azure-devices.net;DeviceId=d`, [], 'azure.connectionString.missing', { option: '--connection-string', part: 'SharedAccessKey' }],
    ['an unknown part', `${CS};Foo=1`, [], 'azure.connectionString.part', { option: '--connection-string', part: 'Foo', allowed: 'HostName, DeviceId, SharedAccessKey, ModuleId' }],
    ['a part also given as its flag', CS, ['--device', 'x'], 'platform.param.conflict', { option: '--connection-string', other: '--device' }],
    // The key mistyped without '=' is not shown (it used to be, as an unknown part).
    ['a part not Name=value', `HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey:${KEY}`, [], 'azure.connectionString.malformed', { option: '--connection-string', index: 3 }],
    ['a part without =', `HostName=h.azure-devices.net;DeviceId=d;${KEY.replaceAll('=', '')}`, [], 'azure.connectionString.malformed', { option: '--connection-string', index: 3 }],
    ['a part given twice', `${CS};DeviceId=e`, [], 'azure.connectionString.repeated', { option: '--connection-string', part: 'DeviceId' }],
    ['the key given twice', `${CS};SharedAccessKey=${KEY}`, [], 'azure.connectionString.repeated', { option: '--connection-string', part: 'SharedAccessKey' }],
  ] as const)('%s', async (_name, cs, extra, code, params) => {
    for (const run of await both(['azure', '--connection-string', cs, ...extra, ...TAIL], lang, 2, [[code, params]])) {
      expect(run.stderr).not.toContain(KEY);
    }
  });

  test('without it, --hub is still required and named', async () => {
    await both(['azure', '--device', 'd', '--key', KEY, ...TAIL], lang, 2, [['platform.param.missing', { platform: 'azure', option: '--hub', value: 'hostname or hub name' }]]);
  });
});
