// `mqtt-sign <platform> … --format c --runtime` for every platform and protocol: the header builds with
// gcc -std=c99 -Wall -Wextra -pedantic -Werror under ASan/UBSan and with g++ -std=c++11; every per-topic writer
// publishes to that platform's standard topic; every envelope writer writes the bytes the CLI puts in
// `--publish <name> --payload … --message-id 42`, around the same params.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { decode } from '../src/mqtt/decode.js';
import type { ProtocolVersion } from '../src/mqtt/types.js';
import fixture from './fixtures/cli-platforms.json' with { type: 'json' };
import { fakeIo } from './helpers/fake-io.js';
import { buildC, runC, SANITIZE, STRICT_C, tempDir } from './helpers/c-runtime.js';
import { needsTools } from './helpers/tools.js';

const dir = tempDir('c-runtime-platforms');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Platform = keyof typeof fixture.platforms;
/** Huawei wraps properties in a service of the product model: name one. */
const EXTRA: Partial<Record<Platform, string[]>> = { huawei: ['--service-id', 'Sensor'] };
const PROTOCOLS = [['3.1.1', 4], ['5', 5]] as const;

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const fake = fakeIo({ now: 1_700_000_000_000 });
  const code = await main([...args], fake.io);
  return { code, out: fake.stdout(), err: fake.stderr() };
}

const base = (id: Platform): string[] => [id, ...fixture.platforms[id].args, ...(EXTRA[id] ?? [])];

/** The params object as the platform writes it inside its envelope: the first {"temp"…} object, braces matched. */
function paramsIn(envelope: string): string | undefined {
  const start = envelope.indexOf('{"temp"');
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start; i < envelope.length; i++) {
    if (envelope[i] === '{') depth++;
    if (envelope[i] === '}' && --depth === 0) return envelope.slice(start, i + 1);
  }
  return undefined;
}

const cLiteral = (s: string): string => JSON.stringify(s).replace(/\?/g, '\\?');

const gcc = needsTools(['gcc', 'g++']);

test('--runtime belongs to --format c', async () => {
  const run = await cli([...base('aliyun'), '--format', 'hex', '--runtime']);
  expect([run.code, run.err.trim().split('\n').at(-1)]).toEqual([2, expect.stringMatching(/--runtime applies only to --format c/)]);
});

test('--format c --help names --runtime', async () => {
  const run = await cli(['aliyun', '--help']);
  expect(run.out).toMatch(/--runtime +with --format c: a firmware runtime header/);
  expect(run.out).toMatch(/\$ mqtt-sign aliyun .*--format c --runtime$/m);
});

// The C copies params_json as given, while the CLI wraps each value where the platform wants it (OneNET {"value":…}):
// the envelope's comment shows that shape, so the firmware writes what the CLI would send.
test.each(Object.keys(fixture.platforms) as Platform[])('%s: an envelope whose platform wraps each value shows that shape in its comment', async (id) => {
  const header = (await cli([...base(id), '--format', 'c', '--runtime'])).out;
  const topics = JSON.parse((await cli([...base(id), '--topics', '--format', 'json'])).out).topics as { name: string; direction: string }[];
  const wrapped: string[] = [];
  for (const m of header.matchAll(/\/\* ([\w-]+) payload: .*\n \* (.*)\*\/\nstatic inline size_t mqtt_envelope_\w+\(uint8_t \*buf, size_t cap(?:, uint32_t id)?, const char \*params_json/g)) {
    const name = topics.find((t) => t.name === m[1])!.name;
    const run = await cli([...base(id), '--publish', name, '--payload', '{"temp":23.5}', '--format', 'json']);
    const publish = (JSON.parse(run.out).packets as { hex: string }[]).map((p) => decode(Buffer.from(p.hex, 'hex')).packet).find((p) => p.cmd === 'publish')!;
    const params = paramsIn(Buffer.from(publish.cmd === 'publish' ? publish.payload : '').toString('latin1'));
    if (params === '{"temp":23.5}') expect(m[2], name).not.toContain("platform's shape");
    else {
      expect(m[2], `${name}: ${params}`).toContain(`each value in the platform's shape, e.g. ${params}.`);
      wrapped.push(name);
    }
  }
  expect(wrapped).toEqual(id === 'onenet' ? ['property-post', 'dp-post'] : []);
});

describe.each(Object.keys(fixture.platforms) as Platform[])('%s', (id) => {
  gcc.describe('runtime header', () => {
    test.each(PROTOCOLS)('--protocol %s: builds strict in C99 (ASan/UBSan) and C++11; writers and envelopes are right', async (protocol, version) => {
      const gen = await cli([...base(id), '--protocol', protocol, '--ping', '--disconnect', '--format', 'c', '--runtime']);
      expect(gen.code, gen.err).toBe(0);
      const header = gen.out;
      expect(header).toMatch(/^\/\*[\s\S]*?\*\/\n\n#ifndef MQTT_RUNTIME_H\n/);
      expect(header.match(/#include <[^>]+>/g)).toEqual(['#include <stdint.h>', '#include <stddef.h>']);

      const topics = JSON.parse((await cli([...base(id), '--topics', '--format', 'json'])).out).topics as { name: string; topic: string; direction: string }[];
      const writers = [...header.matchAll(/static inline size_t mqtt_publish_(\w+)\(uint8_t \*buf, size_t cap, const void \*payload, size_t len\)/g)].map((m) => m[1]!);
      const envelopes = [...header.matchAll(/static inline size_t mqtt_envelope_(\w+)\(uint8_t \*buf, size_t cap((?:, [^)]*)?)\)/g)].map((m) => ({
        name: m[1]!,
        id: m[2]!.includes('uint32_t id'),
        params: m[2]!.includes('params_json'),
      }));
      expect(writers).toEqual(topics.filter((t) => t.direction === 'publish').map((t) => t.name.replace(/[^A-Za-z0-9]+/g, '_')));
      // Every platform with a payload envelope gets at least one envelope writer.
      expect(envelopes.length > 0).toBe(['aliyun', 'onenet', 'onenet-legacy', 'huawei', 'tencent'].includes(id));

      // What the CLI itself writes for each envelope topic, and the params object inside it.
      const expected: Record<string, { envelope: string; params: string | undefined }> = {};
      for (const e of envelopes) {
        const name = topics.find((t) => t.name.replace(/[^A-Za-z0-9]+/g, '_') === e.name)!.name;
        const run = await cli([...base(id), '--protocol', protocol, '--publish', name, '--payload', '{"temp":23.4}', '--message-id', '42', '--format', 'json']);
        expect(run.code, run.err).toBe(0);
        const publish = (JSON.parse(run.out).packets as { hex: string }[]).map((p) => decode(Buffer.from(p.hex, 'hex'), { protocolVersion: version as ProtocolVersion }).packet).find((p) => p.cmd === 'publish')!;
        const envelope = Buffer.from(publish.cmd === 'publish' ? publish.payload : '').toString('utf8');
        expected[e.name] = { envelope, params: paramsIn(envelope) };
        expect(e.params, `${name}: ${envelope}`).toBe(expected[e.name]!.params !== undefined);
      }

      const calls = [
        ...writers.map((w) => `  show(buf, mqtt_publish_${w}(buf, sizeof buf, "{}", 2));`),
        ...envelopes.map((e) => {
          const p = expected[e.name]!.params;
          const args = [...(e.id ? ['42'] : []), ...(p !== undefined ? [cLiteral(p), String(Buffer.byteLength(p))] : [])];
          return `  show(buf, mqtt_envelope_${e.name}(buf, sizeof buf${args.map((a) => `, ${a}`).join('')}));`;
        }),
        // The arrays and the readers, so the sanitizers see them run too.
        '  printf("%zu %d %d\\n", mqtt_frame_len(mqtt_connect, MQTT_CONNECT_LEN), MQTT_CONNECT_LEN, mqtt_packet_type(mqtt_pingreq, MQTT_PINGREQ_LEN));',
        '  show(mqtt_disconnect, MQTT_DISCONNECT_LEN);',
      ];
      const mainC = `#include <stdio.h>
#include "runtime.h"
#include "runtime.h"
static void show(const uint8_t *p, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) printf("%02x", p[i]);
  printf("\\n");
}
int main(void) {
  static uint8_t buf[4096];
${calls.join('\n')}
  return 0;
}
`;
      const sub = tempDir(`rt-${id}-${version}`);
      const exe = buildC(sub, header, mainC, [...STRICT_C, ...SANITIZE]);
      const lines = runC(exe).toString().trimEnd().split('\n');
      execFileSync('g++', ['-std=c++11', '-Wall', '-Wextra', '-pedantic', '-Werror', '-x', 'c++', '-c', '-o', join(sub, 'cxx.o'), join(sub, 'main.c')], { stdio: 'pipe' });

      writers.forEach((w, i) => {
        const packet = decode(Buffer.from(lines[i]!, 'hex'), { protocolVersion: version as ProtocolVersion }).packet;
        const topic = topics.find((t) => t.name.replace(/[^A-Za-z0-9]+/g, '_') === w)!.topic;
        expect(packet, w).toMatchObject({ cmd: 'publish', topic, qos: 0 });
      });
      envelopes.forEach((e, i) => {
        expect(Buffer.from(lines[writers.length + i]!, 'hex').toString('utf8'), e.name).toBe(expected[e.name]!.envelope);
      });
      const [lengths, disconnect] = lines.slice(writers.length + envelopes.length);
      const connectLen = /#define MQTT_CONNECT_LEN (\d+)/.exec(header)![1];
      expect(lengths).toBe(`${connectLen} ${connectLen} 12`); // PINGREQ is type 12
      expect(decode(Buffer.from(disconnect!, 'hex'), { protocolVersion: version as ProtocolVersion }).packet.cmd).toBe('disconnect');
    }, 120_000);
  });
});

describe.each(['README.md', 'README.zh-CN.md'])('%s, the firmware section', (readme) => {
  const text = readFileSync(join(import.meta.dirname, '..', readme), 'utf8');
  const section = text.slice(text.indexOf('## '.concat(readme === 'README.md' ? 'Firmware' : '固件')));
  const command = /^\$ MQTT_SIGN_SECRET=(\S+) mqtt-sign (aliyun .*--runtime.*) > mqtt_runtime\.h$/m.exec(section);
  const loop = /```c\n([\s\S]*?)```/.exec(section)?.[1];

  test('shows the real top comment of the command it shows', async () => {
    expect(command).not.toBeNull();
    const fake = fakeIo({ env: { MQTT_SIGN_SECRET: command![1]! } });
    expect(await main(command![2]!.split(' '), fake.io)).toBe(0);
    const top = fake.stdout().slice(0, fake.stdout().indexOf('*/') + 2);
    expect(section).toContain(`mqtt_runtime.h\n${top}\n\`\`\``);
  });

  gcc.test('its firmware loop compiles against that header (C99, every warning an error)', async () => {
    const fake = fakeIo({ env: { MQTT_SIGN_SECRET: command![1]! } });
    expect(await main(command![2]!.split(' '), fake.io)).toBe(0);
    const sub = tempDir('readme');
    writeFileSync(join(sub, 'mqtt_runtime.h'), fake.stdout());
    writeFileSync(join(sub, 'loop.c'), loop!);
    execFileSync('gcc', [...STRICT_C, '-Wdouble-promotion', '-c', '-o', join(sub, 'loop.o'), join(sub, 'loop.c')], { stdio: 'pipe' });
    expect(loop).toMatch(/mqtt_frame_len[\s\S]*mqtt_connack_code[\s\S]*mqtt_parse_publish[\s\S]*mqtt_envelope_property_post[\s\S]*mqtt_pingreq/);
  });
});
