// The shared vectors reproduced through the CLI (`--format json`), for the platforms whose own tests cover the
// library side only: Aliyun, OneNET (new and legacy) and Huawei. Rows come from test/fixtures/vectors/*.json,
// verbatim copies of shared/vectors with each row's source; the CLI flags are what a user would type.
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import aliyun from './fixtures/vectors/aliyun.json' with { type: 'json' };
import onenet from './fixtures/vectors/onenet.json' with { type: 'json' };
import huawei from './fixtures/vectors/huawei.json' with { type: 'json' };
import { fakeIo } from './helpers/fake-io.js';

interface Doc {
  broker: { host: string; port: number };
  credentials: { clientId: string; username: string | null; password: string | null };
  packets: { type: string; hex: string }[];
}

async function json(argv: string[], now = Date.UTC(2024, 5, 15)): Promise<Doc> {
  const fake = fakeIo({ now });
  const code = await main([...argv, '--format', 'json'], fake.io);
  expect(fake.stderr()).toBe('');
  expect(code).toBe(0);
  return JSON.parse(fake.stdout()) as Doc;
}

type Expected = { clientId: string; username: string; password: string; host: string; port: number };
function expectLogin(doc: Doc, e: Expected, passwordCase: 'exact' | 'any' = 'exact'): void {
  expect(doc.credentials.clientId).toBe(e.clientId);
  expect(doc.credentials.username).toBe(e.username);
  // PLATFORMS.md §2: the hex case of an Aliyun password does not matter (the doc prints it uppercase).
  if (passwordCase === 'any') expect(doc.credentials.password?.toLowerCase()).toBe(e.password.toLowerCase());
  else expect(doc.credentials.password).toBe(e.password);
  expect([doc.broker.host, doc.broker.port]).toEqual([e.host, e.port]);
}

describe('aliyun', () => {
  type Row = (typeof aliyun)[number];
  const str = (x: unknown) => String(x);
  /** The flags that reproduce each row; SDK rows also pass that SDK's clientId core, |…| extras and hex case. */
  const argvOf = (v: Row): string[] => {
    const i = v.inputs as Record<string, unknown>;
    const endpoint = ['--host', v.expected.host, '--port', str(v.expected.port)];
    if (i.auth_type !== undefined) {
      return ['aliyun', '--product', str(i.product_key), '--device', str(i.device_name), '--auth-type', str(i.auth_type), '--product-secret', str(i.product_secret), '--random', str(i.random), ...endpoint];
    }
    const base = ['aliyun', '--product', str(i.productKey), '--device', str(i.deviceName), '--secret', str(i.deviceSecret), ...endpoint];
    const timestamp = ['--timestamp', i.timestamp === null ? 'none' : str(i.timestamp)];
    if (v.name === 'aliyun/iotkit-embedded-3.0.1/tcp-cn-shanghai-example') {
      return [...base, ...timestamp, '--ext', 'timestamp,_v=sdk-c-3.0.1,securemode,signmethod,lan=C,gw=0,ext=0', '--hex-case', 'upper'];
    }
    if (v.name === 'aliyun/js-sdk-1.2.8/CONNECT-capture') {
      // The JS SDK's own CONNECT: clean session 0 (flags 0xC0) and keepalive 60.
      return [...base, ...timestamp, '--client-id', 'a1ABCdefGHI&device01', '--sign-method', 'hmacsha1', '--ext', 'lan=NodeJS,_v=1.2.8', '--no-clean', '--keepalive', '60'];
    }
    return [...base, ...timestamp, '--client-id', str(i.clientId), '--sign-method', str(i.signmethod), '--secure-mode', str(i.securemode), '--region', str(i.region)];
  };

  test.each(aliyun.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const doc = await json(argvOf(v));
    expectLogin(doc, v.expected, 'any');
    if ('connect_packet_hex' in v) expect(doc.packets[0]!.hex).toBe(v.connect_packet_hex);
  });
});

describe('onenet', () => {
  test.each(onenet.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const i = v.inputs as Record<string, string | number | undefined>;
    if ('dp_publish_packet_hex' in v) {
      // Legacy: the CONNECT and a QoS 1 type-3 `$dp` PUBLISH, framed by the platform envelope from plain JSON.
      const argv = ['onenet-legacy', '--product', String(i.productId), '--device-id', String(i.deviceId), '--auth-info', String(i.authInfo),
        '--keepalive', String(i.keepalive), '--publish', 'dp-post', '--payload', String(i.dpJson), '--qos', String(i.qos), '--message-id', String(i.packetId)];
      const doc = await json(argv);
      expectLogin(doc, v.expected);
      expect(doc.packets.map((p) => p.hex)).toEqual([v.connect_packet_hex, v.dp_publish_packet_hex]);
      return;
    }
    const argv = ['onenet', '--product', String(i.productId), '--device', String(i.deviceName), '--key', String(i.key), '--key-level', String(i.keyLevel), '--method', String(i.method), '--expires', String(i.et)];
    // The clock an hour before `et`, so the token is still valid when signed.
    expectLogin(await json(argv, (Number(i.et) - 3600) * 1000), v.expected);
  });
});

describe('huawei', () => {
  test.each(huawei.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const i = v.inputs as Record<string, string | number | undefined>;
    const time = i.timestamp === undefined ? [] : ['--timestamp', String(i.timestamp)];
    const tls = v.expected.port === 8883 ? ['--tls'] : [];
    const argv = ['huawei', '--device', String(i.deviceId), '--secret', String(i.secret), '--sign-type', String(i.signType), '--host', String(i.host), ...tls, ...time, '--keepalive', String(v.connect.keepAlive)];
    const now = i.now === undefined ? Date.UTC(2025, 3, 14, 1, 30) : Date.parse(String(i.now));
    const doc = await json(argv, now);
    expectLogin(doc, v.expected);
    expect(doc.packets[0]!.hex).toBe(v.connect.packetHex);
  });
});
