// The platform registry kept honest, one conformance suite every signer runs, and the shared pieces:
// sign() (lookup, param checks, lint appended) and lintConnect().
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { getSigner, lintConnect, platforms, sign, UsageError, type ConnectOptions, type PlatformRules, type Signer } from '../src/index.js';
import { catalogues } from '../src/messages.js';
import { catchError } from './helpers/catch-error.js';

const SRC = resolve(import.meta.dirname, '../src/platforms');
const VECTORS = resolve(import.meta.dirname, 'fixtures/vectors');
/** Files in src/platforms that are shared machinery, not platforms. */
const SHARED = new Set(['types.ts', 'index.ts', 'sign.ts', 'lint.ts', 'names.ts', 'sign-with.ts']);
/** Platforms whose vectors live in other files; every other platform has <id>.json. */
const VECTOR_FILES: Readonly<Record<string, readonly string[]>> = { 'onenet-legacy': ['onenet'], generic: ['mosquitto', 'thingsboard'] };

const files = readdirSync(SRC)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_') && !SHARED.has(f))
  .map((f) => f.slice(0, -3))
  .sort();
const ids = Object.keys(platforms).sort();

/** Each platform's limits as PLATFORMS.md states them (for the --help example's login; Aliyun's is a legacy host). */
const DOCUMENTED_RULES: Readonly<Record<string, Partial<PlatformRules>>> = {
  // §2.3: keepalive 30-1200; no will, no retain, no QoS 2; SUBSCRIBE QoS ignored; 5.0 only on instances.
  aliyun: { keepalive: { min: 30, max: 1200, default: 300, recommendedMin: 300 }, qos: [0, 1], retain: false, will: false, subscribeQosIgnored: true, protocolVersions: [3, 4] },
  // §3.1: keepalive 10-1800; MQTT 3.1.1.
  onenet: { keepalive: { min: 10, max: 1800, default: 120 }, protocolVersions: [4] },
  'onenet-legacy': { protocolVersions: [4] },
  // §4: keepalive 30-1200; QoS 0/1, no will, no retain; 3.1, 3.1.1, 5.0; publish ≤ 1 MB.
  huawei: { keepalive: { min: 30, max: 1200, default: 120 }, qos: [0, 1], retain: false, will: false, protocolVersions: [3, 4, 5], maxPayload: 1024 * 1024 },
  // §5: 3.1.1 only; keepalive 0-900; no will, no retain, no QoS 2.
  tencent: { keepalive: { min: 0, max: 900, default: 60 }, qos: [0, 1], retain: false, will: false, protocolVersions: [4] },
  // §6: TLS only; 3.1.1; QoS 0/1 and a QoS 2 PUBLISH closes the connection; retain not stored; keepalive ≤ 1177; 256 KB.
  azure: { keepalive: { min: 0, max: 1177, default: 240 }, tlsRequired: true, qos: [0, 1], qosDisconnects: true, retain: false, protocolVersions: [4], maxPayload: 256 * 1024 },
  // §7: keepalive 30-1200 (300+ recommended); QoS 0/1; will yes, retain only on request; 3.1, 3.1.1, 5.0; 32 KB.
  baidu: { keepalive: { min: 30, max: 1200, default: 300, recommendedMin: 300 }, qos: [0, 1], retain: false, will: true, protocolVersions: [3, 4, 5], maxPayload: 32 * 1024 },
  generic: { qos: [0, 1, 2], retain: true, will: true, protocolVersions: [3, 4, 5] },
};
const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const CTX = { now: NOW, random: 'a1B2c3D4e5F6g7H8', salt: new Uint8Array(12).fill(7) };

describe('registry', () => {
  test('every platform file is registered, and nothing else is', () => {
    expect(ids).toEqual(files);
  });

  test.each(files)('%s is registered under its own id', (id) => {
    expect(platforms[id]!.id).toBe(id);
    expect(getSigner(id)).toBe(platforms[id]);
  });

  test.each(files)('%s has vectors', (id) => {
    for (const name of VECTOR_FILES[id] ?? [id]) {
      const path = resolve(VECTORS, `${name}.json`);
      expect(existsSync(path), path).toBe(true);
      const rows = JSON.parse(readFileSync(path, 'utf8')) as { name: string; source: string }[];
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.source, `${name}.json ${row.name} needs its source`).toBeTruthy();
    }
  });

  test('names.ts lists the registry (ids in its order, aliases) and the CLI loads the same signer for each', async () => {
    const { PLATFORM_IDS, PLATFORM_TITLES, aliases, platformIdOf } = await import('../src/platforms/names.js');
    const { loadSigner } = await import('../src/cli/signers.js');
    expect([...PLATFORM_IDS]).toEqual(Object.keys(platforms));
    for (const id of PLATFORM_IDS) expect(await loadSigner(id)).toBe(platforms[id]);
    for (const id of PLATFORM_IDS) expect(platforms[id]!.title).toBe(PLATFORM_TITLES[id]);
    for (const [alias, id] of Object.entries(aliases)) expect(getSigner(alias)).toBe(platforms[id]);
    for (const word of ['toString', 'constructor', '__proto__', 'nosuch', '']) expect(platformIdOf(word)).toBeUndefined();
  });

  test('every vector file belongs to a platform', () => {
    const claimed = new Set(ids.flatMap((id) => VECTOR_FILES[id] ?? [id]));
    const present = readdirSync(VECTORS).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
    for (const name of present) expect(claimed, `${name}.json`).toContain(name);
  });

  test.each(['nosuch', 'toString', 'constructor', ''])('unknown platform %j is a UsageError listing the platforms', (id) => {
    const err = catchError(() => getSigner(id));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.code).toBe('platform.unknown');
    expect(err.message).toContain('aliyun');
  });
});

/** The signer's --help example as params: "aliyun --product x --tls" → { productKey: "x", tls: "true" }. */
function exampleParams(signer: Signer): Record<string, string> {
  const words = (signer.example.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^(['"])(.*)\1$/, '$2'));
  expect(words.shift()).toBe(signer.id);
  const out: Record<string, string> = {};
  while (words.length > 0) {
    const word = words.shift()!;
    const param = signer.params.find((p) => `--${p.flag}` === word);
    expect(param, `${signer.id} example: ${word} is not a declared flag`).toBeDefined();
    out[param!.name] = param!.boolean ? 'true' : words.shift()!;
  }
  return out;
}

describe.each(ids)('conformance: %s', (id) => {
  const signer = platforms[id]!;
  const params = exampleParams(signer);

  test('params: unique camelCase names and kebab-case flags, defaults among choices, secrets read from MQTT_SIGN_<FLAG>', () => {
    expect(new Set(signer.params.map((p) => p.name)).size).toBe(signer.params.length);
    expect(new Set(signer.params.map((p) => p.flag)).size).toBe(signer.params.length);
    for (const p of signer.params) {
      expect(p.name).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(p.flag).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(p.description.length).toBeGreaterThan(0);
      if (p.choices && p.default !== undefined) expect(p.choices).toContain(p.default);
      if (p.required) expect(p.default, `${p.name}: a required param has no default`).toBeUndefined();
      if (p.boolean) expect(p.valueName).toBeUndefined();
      if (p.secret) expect(p.env).toBe(`MQTT_SIGN_${p.flag.toUpperCase().replace(/-/g, '_')}`);
      else expect(p.env).toBeUndefined();
    }
  });

  test('every param has its --help line in en (= its description) and zh', () => {
    for (const p of signer.params) {
      const key = `param.${id}.${p.name}`;
      expect(catalogues.en[key], key).toBe(p.description);
      expect(catalogues.zh[key], key).toBeTruthy();
    }
  });

  test('the --help example uses declared flags, gives every required one and signs', () => {
    for (const p of signer.params.filter((q) => q.required)) expect(Object.keys(params)).toContain(p.name);
    const result = sign(id, params, CTX);
    expect(result.platform).toBe(id);
    expect(result.credentials.clientId.length).toBeGreaterThan(0);
  });

  test('same input twice, same output (stable key order too)', () => {
    expect(JSON.stringify(sign(id, params, CTX))).toBe(JSON.stringify(sign(id, { ...params }, { ...CTX })));
  });

  test.each(signer.params.filter((p) => p.required).map((p) => [p.flag, p.name] as const))('missing --%s is a UsageError naming it', (flag, name) => {
    const { [name]: _dropped, ...rest } = params;
    const err = catchError(() => sign(id, rest, CTX));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.params.option).toBe(`--${flag}`);
    expect(err.message).toContain(`--${flag}`);
    expect(err.exitCode).toBe(2);
  });

  test('an unknown param name is a UsageError listing the known ones', () => {
    const err = catchError(() => sign(id, { ...params, nosuchParam: 'x' }, CTX));
    expect(err.code).toBe('platform.param.unknown');
  });

  test('secrets appear nowhere but in the password', () => {
    const secrets = signer.params.filter((p) => p.secret && params[p.name]).map((p) => params[p.name]!);
    expect(secrets.length).toBeGreaterThan(0);
    const result = sign(id, params, { ...CTX, connect: { keepalive: 1, protocolVersion: 3, qos: [2], retain: true, will: true, tls: false } });
    const { credentials, ...rest } = result;
    const shown = JSON.stringify({ ...rest, clientId: credentials.clientId, username: credentials.username });
    for (const secret of secrets) expect(shown).not.toContain(secret);
    for (const w of result.warnings) {
      expect(catalogues.en[w.code], w.code).toBeDefined();
      expect(catalogues.zh[w.code], w.code).toBeDefined();
    }
  });

  test('result shape: broker url, keepalive default inside its range, unique kebab-case topic names', () => {
    const { broker, rules, topics } = sign(id, params, CTX);
    const host = broker.host.includes(':') ? `[${broker.host}]` : broker.host;
    expect(broker.url).toBe(`${broker.tls ? 'mqtts' : 'mqtt'}://${host}:${broker.port}`);
    expect(rules.keepalive.min).toBeLessThanOrEqual(rules.keepalive.default);
    expect(rules.keepalive.default).toBeLessThanOrEqual(rules.keepalive.max);
    expect(new Set(topics.map((t) => t.name)).size).toBe(topics.length);
    for (const t of topics) expect(t.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test('rules: the documented limits (PLATFORMS.md), each one enforced by the lint of a connection that breaks it', () => {
    const { rules } = sign(id, params, CTX);
    expect(rules).toMatchObject(DOCUMENTED_RULES[id]!);
    const codes = (connect: ConnectOptions): string[] => lintConnect(rules, connect, CTX.now).map((w) => w.code);
    if (rules.keepalive.max < 65535) expect(codes({ keepalive: rules.keepalive.max + 1 })).toContain('lint.keepalive.range');
    if (rules.keepalive.min > 0) expect(codes({ keepalive: rules.keepalive.min - 1 })).toContain('lint.keepalive.range');
    expect(codes({ tls: false }).includes('lint.tls.required')).toBe(rules.tlsRequired);
    for (const q of [0, 1, 2] as const) {
      const refused = codes({ qos: [q] }).some((c) => c === 'lint.qos.unsupported' || c === 'lint.qos.disconnect');
      expect(refused, `QoS ${q}`).toBe(!rules.qos.includes(q));
      // A SUBSCRIBE's QoS is refused like a PUBLISH's, unless the platform ignores it (then one note).
      const subscribed = codes({ subscribeQos: [q] });
      if (rules.subscribeQosIgnored) expect(subscribed).toEqual(q > 0 ? ['lint.subscribe.qosIgnored'] : []);
      else expect(subscribed.includes('lint.qos.unsupported') || subscribed.includes('lint.qos.disconnect')).toBe(!rules.qos.includes(q));
    }
    expect(codes({ retain: true }).includes('lint.retain.unsupported')).toBe(!rules.retain);
    expect(codes({ will: true }).includes('lint.will.unsupported')).toBe(!rules.will);
    for (const v of [3, 4, 5] as const) expect(codes({ protocolVersion: v }).includes('lint.protocol.unsupported'), `protocol ${v}`).toBe(!rules.protocolVersions.includes(v));
    // The flags an expiry warning names are this platform's own.
    for (const flag of rules.expiryFlags ?? []) expect(signer.params.map((p) => `--${p.flag}`)).toContain(flag.split(' ')[0]);
    if (rules.expiresAt !== null) expect(rules.expiryFlags?.length).toBeGreaterThan(0);
  });

  test.skipIf(!signer.verify)('verify accepts the login it signed', () => {
    const { credentials } = sign(id, params, CTX);
    const result = signer.verify!({ ...credentials, keepalive: sign(id, params, CTX).rules.keepalive.default, protocolVersion: 4 }, params, { now: CTX.now });
    expect(result.fields.filter((f) => !f.ok)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

const enveloping = ids.filter((id) => platforms[id]!.envelope);

describe.each(enveloping)('envelope: %s', (id) => {
  const envelope = platforms[id]!.envelope!.bind(platforms[id]);
  const unknown = catchError(() => envelope('no-such-topic', {}, CTX));
  const wrapped = String(unknown.params.allowed).split(', ');

  test('an unknown topic is a UsageError naming the topics it wraps', () => {
    expect([unknown.code, unknown.params.platform, unknown.params.value]).toEqual(['platform.envelope.unknown', id, 'no-such-topic']);
    for (const name of wrapped) expect(() => envelope(name, { a: 1 }, { ...CTX, params: { serviceId: 's' } })).not.toThrow();
  });

  test.each(wrapped.flatMap((name) => [null, [1], 5, 'text', true].map((value) => [name, JSON.stringify(value), value] as const)))(
    '%s: properties %s are not a JSON object',
    (name, _shown, value) => {
      const err = catchError(() => envelope(name, value, CTX));
      expect([err.code, err.params.topic]).toEqual(['platform.envelope.properties', name]);
    },
  );
});

test('the platforms with envelopes', () => {
  expect(enveloping).toEqual(['aliyun', 'huawei', 'onenet', 'onenet-legacy', 'tencent']);
});

describe('sign()', () => {
  const aliyun = { productKey: 'a1X2bEnP82z', deviceName: 'example1', deviceSecret: 'ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe' };

  test.each([NaN, Infinity])('now = %s is a UsageError', (now) => {
    expect(catchError(() => sign('aliyun', aliyun, { now })).code).toBe('platform.now.invalid');
  });

  test('a value outside a param\'s choices names the flag and the choices', () => {
    const err = catchError(() => sign('aliyun', { ...aliyun, signMethod: 'sha256' }, CTX));
    expect([err.code, err.params.option, err.params.allowed]).toEqual(['platform.param.choice', '--sign-method', 'hmacsha256, hmacsha1, hmacmd5']);
  });

  test('a secret missing: the hint names its environment variable and stdin', () => {
    const err = catchError(() => sign('huawei', { deviceId: 'd_1' }, CTX));
    expect(err.code).toBe('platform.secret.missing');
    expect(err.hint).toContain('MQTT_SIGN_SECRET');
  });

  test('the planned connection is linted, with the signed transport and clientId as defaults', () => {
    const plain = sign('aliyun', aliyun, { ...CTX, connect: { keepalive: 10, protocolVersion: 3 } });
    const codes = plain.warnings.map((w) => w.code);
    expect(codes).toContain('lint.keepalive.range');
    expect(codes).toContain('lint.clientId.mqtt31'); // the signed clientId is far over 23 bytes
    // register needs TLS; it signs for TLS, so only an explicit plain connection is flagged.
    const reg = { productKey: 'a1X2bEnP82z', deviceName: 'example1', productSecret: 'ps', authType: 'register' };
    expect(sign('aliyun', reg, CTX).warnings.map((w) => w.code)).not.toContain('lint.tls.required');
    expect(sign('aliyun', reg, { ...CTX, connect: { tls: false } }).warnings.map((w) => w.code)).toContain('lint.tls.required');
  });
});

describe('lintConnect', () => {
  const rules: PlatformRules = {
    keepalive: { min: 30, max: 1200, default: 120, recommendedMin: 300 },
    tlsRequired: true,
    qos: [0, 1],
    retain: false,
    will: false,
    protocolVersions: [4, 5],
    clientIdMaxLength: 10,
    expiresAt: null,
  };
  const expiring: PlatformRules = { ...rules, expiresAt: NOW / 1000 + 7200, expiryFlags: ['--expires', '--ttl'] };
  const lint = (connect: Parameters<typeof lintConnect>[1], r = rules, now = NOW) => lintConnect(r, connect, now).map((w) => [w.code, w.params]);

  test.each([
    ['keepalive below the range', { keepalive: 29 }, [['lint.keepalive.range', { keepalive: 29, min: 30, max: 1200 }]]],
    ['keepalive 0 (disabled) is outside 30-1200', { keepalive: 0 }, [['lint.keepalive.range', { keepalive: 0, min: 30, max: 1200 }]]],
    ['keepalive above the range', { keepalive: 1201 }, [['lint.keepalive.range', { keepalive: 1201, min: 30, max: 1200 }]]],
    ['keepalive at the minimum, below the recommendation', { keepalive: 30 }, [['lint.keepalive.low', { keepalive: 30, recommended: 300 }]]],
    ['keepalive at the recommendation', { keepalive: 300 }, []],
    ['plain TCP where TLS is required', { tls: false }, [['lint.tls.required', {}]]],
    ['TLS', { tls: true }, []],
    ['QoS 2 once, however often planned', { qos: [0, 2, 1, 2] }, [['lint.qos.unsupported', { qos: 2, allowed: '0, 1' }]]],
    ['a SUBSCRIBE asking for QoS 2', { subscribeQos: [2] }, [['lint.qos.unsupported', { qos: 2, allowed: '0, 1' }]]],
    ['retain and will', { retain: true, will: true }, [['lint.retain.unsupported', {}], ['lint.will.unsupported', {}]]],
    ['MQTT 3.1 with a 24-byte clientId', { protocolVersion: 3, clientId: 'abcdefghijklmnopqrstuvwx' }, [
      ['lint.protocol.unsupported', { version: '3.1', allowed: '3.1.1, 5.0' }],
      ['lint.clientId.mqtt31', { length: 24 }],
      ['lint.clientId.long', { length: 24, max: 10 }],
    ]],
    ['MQTT 3.1.1 with a 10-byte clientId', { protocolVersion: 4, clientId: 'abcdefghij' }, []],
    ['a clientId counted in UTF-8 bytes', { clientId: '设备设备' }, [['lint.clientId.long', { length: 12, max: 10 }]]],
  ] as const)('%s', (_name, connect, expected) => {
    expect(lint(connect)).toEqual(expected);
  });

  test.each([
    ['more than a day left', NOW - 86_400_000, []],
    ['two hours left', NOW, [['lint.expiry.soon', { expiresAt: '2024-06-15T14:00:00.000Z', hours: 2, options: '--expires, --ttl' }]]],
    ['expired one second ago', NOW + 7_201_000, [['expired', { expiresAt: '2024-06-15T14:00:00.000Z', option: '--expires' }]]],
    ['expiring this very second', NOW + 7_200_000, [['expired', { expiresAt: '2024-06-15T14:00:00.000Z', option: '--expires' }]]],
  ] as const)('expiry: %s', (_name, now, expected) => {
    expect(lint(undefined, expiring, now)).toEqual(expected);
  });

  test.each([
    ['a SUBSCRIBE QoS where the platform ignores it: a note, not a refusal', { ...rules, subscribeQosIgnored: true }, { subscribeQos: [0, 2] }, [['lint.subscribe.qosIgnored', {}]]],
    ['QoS 0 subscriptions there: nothing to say', { ...rules, subscribeQosIgnored: true }, { subscribeQos: [0] }, []],
    ['a PUBLISH QoS there is still checked', { ...rules, subscribeQosIgnored: true }, { qos: [2] }, [['lint.qos.unsupported', { qos: 2, allowed: '0, 1' }]]],
    ['a QoS that closes the connection says so', { ...rules, qosDisconnects: true }, { qos: [2] }, [['lint.qos.disconnect', { qos: 2, allowed: '0, 1' }]]],
  ] as const)('QoS rules: %s', (_name, r, connect, expected) => {
    expect(lint(connect, r)).toEqual(expected);
  });

  test('a credential that does not expire is never flagged', () => {
    expect(lint(undefined, rules, 8.64e15)).toEqual([]);
  });

  test('every warning carries its English text from the catalogue', () => {
    for (const w of lintConnect(expiring, { keepalive: 5, tls: false, qos: [2], retain: true, will: true, protocolVersion: 3, clientId: 'x'.repeat(30) }, NOW + 1e10)) {
      expect(w.message).not.toMatch(/\{\w+\}/);
      expect(catalogues.zh[w.code]).toBeDefined();
    }
  });
});
