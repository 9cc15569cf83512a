// Payload lint (issue #10 item 4): JSON-looking payloads that do not parse get the place of the first error, and
// with --platform a standard topic's payload without the platform's envelope says what is missing.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { jsonError, lintPayload, SHAPE_MAX } from '../src/capture/payload-lint.js';
import { shapeProblems } from '../src/capture/payload-shape.js';
import { main } from '../src/cli/main.js';
import type { Plan } from '../src/cli/packets.js';
import { runtimeSpec } from '../src/cli/runtime-spec.js';
import { message } from '../src/messages.js';
import { encode } from '../src/mqtt/encode.js';
import type { PublishPacket } from '../src/mqtt/types.js';
import { platforms } from '../src/platforms/index.js';
import type { PlatformTopic } from '../src/platforms/types.js';
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
        expect(shapeProblems(example, rule.inner ?? [], { platform: id, envelope: rule.envelope }), `${id} ${rule.topic}`).toEqual([]);
        // Each check's own example is a value of the type it asks for.
        for (const check of rule.inner ?? []) {
          const value: unknown = JSON.parse(check.example);
          const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
          expect(check.is === 'id' ? 'number' : check.is, `${id} ${check.path}`).toBe(kind);
        }
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

  test('--platform onenet: a bare value where OneJSON needs {"value":…} is a problem naming params.temp, exit 1, en and zh', async () => {
    const hex = hexOf(publish('$sys/Ck2AF9QD2K/dev1/thing/property/post', '{"id":"1","version":"1.0","params":{"temp":23.6}}'));
    expect((await decode([hex])).code).toBe(0);
    const r = await decode([hex, '--platform', 'onenet']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ onenet (OneJSON envelope) needs params.temp to be a JSON object; it is 23.6 (e.g. params.temp: {"value":23.6,"time":1700000000000})');
    const f = fakeIo();
    expect(await main(['--lang', 'zh', 'decode', hex, '--platform', 'onenet'], f.io)).toBe(1);
    expect(f.stdout()).toContain('onenet（OneJSON 信封）要求 params.temp 是 JSON 对象；实际是 23.6');
  });

  test('decode --help says --platform checks payloads too (en, zh)', async () => {
    expect((await decode(['--help'])).out.replace(/\s+/g, ' ')).toContain('check payloads on its standard topics against its envelope');
    const f = fakeIo();
    await main(['--lang', 'zh', 'decode', '--help'], f.io);
    expect(f.stdout().replace(/\s+/g, '')).toContain('检查其标准主题上的载荷');
  });

  test('a control character in the payload is shown escaped, never raw', async () => {
    const r = await decode([hexOf(publish('a/b', '{"a":\u001b[31m}'))]);
    expect(r.out).not.toContain('\u001b');
    expect(r.out).toContain('\\u001b');
  });
});

// The inside of an envelope (PLATFORMS.md §2.4, §3.1, §4, §5): each documented fact is one row of the platform's
// payloadEnvelopes, and each row here fails without its row.
describe('the shape inside an envelope', () => {
  const onenetPost = '$sys/Ck2AF9QD2K/dev1/thing/property/post';
  const onenetDp = '$sys/Ck2AF9QD2K/dev1/dp/post/json';
  const aliyunPost = '/sys/a1X2bEnP82z/dev1/thing/event/property/post';
  const huaweiReport = '$oc/devices/prod_dev1/sys/properties/report';
  test.each([
    // OneJSON property post: each param {"value":…[,"time":ms]}.
    ['onenet', onenetPost, '{"id":"1","version":"1.0","params":{"temp":23.6}}', 'payload.shape.object', 'params.temp', '23.6'],
    ['onenet', onenetPost, '{"id":"1","version":"1.0","params":[{"temp":1}]}', 'payload.shape.object', 'params', '[…]'],
    ['onenet', onenetPost, '{"id":"1","version":"1.0","params":{"temp":{"v":23.6}}}', 'payload.shape.keys', 'params.temp', '{…}'],
    ['onenet', onenetPost, '{"id":"1","version":"1.0","params":{"temp":{"value":1,"time":1700000000}}}', 'payload.shape.ms', 'params.temp.time', '1700000000'],
    ['onenet', onenetPost, '{"id":"1","version":"1.0","params":{"temp":{"value":1,"time":"1700000000000"}}}', 'payload.shape.number', 'params.temp.time', '"1700000000000"'],
    ['onenet', onenetPost, '{"id":"1","version":"1.0","params":{"a b":1}}', 'payload.shape.object', 'params["a b"]', '1'],
    // OneNET data points: id > 0, each stream a list of {"v":…[,"t":seconds]}.
    ['onenet', onenetDp, '{"id":0,"dp":{"temp":[{"v":30}]}}', 'payload.shape.id', 'id', '0'],
    ['onenet', onenetDp, '{"id":"1","dp":{"temp":[{"v":30}]}}', 'payload.shape.id', 'id', '"1"'],
    ['onenet', onenetDp, '{"id":1,"dp":[]}', 'payload.shape.object', 'dp', '[…]'],
    ['onenet', onenetDp, '{"id":1,"dp":{"temp":30}}', 'payload.shape.array', 'dp.temp', '30'],
    ['onenet', onenetDp, '{"id":1,"dp":{"temp":[30]}}', 'payload.shape.object', 'dp.temp[0]', '30'],
    ['onenet', onenetDp, '{"id":1,"dp":{"temp":[{"value":30}]}}', 'payload.shape.keys', 'dp.temp[0]', '{…}'],
    ['onenet', onenetDp, '{"id":1,"dp":{"temp":[{"v":30,"t":1552289676000}]}}', 'payload.shape.s', 'dp.temp[0].t', '1552289676000'],
    // Alink property post: params an object; LinkSDK's sys.ack 0 or 1.
    ['aliyun', aliyunPost, '{"id":"1","version":"1.0","params":"temp=1"}', 'payload.shape.object', 'params', '"temp=1"'],
    ['aliyun', aliyunPost, '{"id":"1","params":{"t":1},"sys":1}', 'payload.shape.object', 'sys', '1'],
    ['aliyun', aliyunPost, '{"id":"1","params":{"t":1},"sys":{"ack":true}}', 'payload.shape.number', 'sys.ack', 'true'],
    ['aliyun', aliyunPost, '{"id":"1","params":{"t":1},"sys":{"ack":2}}', 'payload.shape.oneOf', 'sys.ack', '2'],
    // Huawei: services is a list of {service_id, properties[, event_time]}.
    ['huawei', huaweiReport, '{"services":{"service_id":"T","properties":{}}}', 'payload.shape.array', 'services', '{…}'],
    ['huawei', huaweiReport, '{"services":["T"]}', 'payload.shape.object', 'services[0]', '"T"'],
    ['huawei', huaweiReport, '{"services":[{"service_id":"T","value":57}]}', 'payload.shape.keys', 'services[0]', '{…}'],
    ['huawei', huaweiReport, '{"services":[{"service_id":7,"properties":{}}]}', 'payload.shape.string', 'services[0].service_id', '7'],
    ['huawei', huaweiReport, '{"services":[{"service_id":"T","properties":57}]}', 'payload.shape.object', 'services[0].properties', '57'],
    ['huawei', '$oc/devices/prod_dev1/sys/properties/get/response/request_id=5', '{"services":[{"service_id":"T","properties":{},"event_time":1449922332}]}', 'payload.shape.string', 'services[0].event_time', '1449922332'],
    ['huawei', huaweiReport, '{"services":[{"service_id":"T","properties":{}},{"service_id":"U"}]}', 'payload.shape.keys', 'services[1]', '{…}'],
    // Tencent: a report's params is an object; the shadow's type is update or get.
    ['tencent', '$thing/up/property/PID123/dev1', '{"method":"report","clientToken":"p-1","params":[1]}', 'payload.shape.object', 'params', '[…]'],
    ['tencent', '$shadow/operation/PID123/dev1', '{"type":"report","state":{}}', 'payload.shape.oneOf', 'type', '"report"'],
  ])('%s %s %s → %s at %s', (platform, topic, payload, code, path, found) => {
    const problems = lintPayload(publish(topic, payload), rulesOf(platform), platform);
    expect(problems).toEqual([{ code, params: expect.objectContaining({ platform, path, found }) }]);
    // One line in each language, with the hint's example.
    for (const lang of ['en', 'zh'] as const) {
      expect(message(code, problems[0]!.params, lang)).toContain(path);
      expect(message(`${code}.hint`, problems[0]!.params, lang)).toContain(String(problems[0]!.params.example));
    }
  });

  test.each([
    ['onenet', onenetPost, '{"id":"1","version":"1.0","params":{"temp":{"value":23.6,"time":1700000000000},"on":{"value":true}}}'],
    ['onenet', onenetPost, '{"id":"1","version":"1.0","params":{}}'],
    ['onenet', onenetDp, '{"id":123,"dp":{"temperatrue":[{"v":30,"t":1552289676}],"h":[{"v":{"a":1}}]}}'],
    // Other OneJSON topics are not property values: desired/get's params is a list of names.
    ['onenet', '$sys/Ck2AF9QD2K/dev1/thing/property/desired/get', '{"id":"1","version":"1.0","params":["temp"]}'],
    ['aliyun', aliyunPost, '{"id":"1","version":"1.0","params":{"t":1},"sys":{"ack":1}}'],
    // deviceinfo/update's params is a list; only the property post is checked.
    ['aliyun', '/sys/a1X2bEnP82z/dev1/thing/deviceinfo/update', '{"id":"1","params":[{"attrKey":"a","attrValue":"b"}]}'],
    ['huawei', huaweiReport, '{"services":[{"service_id":"Temperature","properties":{"value":57},"event_time":"20151212T121212Z"}]}'],
    ['tencent', '$thing/up/property/PID123/dev1', '{"method":"get_status","clientToken":"p-1"}'],
    ['tencent', '$shadow/operation/PID123/dev1', '{"type":"get","clientToken":"p-1"}'],
  ])('%s %s %s passes', (platform, topic, payload) => {
    expect(lintPayload(publish(topic, payload), rulesOf(platform), platform)).toEqual([]);
  });

  test('a missing envelope key is said once, not again as a shape problem', () => {
    expect(lintPayload(publish(onenetPost, '{"id":"1"}'), rulesOf('onenet'), 'onenet').map((p) => p.code)).toEqual(['payload.envelope.missing']);
  });

  test('many bad members: the first by its path, then one line counting the rest; linear', () => {
    const params = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`p${i}`, i]));
    const payload = JSON.stringify({ id: '1', version: '1.0', params });
    const started = performance.now();
    const problems = lintPayload(publish(onenetPost, payload), rulesOf('onenet'), 'onenet');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(problems).toEqual([
      { code: 'payload.shape.object', params: expect.objectContaining({ path: 'params.p0', found: '0' }) },
      { code: 'payload.shape.more', params: expect.objectContaining({ path: 'params.*', count: 2999 }) },
    ]);
    expect(message('payload.shape.more', problems[1]!.params, 'zh')).toContain('2999');
  });

  test('deep nesting inside a value costs nothing: paths stop at their own depth', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const payload = `{"id":"1","version":"1.0","params":{"temp":{"value":${deep}}}}`;
    expect(lintPayload(publish(onenetPost, payload), rulesOf('onenet'), 'onenet')).toEqual([]);
  });

  test(`payloads over ${SHAPE_MAX} bytes get the envelope keys checked, not the inside`, () => {
    const pad = 'x'.repeat(SHAPE_MAX);
    const bad = (extra: string) => publish(onenetPost, `{"id":"1","version":"1.0","pad":"${extra}","params":{"temp":23.6}}`);
    expect(lintPayload(bad(''), rulesOf('onenet'), 'onenet')).toHaveLength(1);
    expect(lintPayload(bad(pad), rulesOf('onenet'), 'onenet')).toEqual([]);
  });

  test('a key from the payload is shown escaped in the path', () => {
    const [problem] = lintPayload(publish(onenetPost, '{"id":"1","params":{"\\u001b[31m":1}}'), rulesOf('onenet'), 'onenet');
    expect(String(problem!.params.path)).not.toContain('\u001b');
  });
});

// The rules and the generators must not drift: what --topics shows and what --publish wraps passes decode.
describe("every platform's own payloads pass its rules", () => {
  const ids = Object.keys(platforms).filter((id) => platforms[id]!.payloadEnvelopes !== undefined);

  async function run(args: string[]) {
    const f = fakeIo();
    const code = await main(args, f.io);
    return { code, out: f.stdout(), err: f.stderr() };
  }

  test('the platforms with rules', () => {
    expect(ids.sort()).toEqual(['aliyun', 'huawei', 'onenet', 'tencent']);
  });

  test.each(ids)('%s: the --topics example payloads', async (id) => {
    const r = await run([...platforms[id]!.example.split(' '), '--topics', '--format', 'json']);
    expect(r.code).toBe(0);
    const topics = (JSON.parse(r.out) as { topics: { direction: string; topic: string; payload: string | null }[] }).topics.filter((t) => t.payload !== null);
    expect(topics.length).toBeGreaterThan(0);
    for (const t of topics) expect(lintPayload(publish(t.topic, t.payload!), rulesOf(id), id), t.topic).toEqual([]);
  });

  /** A standard topic the platform wraps (others send --payload as it is: the caller's own envelope). */
  const wraps = (id: string, name: string): boolean => {
    try {
      platforms[id]!.envelope!(name, { t: 1 }, { now: 0, messageId: '1', params: { serviceId: 'S' } });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'platform.envelope.unknown') return false;
      throw err;
    }
  };
  test.each(ids)('%s: the --format c --runtime envelope writers, filled as their comment shows', async (id) => {
    const r = await run([...platforms[id]!.example.split(' '), '--topics', '--format', 'json']);
    const topics = (JSON.parse(r.out) as { topics: PlatformTopic[] }).topics;
    const plan = { publish: undefined } as unknown as Plan;
    const spec = runtimeSpec(platforms[id]!, topics, undefined, plan, { serviceId: 'Sensor', productId: 'ABCDEF1234' }, 0);
    expect(spec.envelopes.length).toBeGreaterThan(0);
    for (const e of spec.envelopes) {
      const params = e.paramsExample ?? '{"temp":23.5}';
      const text = e.parts.map((p) => (typeof p === 'string' ? p : p.slot === 'id' ? '7' : params)).join('');
      const topic = topics.find((t) => t.name === e.name)!.topic;
      expect(lintPayload(publish(topic, text), rulesOf(id), id), `${id} ${e.name} ${text}`).toEqual([]);
    }
  });

  const inputs = ['{"temp":23.5}', '{"temp":{"value":23.5,"time":1700000000000},"on":true}', '{"s":"x","list":[1,2],"o":{"a":1}}'];
  test.each(ids)('%s: what --publish <topic> --payload wraps, through decode --platform', async (id) => {
    const r = await run([...platforms[id]!.example.split(' '), '--topics', '--format', 'json']);
    const names = (JSON.parse(r.out) as { topics: { name: string; direction: string; payload: string | null }[] }).topics
      .filter((t) => t.direction === 'publish' && t.payload !== null && wraps(id, t.name))
      .map((t) => t.name);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      for (const input of inputs) {
        const extra = id === 'huawei' ? ['--service-id', 'Sensor'] : [];
        const signed = await run([...platforms[id]!.example.split(' '), ...extra, '--publish', name, '--payload', input, '--format', 'hex']);
        expect(signed.code, `${id} ${name} ${input}: ${signed.err}`).toBe(0);
        const decoded = await run(['decode', signed.out.trim().split('\n').join(' '), '--platform', id, '--format', 'json']);
        const problems = (JSON.parse(decoded.out) as { packets: { problems: { code: string }[] }[] }).packets.flatMap((p) => p.problems);
        expect(problems, `${id} ${name} ${input}`).toEqual([]);
        expect(decoded.code).toBe(0);
      }
    }
  });
});
