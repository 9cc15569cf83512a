// The `c` and `arduino` output compiled by the system C compiler and run to print its bytes, which must equal the
// encoder's: proof that the C is valid and exact. Packets cross the Remaining Length boundaries at 127 and 16383.
// The `python` output of the same packets is evaluated by python3.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { format, type FormatInput } from '../src/format/index.js';
import { connectFrom } from '../src/mqtt/connect-from.js';
import { encode } from '../src/mqtt/encode.js';
import { decode } from '../src/mqtt/decode.js';
import { parseHexInput } from '../src/capture/hex-input.js';
import { main } from '../src/cli/main.js';
import { fakeIo } from './helpers/fake-io.js';
import { needsTools, toolsRequired } from './helpers/tools.js';

// The real Arduino AVR core (Debian's arduino-core-avr) compiles the sketch for an Uno; it ships headers, not a tool.
const AVR_CORE = '/usr/share/arduino/hardware/arduino/avr';
const hasAvrCore = existsSync(join(AVR_CORE, 'cores/arduino/Arduino.h'));
const AVR_CORE_MISSING = `missing ${AVR_CORE}/cores/arduino/Arduino.h; install with: sudo apt-get install arduino-core-avr`;
if (!hasAvrCore && !toolsRequired()) process.stderr.write(`[arduino] skipped: ${AVR_CORE_MISSING}\n`);
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
  credentials: { clientId: 'x*/ #error broken /* \u001b[2J \u202e \u009b', username: 'user&product', password: 'never-printed' },
};

test('the packets cross the Remaining Length boundaries', () => {
  expect(packets[0]!.bytes.length).toBeGreaterThan(127 + 3);
  expect(packets[0]!.bytes[2]! & 0x80).toBe(0); // 2-byte RL ends at byte 2
  expect(packets[2]!.bytes.length).toBeGreaterThan(16383 + 4);
  expect(packets[2]!.bytes[2]! & 0x80).toBe(0x80); // 3-byte RL continues past byte 2
});

/** A main() that includes the header twice (the guard must hold) and prints each array as `name <#define _LEN> <sizeof> <hex>`. */
function driver(header: string, ids: readonly string[], prelude = ''): string {
  const dumps = ids.map((id) => `  dump("${id}", ${id}, sizeof ${id}, ${id.toUpperCase()}_LEN);`).join('\n');
  return `${prelude}#include <stdio.h>
#include <stddef.h>
#include "${header}"
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
    // No control or bidi character reaches the source: it would hide or reorder what a reader sees.
    expect(header).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(header).toContain('\\u202e');
    const out = compileAndRun(`c_${lang}`, driver(`c_${lang}.h`, packets.map((p) => `fw_${p.name}`)), header);
    expect(out).toEqual(expected('fw'));
  });

  test.each(['c89', 'c99', 'c11'])('c: the header alone as the file compiled (-std=%s), no unused-array warning', (std) => {
    for (const lang of ['en', 'zh'] as const) {
      const path = join(dir, `alone_${std}_${lang}.h`);
      writeFileSync(path, format('c', input, { lang }).output as string);
      // gcc warns of an unused static const array only in the main file: the header itself must be that file.
      execFileSync('gcc', [`-std=${std}`, '-Wall', '-Wextra', '-pedantic', '-Werror', '-x', 'c', '-c', '-o', join(dir, 'alone.o'), path], { stdio: 'pipe' });
    }
  });

  test('c: without the unused marking gcc would refuse it (the check above can fail)', () => {
    const path = join(dir, 'unmarked.h');
    writeFileSync(path, (format('c', input).output as string).replaceAll('MQTT_SIGN_UNUSED static', 'static'));
    expect(() => execFileSync('gcc', ['-std=c99', '-Wall', '-Werror', '-x', 'c', '-c', '-o', join(dir, 'unmarked.o'), path], { stdio: 'pipe' })).toThrow(/defined but not used/);
  });
});

needsTools(['g++']).describe('g++', () => {
  test('c: the header compiles as C++11, included twice', () => {
    writeFileSync(join(dir, 'cxx.h'), format('c', input).output as string);
    writeFileSync(join(dir, 'cxx.cpp'), '#include "cxx.h"\n#include "cxx.h"\nint main() { return mqtt_pingreq[0] == 0xC0 ? 0 : 1; }\n');
    execFileSync('g++', ['-std=c++11', '-Wall', '-Wextra', '-pedantic', '-Werror', '-o', join(dir, 'cxx'), join(dir, 'cxx.cpp')], { stdio: 'pipe' });
    execFileSync(join(dir, 'cxx'));
  });

  // A stand-in <Arduino.h>: PROGMEM empty as on ESP32, pgm_read_byte() counted, and a Print that may stop early.
  const STUB = `#include <stdint.h>
#include <stddef.h>
#define PROGMEM
static size_t flash_reads;
#define pgm_read_byte(p) (flash_reads++, *(const uint8_t *)(p))
class Print {
 public:
  virtual size_t write(const uint8_t *b, size_t n) = 0;
  virtual ~Print() {}
};
`;
  const sketch = (ids: readonly string[]) => `#include <stdio.h>
#include "packets.h"
#include "packets.h"
struct Hex : Print {
  size_t room;
  explicit Hex(size_t r) : room(r) {}
  size_t write(const uint8_t *b, size_t n) {
    size_t k = n < room ? n : room;
    for (size_t i = 0; i < k; i++) printf("%02x", b[i]);
    room -= k;
    return k;
  }
};
int main() {
${ids.map((id) => `  { Hex out((size_t)-1); flash_reads = 0; size_t n = mqtt_send_P(out, ${id}, ${id.toUpperCase()}_LEN); printf(" ${id} %zu %zu\\n", n, flash_reads); }`).join('\n')}
  { Hex out(100); size_t n = mqtt_send_P(out, mqtt_publish, MQTT_PUBLISH_LEN); printf(" short %zu\\n", n); }
  return 0;
}
`;

  test('arduino: with a stand-in <Arduino.h>, mqtt_send_P writes the exact bytes, each read through pgm_read_byte()', () => {
    const sub = mkdtempSync(join(dir, 'arduino-'));
    writeFileSync(join(sub, 'Arduino.h'), STUB);
    writeFileSync(join(sub, 'packets.h'), format('arduino', input).output as string);
    writeFileSync(join(sub, 'sketch.cpp'), sketch(packets.map((p) => `mqtt_${p.name}`)));
    execFileSync('g++', ['-std=c++11', '-Wall', '-Wextra', '-pedantic', '-Werror', '-I', sub, '-o', join(sub, 'sketch'), join(sub, 'sketch.cpp')], { stdio: 'pipe' });
    const lines = execFileSync(join(sub, 'sketch'), { encoding: 'utf8', maxBuffer: 16 << 20 }).trim().split('\n');
    const hexes = packets.map((p) => Buffer.from(p.bytes).toString('hex'));
    expect(lines.slice(0, packets.length)).toEqual(packets.map((p, i) => `${hexes[i]} mqtt_${p.name} ${p.bytes.length} ${p.bytes.length}`));
    // A connection that takes 100 bytes and then fails: the helper stops there and says so.
    expect(lines[packets.length]).toBe(`${hexes[2]!.slice(0, 200)} short 100`);
  });
});

needsTools(['avr-g++', 'avr-objdump']).describe('avr-g++ and the Arduino AVR core', () => {
  // Without the core: skipped with the line above, or failed where every tool is required (CI).
  test.skipIf(!hasAvrCore && !toolsRequired())('arduino: compiles for an Uno against the real <Arduino.h>, every array in flash (.progmem.data)', () => {
    if (!hasAvrCore) throw new Error(AVR_CORE_MISSING);
    const sub = mkdtempSync(join(dir, 'avr-'));
    writeFileSync(join(sub, 'packets.h'), format('arduino', input, { lang: 'zh' }).output as string);
    const uses = packets.map((p) => `  n += mqtt_send_P(Serial, mqtt_${p.name}, MQTT_${p.name.toUpperCase()}_LEN);`).join('\n');
    writeFileSync(join(sub, 'sketch.cpp'), `#include "packets.h"\n#include "packets.h"\nsize_t n;\nvoid setup() {\n${uses}\n}\nvoid loop() {}\n`);
    const flags = ['-mmcu=atmega328p', '-DF_CPU=16000000L', '-DARDUINO=10807', '-DARDUINO_AVR_UNO', '-DARDUINO_ARCH_AVR', '-Os', '-std=gnu++11'];
    const include = ['-I', join(AVR_CORE, 'cores/arduino'), '-I', join(AVR_CORE, 'variants/standard')];
    execFileSync('avr-g++', [...flags, ...include, '-Wall', '-Wextra', '-Werror', '-c', '-o', join(sub, 'sketch.o'), join(sub, 'sketch.cpp')], { stdio: 'pipe' });
    const symbols = execFileSync('avr-objdump', ['-t', '-C', join(sub, 'sketch.o')], { encoding: 'utf8' });
    for (const p of packets) {
      const row = symbols.split('\n').find((l) => new RegExp(`\\bmqtt_${p.name}$`).test(l));
      expect(row, `mqtt_${p.name} in ${symbols}`).toMatch(new RegExp(`\\.progmem\\.data\\s+0*${p.bytes.length.toString(16)}\\s`));
    }
  });
});

needsTools(['gcc']).describe('gcc, the CLI', () => {
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

test.each(['c', 'arduino'] as const)('%s: the header pasted into decode gives the packets back (the send helper is not read as bytes)', (style) => {
  const header = format(style, input).output as string;
  expect(Buffer.from(parseHexInput(header)).toString('hex')).toBe(packets.map((p) => Buffer.from(p.bytes).toString('hex')).join(''));
});
