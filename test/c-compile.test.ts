// The `c` and `arduino` output compiled by the system C compiler and run to print its bytes, which must equal the
// encoder's: proof that the C is valid and exact. Packets cross the Remaining Length boundaries at 127 and 16383.
// The `python` output of the same packets is evaluated by python3.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { format, type FormatInput } from '../src/format/index.js';
import { connectFrom } from '../src/mqtt/connect-from.js';
import { encode } from '../src/mqtt/encode.js';
import { decode } from '../src/mqtt/decode.js';
import { main } from '../src/cli/main.js';
import { fakeIo } from './helpers/fake-io.js';
import { needsTools } from './helpers/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-c-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytesOf = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
const packets = [
  // 2-byte Remaining Length: a CONNECT over 127 bytes, like every signed cloud login.
  { name: 'connect', bytes: encode(connectFrom({ clientId: 'c'.repeat(100), username: 'user&product', password: 'f'.repeat(64) }, { keepalive: 300 })) },
  { name: 'subscribe', bytes: encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'dev/down/#', qos: 1 }] }) },
  // 3-byte Remaining Length: a PUBLISH over 16383 bytes, every byte value in the payload (0x00, 0x1A, 0xFF, …).
  { name: 'publish', bytes: encode({ cmd: 'publish', topic: 'dev/up', payload: bytesOf(20_000, 7), qos: 1, messageId: 2 }) },
  { name: 'pingreq', bytes: encode({ cmd: 'pingreq' }) },
];
const input: FormatInput = {
  packets,
  platform: 'generic',
  broker: { host: 'broker.example', port: 1883, tls: false, url: 'mqtt://broker.example:1883' },
  // A clientId that tries to close the comment and a Chinese size report: the header must still compile.
  credentials: { clientId: 'x*/ #error broken /*', username: 'user&product', password: 'never-printed' },
};

test('the packets cross the Remaining Length boundaries', () => {
  expect(packets[0]!.bytes.length).toBeGreaterThan(127 + 3);
  expect(packets[0]!.bytes[2]! & 0x80).toBe(0); // 2-byte RL ends at byte 2
  expect(packets[2]!.bytes.length).toBeGreaterThan(16383 + 4);
  expect(packets[2]!.bytes[2]! & 0x80).toBe(0x80); // 3-byte RL continues past byte 2
});

/** A main() that prints each array as `name <#define _LEN> <sizeof> <hex>`. */
function driver(header: string, ids: readonly string[], prelude = ''): string {
  const dumps = ids.map((id) => `  dump("${id}", ${id}, sizeof ${id}, ${id.toUpperCase()}_LEN);`).join('\n');
  return `${prelude}#include <stdio.h>
#include <stddef.h>
#include "${header}"
static void dump(const char *name, const uint8_t *p, size_t n, size_t len) {
  printf("%s %zu %zu ", name, len, n);
  for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
  printf("\\n");
}
int main(void) {
${dumps}
  return 0;
}
`;
}

function compileAndRun(name: string, source: string, header: string, flags: string[] = []): string[] {
  writeFileSync(join(dir, `${name}.h`), header);
  writeFileSync(join(dir, `${name}.c`), source);
  const exe = join(dir, name);
  execFileSync('gcc', ['-std=c99', '-Wall', '-Wextra', '-pedantic', '-Werror', ...flags, '-o', exe, join(dir, `${name}.c`)], { stdio: 'pipe' });
  return execFileSync(exe, { encoding: 'utf8', maxBuffer: 16 << 20 }).trim().split('\n');
}

const expected = (prefix: string) => packets.map((p) => `${prefix}_${p.name} ${p.bytes.length} ${p.bytes.length} ${Buffer.from(p.bytes).toString('hex')}`);

needsTools(['gcc']).describe('gcc', () => {
  test.each(['en', 'zh'] as const)('c (%s): compiles with -Wall -Wextra -pedantic -Werror and prints the exact bytes', (lang) => {
    const header = format('c', input, { lang, name: 'fw' }).output as string;
    expect(header).not.toContain('never-printed');
    const out = compileAndRun(`c_${lang}`, driver(`c_${lang}.h`, packets.map((p) => `fw_${p.name}`)), header);
    expect(out).toEqual(expected('fw'));
  });

  test('arduino: compiles with PROGMEM defined away and prints the exact bytes', () => {
    const header = format('arduino', input).output as string;
    const out = compileAndRun('arduino', driver('arduino.h', packets.map((p) => `mqtt_${p.name}`), '#include <stdint.h>\n#define PROGMEM\n'), header);
    expect(out).toEqual(expected('mqtt'));
  });

  test('the CLI end to end: `mqtt-sign generic … --format c > packets.h` compiles to the bytes it encoded', async () => {
    const payload = bytesOf(17_000, 3);
    const run = async (style: string): Promise<string> => {
      const fake = fakeIo({ files: { 'payload.bin': payload } });
      const argv = ['generic', '--host', 'broker.example', '--client-id', 'd'.repeat(120), '--username', 'u', '--password', 'p', '--publish', 'a/b', '--payload', '@payload.bin'];
      expect(await main([...argv, '--format', style], fake.io)).toBe(0);
      return fake.stdout();
    };
    const hex: string[] = JSON.parse(await run('json')).packets.map((p: { hex: string }) => p.hex);
    const [connect, publish] = hex.map((h) => decode(Buffer.from(h, 'hex')).packet);
    expect(connect).toMatchObject({ cmd: 'connect', clientId: 'd'.repeat(120), username: 'u' });
    expect(publish).toMatchObject({ cmd: 'publish', topic: 'a/b', payload: payload });
    const out = compileAndRun('cli', driver('cli.h', ['mqtt_connect', 'mqtt_publish']), await run('c'));
    expect(out).toEqual(hex.map((h, i) => `mqtt_${['connect', 'publish'][i]} ${h.length / 2} ${h.length / 2} ${h}`));
  });
});

needsTools(['python3']).test('python: python3 evaluates the literals to the exact bytes', () => {
  const source = format('python', input).output as string;
  writeFileSync(join(dir, 'packets.py'), `${source}\nimport sys\nfor name in ${JSON.stringify(packets.map((p) => `mqtt_${p.name}`))}:\n    sys.stdout.write(name + ' ' + globals()[name].hex() + '\\n')\n`);
  const out = execFileSync('python3', [join(dir, 'packets.py')], { encoding: 'utf8', maxBuffer: 16 << 20 }).trim().split('\n');
  expect(out).toEqual(packets.map((p) => `mqtt_${p.name} ${Buffer.from(p.bytes).toString('hex')}`));
});
