// Payload lint (issue #10 item 4): JSON-looking payloads that do not parse get the place of the first error, and
// with --platform a standard topic's payload without the platform's envelope says what is missing.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { jsonError, lintPayload } from '../src/capture/payload-lint.js';
import { main } from '../src/cli/main.js';
import { message } from '../src/messages.js';
import { encode } from '../src/mqtt/encode.js';
import type { PublishPacket } from '../src/mqtt/types.js';
import { platforms } from '../src/platforms/index.js';
import { fakeIo } from './helpers/fake-io.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('jsonError agrees with JSON.parse', () => {
  test.each([
    '{}', '[]', ' {"a" : [true, false, null, -0.5e+3, 0, 12, "x\\n\\u00e9"]}\r\n', '"s"', '0', '-1.5E-2', '{"a":{"b":[{}]}}',
    '{"a":1,}', '[1,]', '{a:1}', "{'a':1}", '{"a":1}}', '{"a":"\u0001"}', '{"a":"\\x"}', '{"a":01}', '{"a":1.}', '{"a":.5}',
    '{"a":+1}', '{"a":tru}', '{"a":"abc', '[', '{"a"', '{"a" 1}', '"\\u12G4"', '{"a":1 "b":2}', '[1 2]', '{"a":-}', '{"a":1e}',
    '{"a":nul}', '{,}', '[,1]', '{"a":1}x', '{}{}', '{"a":[1}', '{"a":"\t"}', '',
  ])('%j', (text) => {
    expect(jsonError(bytes(text)) === null).toBe(parses(text));
  });

  test('any JSON value passes; any mutation of one is judged as JSON.parse judges it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', ' ', '\\', '0', '{', '['), (value, at, insert) => {
        const text = JSON.stringify(value);
        expect(jsonError(bytes(text))).toBeNull();
        const i = text.length === 0 ? 0 : at % text.length;
        const mutated = text.slice(0, i) + insert + text.slice(i + 1);
        expect(jsonError(bytes(mutated)) === null).toBe(parses(mutated));
      }),
      { numRuns: 2000 },
    );
  });

  test('payloads over 1 KiB (first checked by JSON.parse, as Latin-1) are judged the same, and errors keep their place', () => {
    const pad = `"${'p'.repeat(1100)}"`;
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom(',', '}', ']', '"', ':', 'x', '\\', '0', '{', '[', '\u0001', 'é'), (value, at, insert) => {
        const text = `{"pad":${pad},"v":${JSON.stringify(value)}}`;
        expect(jsonError(bytes(text))).toBeNull();
        // Mutate after the padding, so the small scan and the large check see the same error position.
        const from = 9 + pad.length;
        const i = from + (at % (text.length - from));
        const mutated = text.slice(0, i) + insert + text.slice(i + 1);
        const large = jsonError(bytes(mutated));
        expect(large === null).toBe(parses(mutated));
        if (large !== null) expect(large.offset).toBeGreaterThanOrEqual(from - 1);
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    ['{params:{temp:10}}', 1, 'name', 1, 2],
    ['{"a":1,}', 7, 'name', 1, 8],
    ['{\n  "a": 1\n  "b": 2\n}', 13, 'object-next', 3, 3],
    ['[1,2', 4, 'array-next', 1, 5],
    ['{"a":01}', 6, 'object-next', 1, 7],
    ['{"a":"\\q"}', 6, 'escape', 1, 7],
  ])('%j: offset %i, %s, line %i column %i', (text, offset, kind, line, column) => {
    expect(jsonError(bytes(text))).toEqual({ offset, kind, line, column });
  });

  test('100 000 levels of nesting: no recursion, linear', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(jsonError(bytes(deep))).toBeNull();
    expect(jsonError(bytes('['.repeat(100_000)))).toMatchObject({ offset: 100_000 });
  });
});

const publish = (topic: string, payload: string | Uint8Array): PublishPacket => ({ cmd: 'publish', topic, payload: typeof payload === 'string' ? bytes(payload) : payload, qos: 0, dup: false, retain: false });
const rulesOf = (id: string) => platforms[id]!.payloadEnvelopes ?? [];

describe('envelopes per platform', () => {
  test.each([
    ['aliyun', '/sys/a1X2bEnP82z/dev1/thing/event/property/post', '{"temperature":25}', 'id, params'],
    ['aliyun', '/sys/a1X2bEnP82z/dev1/thing/event/property/post', '{"id":"1","params":{"t":1}}', null],
    // LinkSDK's form: no "method", a "sys" block (PLATFORMS.md §2.4).
    ['aliyun', '/sys/a1X2bEnP82z/dev1/thing/event/property/post', '{"id":"1","version":"1.0","params":{"t":1},"sys":{"ack":0}}', null],
    ['aliyun', '/sys/a1X2bEnP82z/dev1/thing/service/property/set_reply', '{"id":"1","data":{}}', 'code'],
    ['aliyun', '/a1X2bEnP82z/dev1/user/update', '{"anything":1}', null],
    ['aliyun', '/sys/a1X2bEnP82z/dev1/thing/model/up_raw', 'raw', null],
    ['onenet', '$sys/Ck2AF9QD2K/dev1/thing/property/post', '{"id":"1","version":"1.0"}', 'params'],
    ['onenet', '$sys/Ck2AF9QD2K/dev1/thing/property/set_reply', '{"id":"1","code":200}', null],
    ['onenet', '$sys/Ck2AF9QD2K/dev1/dp/post/json', '{"dp":{}}', 'id'],
    ['huawei', '$oc/devices/prod_dev1/sys/properties/report', '{"service_id":"T","properties":{}}', 'services'],
    ['huawei', '$oc/devices/prod_dev1/sys/properties/report?request_id=7', '{"services":[]}', null],
    ['tencent', '$thing/up/property/PID123/dev1', '{"method":"report","params":{}}', 'clientToken'],
    ['tencent', '$shadow/operation/PID123/dev1', '{"state":{}}', 'type'],
  ])('%s %s %s → missing %s', (platform, topic, payload, missing) => {
    const problems = lintPayload(publish(topic, payload), rulesOf(platform), platform);
    if (missing === null) expect(problems).toEqual([]);
    else expect(problems).toEqual([{ code: 'payload.envelope.missing', params: expect.objectContaining({ platform, missing, topic }) }]);
  });

  test('a payload that is not an object on a standard topic', () => {
    expect(lintPayload(publish('/sys/pk/dn/thing/event/property/post', '25.5'), rulesOf('aliyun'), 'aliyun')).toEqual([
      { code: 'payload.envelope.not-object', params: expect.objectContaining({ envelope: 'Alink' }) },
    ]);
  });

  test('every example payload satisfies its own rule', () => {
    for (const [id, signer] of Object.entries(platforms)) {
      for (const rule of signer.payloadEnvelopes ?? []) {
        const example = JSON.parse(rule.example) as Record<string, unknown>;
        for (const key of rule.required) expect(Object.hasOwn(example, key), `${id} ${rule.topic} ${key}`).toBe(true);
      }
    }
  });

  test('binary and non-JSON payloads are left alone without a platform', () => {
    expect(lintPayload(publish('a/b', Uint8Array.of(0x7b, 0xff, 0x00)), [], '')).toMatchObject([{ code: 'payload.json.name' }]);
    expect(lintPayload(publish('a/b', Uint8Array.of(0x00, 0xff)), [], '')).toEqual([]);
    expect(lintPayload(publish('a/b', 'temp=25'), [], '')).toEqual([]);
  });
});

async function decode(args: string[]) {
  const f = fakeIo();
  const code = await main(['decode', ...args], f.io);
  return { code, out: f.stdout(), err: f.stderr() };
}

const hexOf = (p: PublishPacket) => Buffer.from(encode(p)).toString('hex').replace(/..(?=.)/g, '$& ');

describe('through decode', () => {
  // The blog PUBLISH of the issue: 30 1D 00 09 /sys/post {params:{temp:10}}
  const blog = '30 1D 00 09 2F 73 79 73 2F 70 6F 73 74 7B 70 61 72 61 6D 73 3A 7B 74 65 6D 70 3A 31 30 7D 7D';

  test('the blog PUBLISH: a problem at payload offset 1, exit 1, en and zh', async () => {
    const r = await decode([blog]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(message('payload.json.name', { offset: 1, line: 1, column: 2, found: '"params:{"' }));
    const f = fakeIo();
    await main(['--lang', 'zh', 'decode', blog], f.io);
    expect(f.stdout()).toContain(message('payload.json.name', { offset: 1, line: 1, column: 2, found: '"params:{"' }, 'zh'));
  });

  test('JSON output lists it among the problems', async () => {
    const r = await decode([blog, '--format', 'json']);
    const packet = (JSON.parse(r.out) as { packets: { problems: { code: string }[] }[] }).packets[0]!;
    expect(packet.problems.map((p) => p.code)).toEqual(['payload.json.name']);
  });

  test('--platform aliyun: a property post without the Alink envelope', async () => {
    const hex = hexOf(publish('/sys/a1X2bEnP82z/dev1/thing/event/property/post', '{"temperature":25}'));
    expect((await decode([hex])).code).toBe(0);
    const r = await decode([hex, '--platform', 'aliyun']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('the payload lacks id, params');
  });

  test('a payload the platform envelope wraps, as mqtt-sign aliyun --publish makes it, passes', async () => {
    const payload = platforms.aliyun!.envelope!('property-post', { temperature: 25 }, { now: 0, messageId: '1' }) as string;
    const r = await decode([hexOf(publish('/sys/a1X2bEnP82z/dev1/thing/event/property/post', payload)), '--platform', 'aliyun']);
    expect(r.code).toBe(0);
  });

  test('a control character in the payload is shown escaped, never raw', async () => {
    const r = await decode([hexOf(publish('a/b', '{"a":\u001b[31m}'))]);
    expect(r.out).not.toContain('\u001b');
    expect(r.out).toContain('\\u001b');
  });
});
