// The CLI and the library on the other Node majors users run (22, 24), beside the Node running the tests: the same
// bytes out for the same command, and bin's code cache written once and then used on each (V8 takes a cache only from
// the Node build that wrote it, so each version must get its own and never reject it on the next run).
// The binaries come from `npm run fetch-nodes` (.cache/nodes/<version>/bin/node) or MQTT_SIGN_EXTRA_NODES (paths,
// separated by the platform's delimiter). Without them the suite is skipped with that line; under CI=true it fails.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { toolsRequired } from './helpers/tools.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/mqtt-sign.js');

function extraNodes(): string[] {
  const listed = (process.env.MQTT_SIGN_EXTRA_NODES ?? '').split(delimiter).filter(Boolean);
  if (listed.length > 0) return listed;
  const dir = join(ROOT, '.cache/nodes');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
    .map((v) => join(dir, v, 'bin/node'))
    .filter((file) => existsSync(file));
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

const home = mkdtempSync(join(tmpdir(), 'mqtt-sign-nodes-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function run(node: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((done) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['NODE_OPTIONS', 'XDG_CACHE_HOME', 'FORCE_COLOR'].includes(k)));
    const child = execFile(node, args, { env: { ...clean, HOME: home, NO_COLOR: '1', ...env }, maxBuffer: 64 << 20 }, (error, out, err) =>
      done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out, err }),
    );
    child.stdin?.end(input ?? '');
  });
}

const SIGN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef', '--timestamp', '1700000000000'];
const CONNECT_HEX = '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00';
/** Commands whose output must not depend on the Node version: [name, argv, stdin?]. */
const COMMANDS: [string, string[], string?][] = [
  ...['c', 'hex', 'json', 'table', 'python', 'arduino', 'base64', 'mqttjs', 'env'].map((f): [string, string[]] => [`sign --format ${f}`, [...SIGN, '--format', f]]),
  ['sign --format at --modem esp8266', [...SIGN, '--format', 'at', '--modem', 'esp8266']],
  ['sign --format c --runtime', [...SIGN, '--format', 'c', '--runtime', '--publish', 'property-post', '--subscribe', 'property-set']],
  ['onenet --format json', ['onenet', '--product', 'Ck2AF9QD2K', '--device', 'd1', '--key', 'c2VjcmV0c2VjcmV0c2VjcmV0', '--expires', '1900000000', '--format', 'json']],
  ['decode a CONNECT (table)', ['decode', CONNECT_HEX]],
  ['decode a CONNECT (jsonl)', ['decode', CONNECT_HEX, '--format', 'jsonl']],
  ['decode from stdin (tsv)', ['decode', '-', '--format', 'tsv'], `${CONNECT_HEX}\nc0 00\n`],
  ['verify', ['verify', 'aliyun', '-', '--secret', '0123456789abcdef0123456789abcdef'], ''],
  ['doctor', ['doctor', '-'], 'listener 1883\nallow_anonymous false\n'],
  ['--help', ['--help']],
  ['--version', ['--version']],
  ['a usage error', ['aliyun', '--product', 'x']],
];

const nodes = extraNodes();
const required = toolsRequired();
if (nodes.length === 0 && !required) process.stderr.write('[other Node versions] skipped: run `npm run fetch-nodes` (Node 22 and 24 from the npm registry) or set MQTT_SIGN_EXTRA_NODES\n');

describe.skipIf(nodes.length === 0 && !required)('the CLI on other Node versions', () => {
  test('there is at least one other Node to run on (npm run fetch-nodes)', () => {
    expect(nodes.length, 'no Node in .cache/nodes and MQTT_SIGN_EXTRA_NODES is empty: run `npm run fetch-nodes`').toBeGreaterThan(0);
  });

  const reference = new Map<string, Promise<Run>>();
  const ours = (name: string, argv: string[], input?: string): Promise<Run> => {
    if (!reference.has(name)) reference.set(name, run(process.execPath, [BIN, ...argv], {}, input));
    return reference.get(name)!;
  };

  for (const node of nodes) {
    describe(node.replace(ROOT, '.'), () => {
      test('the same output and exit code as this Node, for every command', async () => {
        for (const [name, argv, input] of COMMANDS) {
          const [mine, theirs] = await Promise.all([ours(name, argv, input), run(node, [BIN, ...argv], {}, input)]);
          expect([0, 1, 2], `${name} exited ${mine.code}: ${mine.err}`).toContain(mine.code);
          expect({ name, code: theirs.code, out: theirs.out, err: theirs.err }).toEqual({ name, code: mine.code, out: mine.out, err: mine.err });
        }
      }, 120_000);

      test('its own code cache is written by the first run and used, unchanged, by the next', async () => {
        const cacheHome = mkdtempSync(join(home, 'cache-'));
        const env = { XDG_CACHE_HOME: cacheHome, MQTT_SIGN_CODE_CACHE_REPORT: '1' };
        const first = await run(node, [BIN, ...SIGN, '--format', 'hex'], env);
        expect(first.code, first.err).toBe(0);
        const dir = join(cacheHome, 'mqtt-sign');
        const written = existsSync(dir) ? readdirSync(dir).sort() : [];
        expect(written.length, `first run wrote no cache: ${first.err}`).toBeGreaterThan(0);
        expect(written.some((f) => f.includes('.tmp')), 'a temporary file was left behind').toBe(false);
        const second = await run(node, [BIN, ...SIGN, '--format', 'hex'], env);
        expect(second.code, second.err).toBe(0);
        expect(second.out).toBe(first.out);
        expect(second.err).toMatch(/code cache: .*accepted/);
        expect(second.err).not.toMatch(/rejected|wrote/);
        expect(readdirSync(dir).sort()).toEqual(written);
      }, 60_000);

      test('the library: encode and decode agree with this Node', async () => {
        const script = `import('${join(ROOT, 'dist/index.js').replace(/\\/g, '/')}').then(({ connectFrom, encode, decode, decodeAll, sign }) => {
          const { credentials } = sign('aliyun', { productKey: 'a1B2c3D4e5F', deviceName: 'sensor01', deviceSecret: '0123456789abcdef0123456789abcdef', timestamp: '1700000000000' }, { now: 1700000000000 });
          const connect = encode(connectFrom(credentials, { keepalive: 300 }));
          const publish = encode({ cmd: 'publish', topic: 'a/b', payload: Buffer.from('x'.repeat(300)), qos: 1, messageId: 7, dup: false, retain: false });
          const { packet } = decode(publish);
          const all = decodeAll(Buffer.concat([connect, publish]));
          process.stdout.write(JSON.stringify({ credentials, connect: Buffer.from(connect).toString('hex'), topic: packet.topic, payload: Buffer.from(packet.payload).toString(), count: all.packets.length }));
        })`;
        const [mine, theirs] = await Promise.all([run(process.execPath, ['-e', script]), run(node, ['-e', script])]);
        expect(mine.code, mine.err).toBe(0);
        expect(theirs).toEqual(mine);
      }, 60_000);
    });
  }
});
