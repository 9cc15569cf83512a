// Issue 11 item 1 through the CLI (in-process and spawned, en and zh): --host as users write it (host, host:port,
// [v6]:port, bare IPv6, mqtt/mqtts/tcp/ssl/ws/wss URLs), conflicting ports or transports refused naming both, and the
// same --host/--port/--tls on every platform, with an error that says why where a platform cannot do something.
import { describe, expect, test } from 'vitest';
import fixture from './fixtures/cli-platforms.json' with { type: 'json' };
import { platforms } from '../src/platforms/index.js';
import { both, LANGS, type Expected } from './helpers/cli-both.js';

const NOW = ['--now', '2024-06-15T13:00:00Z'];
const GENERIC = ['generic', '--client-id', 'dev1', ...NOW];
const base = (id: string): string[] => [id, ...fixture.platforms[id as keyof typeof fixture.platforms].args, ...NOW];

interface Broker {
  host: string;
  port: number;
  tls: boolean;
  url: string;
  websocket?: string;
}

interface Row {
  readonly name: string;
  readonly argv: readonly string[];
  readonly exit: number;
  readonly expected?: readonly Expected[];
  /** The broker of the JSON output (exit 0 rows). */
  readonly broker?: Partial<Broker>;
}

const OK_ROWS: readonly Row[] = [
  { name: 'host:port is a host and a port, not an IPv6 address', argv: [...GENERIC, '--host', 'broker.emqx.io:1883'], exit: 0, broker: { host: 'broker.emqx.io', port: 1883, tls: false, url: 'mqtt://broker.emqx.io:1883' } },
  { name: 'mqtts:// sets TLS and its default port', argv: [...GENERIC, '--host', 'mqtts://broker.emqx.io'], exit: 0, broker: { host: 'broker.emqx.io', port: 8883, tls: true } },
  { name: 'ssl://host:port', argv: [...GENERIC, '--host', 'ssl://broker.emqx.io:8884'], exit: 0, broker: { host: 'broker.emqx.io', port: 8884, tls: true } },
  { name: 'tcp://ip:port', argv: [...GENERIC, '--host', 'tcp://192.0.2.7:1884'], exit: 0, broker: { host: '192.0.2.7', port: 1884, tls: false } },
  { name: 'mqtt://host/ (a lone slash is no path)', argv: [...GENERIC, '--host', 'mqtt://broker.emqx.io/'], exit: 0, broker: { host: 'broker.emqx.io', port: 1883, tls: false } },
  { name: 'MQTTS:// in capitals', argv: [...GENERIC, '--host', 'MQTTS://broker.emqx.io:8883'], exit: 0, broker: { host: 'broker.emqx.io', port: 8883, tls: true } },
  { name: '[v6]:port', argv: [...GENERIC, '--host', '[::1]:1884'], exit: 0, broker: { host: '::1', port: 1884, url: 'mqtt://[::1]:1884' } },
  { name: 'mqtts://[v6]:port', argv: [...GENERIC, '--host', 'mqtts://[2001:db8::1]:8884'], exit: 0, broker: { host: '2001:db8::1', port: 8884, tls: true, url: 'mqtts://[2001:db8::1]:8884' } },
  { name: 'a bare IPv6 address stays valid', argv: [...GENERIC, '--host', '2001:db8::1'], exit: 0, broker: { host: '2001:db8::1', port: 1883, url: 'mqtt://[2001:db8::1]:1883' } },
  { name: 'a bare IPv6 address with --port and --tls', argv: [...GENERIC, '--host', '::1', '--port', '8884', '--tls'], exit: 0, broker: { host: '::1', port: 8884, tls: true } },
  { name: 'wss:// with port and path: the WebSocket URL', argv: [...GENERIC, '--host', 'wss://broker.emqx.io:8084/mqtt'], exit: 0, broker: { host: 'broker.emqx.io', port: 8084, tls: true, url: 'wss://broker.emqx.io:8084/mqtt', websocket: 'wss://broker.emqx.io:8084/mqtt' } },
  { name: 'ws:// without port or path: 80 and /mqtt', argv: [...GENERIC, '--host', 'ws://broker.emqx.io'], exit: 0, broker: { host: 'broker.emqx.io', port: 80, tls: false, url: 'ws://broker.emqx.io:80/mqtt', websocket: 'ws://broker.emqx.io:80/mqtt' } },
  { name: 'the same port twice is fine', argv: [...GENERIC, '--host', 'broker.emqx.io:1883', '--port', '1883'], exit: 0, broker: { port: 1883 } },
  { name: 'mqtts:// and --tls agree', argv: [...GENERIC, '--host', 'mqtts://broker.emqx.io', '--tls'], exit: 0, broker: { tls: true, port: 8883 } },
  { name: 'azure: --tls is accepted (always on)', argv: [...base('azure'), '--tls'], exit: 0, broker: { host: 'myiothub.azure-devices.net', port: 8883, tls: true } },
  { name: 'azure: --host a gateway and --port', argv: [...base('azure'), '--host', 'edge.example.com', '--port', '8884'], exit: 0, broker: { host: 'edge.example.com', port: 8884, tls: true } },
  { name: 'azure: wss:// URL', argv: [...base('azure'), '--host', 'wss://myiothub.azure-devices.net/$iothub/websocket'], exit: 0, broker: { port: 443, tls: true, websocket: 'wss://myiothub.azure-devices.net:443/$iothub/websocket' } },
  // A URL without a path gets the platform's own WebSocket path (Azure's hubs and IoT Edge gateways serve no /mqtt).
  { name: 'azure: wss:// URL without a path: /$iothub/websocket, not /mqtt', argv: [...base('azure'), '--host', 'wss://myiothub.azure-devices.net'], exit: 0, broker: { port: 443, tls: true, url: 'wss://myiothub.azure-devices.net:443/$iothub/websocket', websocket: 'wss://myiothub.azure-devices.net:443/$iothub/websocket' } },
  { name: 'azure: wss:// URL to a gateway, lone slash: the same path', argv: [...base('azure'), '--host', 'wss://edge.local:8443/'], exit: 0, broker: { host: 'edge.local', port: 8443, tls: true, url: 'wss://edge.local:8443/$iothub/websocket' } },
  { name: 'azure: wss:// URL with its own path: kept', argv: [...base('azure'), '--host', 'wss://edge.local/custom'], exit: 0, broker: { port: 443, tls: true, url: 'wss://edge.local:443/custom' } },
  { name: 'tencent: --host, --port', argv: [...base('tencent'), '--host', 'ABCDEF1234.iotcloud.tencentdevices.com:1884'], exit: 0, broker: { host: 'ABCDEF1234.iotcloud.tencentdevices.com', port: 1884, tls: false } },
  { name: 'baidu: --host mqtts:// URL keeps 1884 only when asked', argv: [...base('baidu'), '--host', 'mqtts://abcd123.iot.gz.baidubce.com:1884'], exit: 0, broker: { host: 'abcd123.iot.gz.baidubce.com', port: 1884, tls: true } },
];

const BAD_ROWS: readonly Row[] = [
  { name: 'a port given twice and differently names both', argv: [...GENERIC, '--host', 'broker.emqx.io:1883', '--port', '8883'], exit: 2, expected: [['host.portConflict', { option: '--host', value: 'broker.emqx.io:1883', port: 1883, other: '--port', otherPort: 8883 }]] },
  { name: 'a URL port and --port differ', argv: [...GENERIC, '--host', 'mqtts://broker.emqx.io:8883', '--port', '8884'], exit: 2, expected: [['host.portConflict', { option: '--host', value: 'mqtts://broker.emqx.io:8883', port: 8883, other: '--port', otherPort: 8884 }]] },
  { name: 'mqtt:// with --tls', argv: [...GENERIC, '--host', 'mqtt://broker.emqx.io', '--tls'], exit: 2, expected: [['host.tlsConflict', { option: '--host', value: 'mqtt://broker.emqx.io', other: '--tls' }]] },
  { name: 'an unknown scheme', argv: [...GENERIC, '--host', 'http://broker.emqx.io'], exit: 2, expected: [['host.scheme', { option: '--host', value: 'http://broker.emqx.io', scheme: 'http', allowed: 'mqtt, tcp, mqtts, ssl, ws, wss' }]] },
  { name: 'a path on an mqtt:// URL', argv: [...GENERIC, '--host', 'mqtt://broker.emqx.io/mqtt'], exit: 2, expected: [['host.path', { option: '--host', value: 'mqtt://broker.emqx.io/mqtt' }]] },
  { name: 'port 0', argv: [...GENERIC, '--host', 'broker.emqx.io:0'], exit: 2, expected: [['host.port', { option: '--host', value: 'broker.emqx.io:0' }]] },
  { name: 'port 65536', argv: [...GENERIC, '--host', 'broker.emqx.io:65536'], exit: 2, expected: [['host.port', { option: '--host', value: 'broker.emqx.io:65536' }]] },
  { name: 'an empty port', argv: [...GENERIC, '--host', 'broker.emqx.io:'], exit: 2, expected: [['host.port', { option: '--host', value: 'broker.emqx.io:' }]] },
  { name: 'IPv6 in a URL without brackets', argv: [...GENERIC, '--host', 'mqtt://2001:db8::1'], exit: 2, expected: [['platform.param.chars', { option: '--host', value: 'mqtt://2001:db8::1', allowed: 'a host name or IP address, host:port, [IPv6]:port, or a mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL' }]] },
  { name: 'user:password@ in a URL (the password masked)', argv: [...GENERIC, '--host', 'mqtt://u:p@broker.emqx.io'], exit: 2, expected: [['platform.param.chars', { option: '--host', value: 'mqtt://u:***@broker.emqx.io', allowed: 'a host name or IP address, host:port, [IPv6]:port, or a mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL' }]] },
  { name: 'azure without TLS says why', argv: [...base('azure'), '--host', 'mqtt://myiothub.azure-devices.net:1883'], exit: 2, expected: [['azure.tls.only', { option: '--host', value: 'mqtt://myiothub.azure-devices.net:1883' }]] },
  { name: 'azure over plain ws:// says why', argv: [...base('azure'), '--host', 'ws://myiothub.azure-devices.net'], exit: 2, expected: [['azure.tls.only', { option: '--host', value: 'ws://myiothub.azure-devices.net' }]] },
  { name: 'onenet-legacy has no TLS', argv: [...base('onenet-legacy'), '--tls'], exit: 2, expected: [['onenet-legacy.tls', { option: '--tls' }]] },
  { name: 'aliyun registration over a plain URL', argv: ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--auth-type', 'register', '--product-secret', 'PsEcReT0123456789', '--random', 'abc123', '--host', 'tcp://a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883', ...NOW], exit: 2, expected: [['aliyun.tls.registration', { option: '--host', value: 'tcp://a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883', mode: 'register' }]] },
  { name: 'tencent over TLS warns that the password is ignored there', argv: [...base('tencent'), '--tls'], exit: 0, expected: [['tencent.tls.password', { port: 8883 }]] },
];

describe.each(LANGS)('%s', (lang) => {
  test.each(OK_ROWS)('$name', async (row) => {
    for (const run of await both([...row.argv, '--format', 'json'], lang, row.exit, row.expected)) {
      const broker = (JSON.parse(run.stdout) as { broker: Broker }).broker;
      expect(broker).toMatchObject(row.broker!);
    }
  });

  test.each(BAD_ROWS)('$name', async (row) => {
    for (const run of await both([...row.argv, '--format', 'hex'], lang, row.exit, row.expected)) {
      if (row.exit === 2) expect(run.stdout).toBe('');
    }
  });
});

describe('every platform has --host, --port and --tls with the same meaning', () => {
  const ids = Object.keys(platforms).filter((id) => id !== 'onenet-legacy');
  test('declared everywhere', () => {
    for (const signer of Object.values(platforms)) {
      for (const flag of ['host', 'port', 'tls']) expect(signer.params.map((p) => p.flag), `${signer.id} --${flag}`).toContain(flag);
    }
  });

  test.each(ids)('%s: --host h:1999 --tls and --host mqtts://h:1999 give the same broker', async (id) => {
    const argv = id === 'generic' ? GENERIC : base(id);
    const [a] = await both([...argv, '--host', 'mqtt-gw.example.com:1999', '--tls', '--format', 'json'], 'en', 0);
    const [b] = await both([...argv, '--host', 'mqtts://mqtt-gw.example.com:1999', '--format', 'json'], 'en', 0);
    const brokerA = (JSON.parse(a.stdout) as { broker: Broker }).broker;
    expect(brokerA).toMatchObject({ host: 'mqtt-gw.example.com', port: 1999, tls: true });
    expect((JSON.parse(b.stdout) as { broker: Broker }).broker).toEqual(brokerA);
  });

  test('the AT script connects to the host, not to "host:port"', async () => {
    const [run] = await both([...GENERIC, '--host', 'broker.emqx.io:1883', '--format', 'at', '--modem', 'esp8266'], 'en', 0);
    expect(run.stdout).toContain('"broker.emqx.io",1883');
    expect(run.stdout).not.toContain('"broker.emqx.io:1883"');
  });
});
