// The pure parts of probe: target parsing, CONNACK meanings per platform, first-bytes recognition, and the
// catalogue every verdict, cause and hint is rendered from (en and zh alike).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MqttSignError } from '../src/errors.js';
import { catalogues } from '../src/messages.js';
import { en, zh } from '../src/messages/probe.js';
import { connackCause, connackMeaning, parseTarget, recognise } from '../src/probe/index.js';
import { maskUserinfo } from '../src/userinfo.js';
import targets from './fixtures/probe-targets.json' with { type: 'json' };
import connack from './fixtures/probe-connack.json' with { type: 'json' };

describe('parseTarget', () => {
  test.each(targets.valid)('$input', ({ input, ...expected }) => {
    expect(parseTarget(input)).toEqual(expected);
  });

  test.each(targets.invalid)('%j is a usage error naming the target', (input) => {
    let error: unknown;
    try {
      parseTarget(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MqttSignError);
    expect(error).toMatchObject({ code: 'probe.target.invalid', exitCode: 2, params: { option: 'target', value: input } });
  });

  const thrown = (input: string) => {
    try {
      parseTarget(input);
    } catch (e) {
      return e as MqttSignError;
    }
    throw new Error(`${input} was accepted`);
  };

  test.each([
    ['mqtt://alice:S3cretPassw0rd@127.0.0.1:18860', 'mqtt://alice:***@127.0.0.1:18860'],
    ['wss://alice:p@ss:w0rd@host/mqtt?x=1', 'wss://alice:***@host/mqtt?x=1'],
    ['mqtt://alice@host', 'mqtt://alice@host'],
    ['mqtt://:S3cretPassw0rd@host', 'mqtt://:***@host'],
  ])('credentials in %j: a usage error that echoes %j', (input, shown) => {
    const error = thrown(input);
    expect(error).toMatchObject({ code: 'probe.target.userinfo', exitCode: 2, params: { option: 'target', value: shown } });
    expect(error.message).not.toMatch(/S3cret|p@ss|w0rd/);
  });

  test.each([
    ['alice:S3cretPassw0rd@127.0.0.1:18860', 'alice:***@127.0.0.1:18860'],
    ['ftp://alice:S3cretPassw0rd@host', 'ftp://alice:***@host'],
    ['mqtt://alice:S3cretPassw0rd@host:99999', 'mqtt://alice:***@host:99999'],
    // A password typed with / ? or #: a URL parser reads less of it, but it is still masked whole.
    ['mqtt://alice:S3cretPassw0rd/x@host', 'mqtt://alice:***@host'],
    ['mqtt://alice:S3cretPassw0rd#x@host', 'mqtt://alice:***@host'],
    ['mqtt://alice:S3cretPassw0rd?x@host:1883', 'mqtt://alice:***@host:1883'],
  ])('an invalid target with credentials, %j, is echoed masked', (input, shown) => {
    const error = thrown(input);
    expect(error.params.value).toBe(shown);
    expect(error.message).not.toContain('S3cretPassw0rd');
  });

  test('maskUserinfo leaves a target without a password as it is', () => {
    for (const input of ['mqtt://host:1883', 'host:1883', '[::1]:1883', 'mqtt://alice@host', 'ws://host/a@b']) expect(maskUserinfo(input)).toBe(input);
    // An "@" after a ":" in a path is masked too: the safe side.
    expect(maskUserinfo('ws://host/a:b@c')).toBe('ws://host/a:***@c');
  });
  test('a target without a scheme that carries credentials is named as such, not as an IPv6 address', () => {
    expect(thrown('alice:S3cretPassw0rd@example.com:1883').code).toBe('probe.target.userinfo');
  });
});

describe('CONNACK codes per platform', () => {
  test.each(connack.rows)('$platform, MQTT level $version, code $code → $cause', ({ platform, version, code, cause, meaning }) => {
    expect(connackCause(code, version, platform).code).toBe(cause);
    expect(connackMeaning(code, version).code).toBe(meaning);
  });
});

describe('recognise the first bytes of a server', () => {
  const text = (s: string) => new TextEncoder().encode(s);
  test.each([
    ['CONNACK', Uint8Array.from([0x20, 0x02, 0x00, 0x00]), 'mqtt'],
    ['TLS alert (protocol_version)', Uint8Array.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]), 'tls'],
    ['TLS ServerHello', Uint8Array.from([0x16, 0x03, 0x03, 0x00, 0x7a]), 'tls'],
    ['HTTP status line', text('HTTP/1.1 400 Bad Request\r\n'), 'http'],
    ['SSH banner', text('SSH-2.0-OpenSSH_9.2p1\r\n'), 'ssh'],
    ['a lone 0x16 is not yet TLS', Uint8Array.from([0x16]), 'unknown'],
    ['garbage', Uint8Array.from([0xff, 0x00, 0x13, 0x37]), 'unknown'],
    ['nothing', new Uint8Array(0), 'unknown'],
  ])('%s', (_name, bytes, kind) => {
    expect(recognise(bytes)).toBe(kind);
  });
});

describe('probe catalogue', () => {
  const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  test('en and zh have the same keys and the same placeholders', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) expect(placeholders(zh[key]!), key).toEqual(placeholders(en[key]!));
  });

  test('every code the probe can produce is in the catalogue', () => {
    const root = resolve(import.meta.dirname, '../src');
    const files = [...readdirSync(join(root, 'probe')).map((f) => join(root, 'probe', f)), join(root, 'cli/commands/probe.ts')];
    const codes = new Set<string>();
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/'(probe\.[a-z0-9.-]+)'/g)) codes.add(m[1]!);
    }
    // The two codes built from templates: `probe.${step}.failed` and `probe.cause.mqtt-not-${expected}`.
    for (const step of ['dns', 'tcp', 'tls', 'websocket', 'mqtt', 'roundtrip']) codes.add(`probe.${step}.failed`);
    for (const layer of ['tls', 'websocket']) codes.add(`probe.cause.mqtt-not-${layer}`);
    expect(codes.size).toBeGreaterThan(60);
    const missing = [...codes].filter((code) => !(code in catalogues.en) && !(`${code}.hint` in catalogues.en));
    expect(missing).toEqual([]);
  });

  test('every platform table answers codes 1 to 5 with a sentence', () => {
    for (const platform of ['generic', 'thingsboard', 'aliyun', 'onenet', 'huawei', 'tencent', 'azure', 'baidu']) {
      for (const code of [1, 2, 3, 4, 5]) expect(catalogues.zh[connackCause(code, 4, platform).code], `${platform} ${code}`).toBeTruthy();
    }
  });
});
