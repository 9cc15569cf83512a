// What a serial-tool or MQTTX user reads first: the summary block at the top of `table`, beside `hex` as # lines
// (stdout on a terminal, stderr when redirected), warnings kept with `raw`, and --help examples that paste into
// bash, zsh, PowerShell and cmd alike. Through main() in-process and the built bin, en and zh.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { platforms } from '../src/platforms/index.js';
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';

const BIN = resolve(import.meta.dirname, '../bin/mqtt-sign.js');
const AZURE = ['azure', '--hub', 'myhub', '--device', 'd1', '--key', 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', '--expires', '1800000000'];
const AZURE_PASSWORD = 'SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fd1&sig=RhC82tH1Av%2FJ4KkYKyn1jGK6jG4Qc9H4DBUceAH7CJU%3D&se=1800000000';
const ALIYUN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef', '--timestamp', '1700000000000'];

async function run(argv: string[], options: FakeIoOptions = {}) {
  const fake = fakeIo(options);
  const code = await main(argv, fake.io);
  return { code, out: fake.stdout(), err: fake.stderr() };
}

const blocks = {
  azure: {
    en: [
      'Host: myhub.azure-devices.net',
      'Port: 8883',
      'TLS: yes',
      'WebSocket URL: wss://myhub.azure-devices.net:443/$iothub/websocket',
      'ClientId: d1',
      'Username: myhub.azure-devices.net/d1/?api-version=2021-04-12',
      `Password: ${AZURE_PASSWORD}`,
      'Keep Alive: 240 s',
      'Expires: 2027-01-15T08:00:00Z (1800000000)',
    ],
    zh: [
      '主机（Host）：myhub.azure-devices.net',
      '端口（Port）：8883',
      'TLS：是',
      'WebSocket 地址：wss://myhub.azure-devices.net:443/$iothub/websocket',
      'ClientId：d1',
      '用户名（Username）：myhub.azure-devices.net/d1/?api-version=2021-04-12',
      `密码（Password）：${AZURE_PASSWORD}`,
      '保活时间（Keep Alive）：240 秒',
      '有效期至：2027-01-15T08:00:00Z (1800000000)',
    ],
  },
  aliyun: {
    en: [
      'Host: a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com',
      'Port: 1883',
      'TLS: no',
      'WebSocket URL: ws://a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com:443',
      'ClientId: a1B2c3D4e5F.sensor01|securemode=3,signmethod=hmacsha256,timestamp=1700000000000|',
      'Username: sensor01&a1B2c3D4e5F',
      'Password: 4d616d93c1c55c404b7c916462e11d49ad22beab9002ea5b370a2db2e910e94a',
      'Keep Alive: 300 s',
      'Expires: never',
    ],
  },
} as const;

describe.each(['en', 'zh'] as const)('table (%s)', (lang) => {
  test('starts with the summary block: the derived password in full, never the key', async () => {
    const r = await run([...AZURE, '--format', 'table', '--lang', lang]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 10)).toEqual([...blocks.azure[lang], '']);
    expect(r.out).not.toContain('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=');
    // The annotated table follows.
    expect(lines[10]).toMatch(lang === 'en' ? /^offset\s+bytes/ : /偏移/);
  });

  test('the terminal default is table, with the block', async () => {
    const r = await run([...AZURE, '--lang', lang], { stdoutTTY: true });
    expect(r.out.split('\n').slice(0, 9)).toEqual(blocks.azure[lang]);
  });
});

test('a platform whose credential does not expire says never; its password is the HMAC, not the secret', async () => {
  const r = await run([...ALIYUN, '--format', 'table']);
  expect(r.out.split('\n').slice(0, 9)).toEqual(blocks.aliyun.en);
  expect(r.out).not.toContain('0123456789abcdef');
});

test('hostile values in the block are escaped; the password stays whole however long', async () => {
  const long = 'p'.repeat(5000);
  const r = await run(['generic', '--host', 'h', '--client-id', 'c\x1b[2J', '--username', 'u\u202ex', '--password', long, '--format', 'table']);
  expect(r.out).toContain('Username: u\\u202ex\n');
  expect(r.out).toContain('ClientId: c\\x1b[2J\n');
  expect(r.out).toContain(`Password: ${long}\n`);
});

describe.each(['en', 'zh'] as const)('hex (%s)', (lang) => {
  test('stdout not a terminal: the block as # lines on stderr, stdout only hex', async () => {
    const r = await run([...AZURE, '--format', 'hex', '--lang', lang]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^(?:[0-9A-F]{2}(?: [0-9A-F]{2})*\n)+$/);
    expect(r.err.split('\n').slice(0, 9)).toEqual(blocks.azure[lang].map((l) => `# ${l}`));
  });

  test('stdout a terminal: the block as # lines above the hex', async () => {
    const r = await run([...AZURE, '--format', 'hex', '--lang', lang], { stdoutTTY: true });
    const lines = r.out.split('\n');
    expect(lines.slice(0, 9)).toEqual(blocks.azure[lang].map((l) => `# ${l}`));
    expect(lines[9]).toMatch(/^10 /);
    expect(r.err).not.toContain('# ');
  });
});

test('hex through the built bin, redirected: the file gets only hex', () => {
  const r = spawnSync(process.execPath, [BIN, ...AZURE, '--format', 'hex'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^10 [0-9A-F ]+\n$/);
  expect(r.stderr).toContain(`# Password: ${AZURE_PASSWORD}\n`);
});

describe.each(['en', 'zh'] as const)('raw keeps its warnings on stderr (%s)', (lang) => {
  test('the bytes alone on stdout, the note on stderr', async () => {
    const r = await run(['huawei', '--device', 'd_1', '--secret', '12345678', '--timestamp', '2024010100', '--format', 'raw', '--lang', lang]);
    expect(r.code).toBe(0);
    expect(r.out.charCodeAt(0)).toBe(0x10);
    expect(r.err).toContain(lang === 'en' ? 'note: no --host' : '提示：');
  });
});

/** Characters that mean the same in bash, zsh, PowerShell and cmd: no quoting, expansion, history or splatting. */
const SAFE_EXAMPLE = /^[A-Za-z0-9 _\-./:=+|"]*$/;

describe('--help examples paste into bash, zsh, PowerShell and cmd', () => {
  const commands = [[], ...Object.keys(platforms).map((p) => [p]), ['decode'], ['verify'], ['probe'], ['doctor'], ...Object.keys(platforms).map((p) => ['verify', p])];
  test.each(commands.map((c) => [c.join(' ') || '(top level)', c] as const))('%s', async (_name, command) => {
    for (const lang of ['en', 'zh'] as const) {
      const r = await run([...command, '--help', '--lang', lang]);
      const examples = (r.out + r.err).split('\n').filter((l) => /^\s*\$ /.test(l));
      if (command.length === 0 || platforms[command[0] as keyof typeof platforms]) expect(examples.length).toBeGreaterThan(0);
      for (const line of examples) {
        const text = line.replace(/^\s*\$ /, '');
        expect(text, line).toMatch(SAFE_EXAMPLE);
        // Double quotes must pair, and a word must not start with @ (PowerShell splatting).
        expect((text.match(/"/g) ?? []).length % 2, line).toBe(0);
        expect(text, line).not.toMatch(/(^| )@/);
      }
    }
  });
});
