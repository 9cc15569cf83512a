// Code size of `--format c --runtime`: the PUBLISH writers and reply readers compiled with -Os, as a firmware pays
// for them. Each function's address is taken, so each is emitted once out of line; the object is linked with
// --gc-sections and nothing else, and `nm` gives each function's size. x86-64 with gcc here; ARM Thumb (Cortex-M0
// and M3) when arm-none-eabi-gcc is installed (apt-get install gcc-arm-none-eabi). Target: under 1 KB of Thumb.
// Sizes do not depend on the machine's load, unlike the timing benches.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from '../dist/format/index.js';
import { connectFrom } from '../dist/mqtt/connect-from.js';
import { encode } from '../dist/mqtt/encode.js';

/** The functions a firmware that publishes and reads replies uses (the envelope writers are per platform, beside). */
const FUNCTIONS = [
  'mqtt_publish',
  'mqtt_publish_property_post',
  'mqtt_publish_property_post_qos1',
  'mqtt_puback',
  'mqtt_frame_len',
  'mqtt_packet_type',
  'mqtt_connack_code',
  'mqtt_puback_id',
  'mqtt_suback_codes',
  'mqtt_parse_publish',
];

const TARGETS = [
  { name: 'x86-64 gcc -Os', cc: 'gcc', nm: 'nm', flags: [] },
  { name: 'ARM Thumb Cortex-M0 -Os', cc: 'arm-none-eabi-gcc', nm: 'arm-none-eabi-nm', flags: ['-mthumb', '-mcpu=cortex-m0'] },
  { name: 'ARM Thumb-2 Cortex-M3 -Os', cc: 'arm-none-eabi-gcc', nm: 'arm-none-eabi-nm', flags: ['-mthumb', '-mcpu=cortex-m3'] },
];

function header(version) {
  const connect = encode(connectFrom({ clientId: 'a1B2c3D4e5F.sensor01', username: 'sensor01&a1B2c3D4e5F', password: 'f'.repeat(64) }, { keepalive: 300, protocolVersion: version }), { protocolVersion: version });
  const runtime = {
    topics: [{ name: 'property-post', topic: '/sys/a1B2c3D4e5F/sensor01/thing/event/property/post', qos: 1, retain: false }],
    envelopes: [{ name: 'property-post', parts: ['{"id":"', { slot: 'id' }, '","version":"1.0","params":', { slot: 'params' }, ',"method":"thing.event.property.post"}'] }],
  };
  return format('c', { packets: [{ name: 'connect', bytes: connect }], protocolVersion: version, runtime }, { runtime: true }).output;
}

const has = (cmd) => {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Bytes of each function symbol after linking, from `nm -S` (Thumb symbols carry the mode bit in their address, not their size). */
function sizes(dir, target, version) {
  const src = join(dir, `size-${version}.c`);
  const exe = join(dir, `size-${version}-${target.cc}-${target.flags.join('')}`);
  writeFileSync(src, `#include "runtime-${version}.h"
typedef void (*fn)(void);
/* Every function's address, so each is emitted once; the linker keeps what entry reaches. */
const fn mqtt_size_table[] = { ${FUNCTIONS.concat('mqtt_envelope_property_post').map((f) => `(fn)${f}`).join(', ')} };
const fn *entry(void) { return mqtt_size_table; }
`);
  execFileSync(target.cc, [...target.flags, '-std=c99', '-Os', '-ffunction-sections', '-fdata-sections', '-nostdlib', '-Wl,--gc-sections', '-Wl,-e,entry', '-o', exe, src, '-lgcc'], { stdio: 'pipe' });
  const table = execFileSync(target.nm, ['-S', '--size-sort', exe], { encoding: 'utf8' });
  const out = new Map();
  for (const line of table.trim().split('\n')) {
    const [, size, , name] = line.split(/\s+/);
    if (name && (FUNCTIONS.includes(name) || name === 'mqtt_envelope_property_post' || name.startsWith('mqtt_put') || name.startsWith('mqtt_varint') || name === 'mqtt_header' || name === 'mqtt_skip_properties')) out.set(name, parseInt(size, 16));
  }
  return out;
}

export default function run() {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-size-'));
  try {
    for (const version of [4, 5]) writeFileSync(join(dir, `runtime-${version}.h`), header(version));
    for (const target of TARGETS) {
      if (!has(target.cc)) {
        console.log(`${target.name}: ${target.cc} is not installed (apt-get install gcc-arm-none-eabi); not measured`);
        continue;
      }
      for (const version of [4, 5]) {
        const s = sizes(dir, target, version);
        const envelope = (s.get('mqtt_envelope_property_post') ?? 0) + (s.get('mqtt_put') ?? 0) + (s.get('mqtt_put_u32') ?? 0);
        let core = 0;
        for (const [name, size] of s) if (!['mqtt_envelope_property_post', 'mqtt_put', 'mqtt_put_u32'].includes(name)) core += size;
        const thumb = target.cc.startsWith('arm');
        const verdict = thumb ? (core < 1024 ? '  (target < 1024: met)' : '  (target < 1024: NOT met)') : '';
        console.log(`${target.name}, MQTT ${version === 5 ? '5.0' : '3.1.1'}: publish + reply helpers ${core} bytes${verdict}; Alink envelope writer ${envelope} bytes more`);
        console.log(`  ${[...s].filter(([n]) => !['mqtt_envelope_property_post', 'mqtt_put', 'mqtt_put_u32'].includes(n)).map(([n, b]) => `${n} ${b}`).join(', ')}`);
      }
    }
    console.log('Paho Embedded C MQTTPacket is not built here: its source is not part of this repository or its dependencies;');
    console.log('README.md quotes a one-off comparison made outside the repository, with the same flags.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
