// Issue 11 items 2 and 3 through the CLI (in-process and spawned, en and zh): a payload already in the platform's
// envelope is sent as it is (with a note), half an envelope is an error naming the missing key; a value that is no
// standard name and cannot be a topic of the platform is a usage error with the closest names and the literal form;
// --subscribe FILTER=Q takes only 0, 1, 2; a standard topic used against its direction warns.
import { describe, expect, test } from 'vitest';
import { decodeAll } from '../src/mqtt/decode.js';
import { both, LANGS, templatePattern, type Expected } from './helpers/cli-both.js';

const NOW = ['--now', '2024-06-15T13:00:00Z'];
const ALIYUN = ['aliyun', '--product', 'a1X2bEnP82z', '--device', 'example1', '--secret', 'ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe', '--timestamp', '1700000000000', ...NOW];
const ONENET = ['onenet', '--product', 'Ck2AF9QD2K', '--device', 'test', '--key', 'KuF3NT/jUBJ62LNBB/A8XZA9CqS3Cu79B/ABmfA1UCw=', ...NOW];
const HUAWEI = ['huawei', '--device', '5f052ac562369102d42b0fb6_demo', '--secret', '12345678', '--timestamp', '2025041401', ...NOW];
const TENCENT = ['tencent', '--product', 'ABCDEF1234', '--device', 'dev001', '--psk', 'MDEyMzQ1Njc4OWFiY2RlZg==', '--conn-id', 'AB12C', '--static', ...NOW];
const AZURE = ['azure', '--hub', 'myiothub', '--device', 'my_device', '--key', 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', '--expires', '4102444800', ...NOW];
const GENERIC = ['generic', '--host', '127.0.0.1', '--client-id', 'dev1', ...NOW];

const ALINK = '{"id":"1","version":"1.0","params":{"temp":1},"method":"thing.event.property.post"}';
const ONEJSON = '{"id":"7","version":"1.0","params":{"temp":{"value":1}}}';
const SERVICES = '{"services":[{"service_id":"Sensor","properties":{"temp":1}}]}';
const REPORT = '{"method":"report","clientToken":"ABCDEF1234-1","params":{"power_switch":1}}';

interface Row {
  readonly name: string;
  readonly argv: readonly string[];
  readonly exit: number;
  readonly expected?: readonly Expected[];
  readonly absent?: readonly string[];
  /** The PUBLISH payload (exit 0), or the SUBSCRIBE filters, as sent. */
  readonly payload?: string;
  readonly filters?: readonly [string, number][];
}

const ROWS: readonly Row[] = [
  // Item 2: envelopes.
  { name: 'aliyun: an Alink payload is sent as it is', argv: [...ALIYUN, '--publish', 'property-post', '--payload', ALINK], exit: 0, expected: [['cli.envelope.asIs', { topic: 'property-post' }]], payload: ALINK },
  { name: 'aliyun: plain properties are still wrapped', argv: [...ALIYUN, '--publish', 'property-post', '--payload', '{"temp":1}', '--message-id', '5'], exit: 0, absent: ['cli.envelope.asIs'], payload: '{"id":"5","version":"1.0","params":{"temp":1},"method":"thing.event.property.post"}' },
  { name: 'aliyun: a property called id alone is still a property', argv: [...ALIYUN, '--publish', 'property-post', '--payload', '{"id":3}', '--message-id', '5'], exit: 0, payload: '{"id":"5","version":"1.0","params":{"id":3},"method":"thing.event.property.post"}' },
  { name: 'aliyun: params without id is half an envelope', argv: [...ALIYUN, '--publish', 'property-post', '--payload', '{"params":{"temp":1},"method":"thing.event.property.post"}'], exit: 2, expected: [['cli.envelope.half', { option: '--payload', topic: 'property-post', present: 'params', missing: 'id' }]] },
  { name: 'onenet: a OneJSON payload is sent as it is', argv: [...ONENET, '--publish', 'property-post', '--payload', ONEJSON], exit: 0, expected: [['cli.envelope.asIs', { topic: 'property-post' }]], payload: ONEJSON },
  { name: 'huawei: a complete services payload needs no --service-id', argv: [...HUAWEI, '--publish', 'property-post', '--payload', SERVICES], exit: 0, expected: [['cli.envelope.asIs', { topic: 'property-post' }]], payload: SERVICES },
  { name: 'tencent: a report with method and clientToken is sent as it is', argv: [...TENCENT, '--publish', 'property-post', '--payload', REPORT], exit: 0, expected: [['cli.envelope.asIs', { topic: 'property-post' }]], payload: REPORT },
  { name: 'tencent: a method without clientToken is half an envelope', argv: [...TENCENT, '--publish', 'property-post', '--payload', '{"method":"report","params":{"power_switch":1}}'], exit: 2, expected: [['cli.envelope.half', { option: '--payload', topic: 'property-post', present: 'method', missing: 'clientToken' }]] },

  // Item 3: names never fall through.
  { name: 'aliyun: a mistyped name', argv: [...ALIYUN, '--publish', 'property-pots'], exit: 2, expected: [['cli.topic.unknown', { option: '--publish', value: 'property-pots', closest: 'property-post, property-set, property-post-reply', literal: '--publish topic:property-pots' }]] },
  { name: 'aliyun: a topic without the leading /', argv: [...ALIYUN, '--subscribe', 'a1X2bEnP82z/example1/user/get'], exit: 2, expected: [['cli.topic.unknown', { option: '--subscribe', value: 'a1X2bEnP82z/example1/user/get', closest: 'user-get, property-set, rrpc-request', literal: '--subscribe topic:a1X2bEnP82z/example1/user/get' }]] },
  { name: 'aliyun: property-sett', argv: [...ALIYUN, '--subscribe', 'property-sett'], exit: 2, expected: [['cli.topic.unknown', { option: '--subscribe', value: 'property-sett', closest: 'property-set, property-post, property-set-reply', literal: '--subscribe topic:property-sett' }]] },
  { name: 'azure: telemetyr', argv: [...AZURE, '--publish', 'telemetyr'], exit: 2, expected: [['cli.topic.unknown', { option: '--publish', value: 'telemetyr', closest: 'telemetry, twin-get, methods', literal: '--publish topic:telemetyr' }]] },
  { name: 'huawei: --unsubscribe a name typo', argv: [...HUAWEI, '--unsubscribe', 'comands'], exit: 2, expected: [['cli.topic.unknown', { option: '--unsubscribe', value: 'comands', closest: 'commands, events-up, messages-up', literal: '--unsubscribe topic:comands' }]] },
  { name: 'tencent: a system topic without its $', argv: [...TENCENT, '--subscribe', 'thing/down/property/ABCDEF1234/dev001'], exit: 2, expected: [['cli.topic.dollar', { option: '--subscribe', value: 'thing/down/property/ABCDEF1234/dev001', topic: '$thing/down/property/ABCDEF1234/dev001', name: 'property-down' }]] },
  { name: 'topic: forces a literal topic', argv: [...ALIYUN, '--publish', 'topic:telemetry', '--payload', 'x'], exit: 0, payload: 'x' },
  { name: 'a real topic of the platform passes', argv: [...ALIYUN, '--subscribe', '/a1X2bEnP82z/example1/user/get=1'], exit: 0, filters: [['/a1X2bEnP82z/example1/user/get', 1]] },
  { name: 'generic: any text is a topic on a plain broker', argv: [...GENERIC, '--publish', 'telemetyr', '--payload', 'x'], exit: 0, payload: 'x' },
  { name: 'subscribing to a publish-only topic warns', argv: [...ALIYUN, '--subscribe', 'property-post'], exit: 0, expected: [['cli.topic.direction', { option: '--subscribe', name: 'property-post', direction: 'publish' }]] },
  { name: 'publishing to a subscribe-only topic warns', argv: [...ALIYUN, '--publish', 'property-set', '--payload', 'x', '--no-envelope'], exit: 0, expected: [['cli.topic.direction', { option: '--publish', name: 'property-set', direction: 'subscribe' }]] },
  { name: '--subscribe FILTER=qos1 is refused', argv: [...GENERIC, '--subscribe', 'a/b=qos1'], exit: 2, expected: [['cli.subscribe.qos', { option: '--subscribe', value: 'a/b=qos1' }]] },
  { name: '--subscribe FILTER=3 is refused', argv: [...GENERIC, '--subscribe', 'a/b=3'], exit: 2, expected: [['cli.subscribe.qos', { option: '--subscribe', value: 'a/b=3' }]] },
  { name: '--subscribe FILTER= is refused', argv: [...GENERIC, '--subscribe', 'a/b='], exit: 2, expected: [['cli.subscribe.qos', { option: '--subscribe', value: 'a/b=' }]] },
  { name: '--subscribe FILTER=2', argv: [...GENERIC, '--subscribe', 'a/b=2'], exit: 0, filters: [['a/b', 2]] },
  { name: 'a filter with = in it keeps it', argv: [...GENERIC, '--subscribe', 'a/request_id=x1'], exit: 0, filters: [['a/request_id=x1', 0]] },
];

describe.each(LANGS)('%s', (lang) => {
  test.each(ROWS)('$name', async (row) => {
    for (const run of await both([...row.argv, '--format', 'hex'], lang, row.exit, row.expected)) {
      for (const code of row.absent ?? []) expect(run.stderr).not.toMatch(templatePattern(code, lang));
      if (row.exit !== 0) {
        expect(run.stdout).toBe('');
        continue;
      }
      const packets = decodeAll(Buffer.from(run.stdout.replace(/\s/g, ''), 'hex')).packets;
      if (row.payload !== undefined) {
        const publish = packets.find((p) => p.cmd === 'publish') as { payload: Uint8Array } | undefined;
        expect(Buffer.from(publish!.payload).toString()).toBe(row.payload);
      }
      if (row.filters !== undefined) {
        const subscribe = packets.find((p) => p.cmd === 'subscribe') as { subscriptions: { topic: string; qos: number }[] } | undefined;
        expect(subscribe!.subscriptions.map((s) => [s.topic, s.qos])).toEqual(row.filters);
      }
    }
  });
});
