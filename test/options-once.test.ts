// An option that takes one value, given twice, is a usage error in every command (commander kept the last one, and
// `--publish t/1 --publish t/2` sent only t/2); --subscribe and --unsubscribe still collect. Each row runs in-process
// and as the built bin (the plain path and commander's), in en and zh. A secret given twice is never echoed.
import { describe, expect, test } from 'vitest';
import { platforms } from '../src/platforms/index.js';
import { both, LANGS } from './helpers/cli-both.js';
import { parsePlain } from '../src/cli/options.js';
import { signOptionSpecs } from '../src/cli/commands/sign.js';
import { decode } from '../src/mqtt/decode.js';
import type { SubscribePacket, UnsubscribePacket } from '../src/mqtt/types.js';

const repeated = (option: string) => ['cli.option.repeated', { option }] as const;
const GENERIC = ['generic', '--host', '127.0.0.1', '--client-id', 'a'];
const ALIYUN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef'];

/** A platform's example command line without its secrets (flag and value), so a row can give them itself. */
function exampleWithoutSecrets(id: string): string[] {
  const signer = platforms[id]!;
  const secret = new Set(signer.params.filter((p) => p.secret).map((p) => `--${p.flag}`));
  const words = signer.example.split(' ');
  return words.filter((w, i) => !secret.has(w) && !secret.has(words[i - 1]!));
}

const ROWS: readonly { name: string; argv: readonly string[]; code: string; option: string }[] = [
  // Sign: the PUBLISH family says how to get a second message.
  { name: 'sign: --publish twice', argv: [...GENERIC, '--publish', 't/1', '--payload', 'x', '--publish', 't/2', '--format', 'hex'], code: 'cli.option.repeated.publish', option: '--publish' },
  { name: 'sign: --payload twice', argv: [...GENERIC, '--publish', 't/1', '--payload', 'x', '--payload', 'y', '--format', 'hex'], code: 'cli.option.repeated.publish', option: '--payload' },
  { name: 'sign: --format twice', argv: [...GENERIC, '--format', 'c', '--format', 'hex'], code: 'cli.option.repeated', option: '--format' },
  { name: 'sign: the same value twice, --format=', argv: [...GENERIC, '--format=hex', '--format=hex'], code: 'cli.option.repeated', option: '--format' },
  { name: 'sign: --keepalive twice', argv: [...GENERIC, '--keepalive', '30', '--keepalive', '60', '--format', 'hex'], code: 'cli.option.repeated', option: '--keepalive' },
  { name: 'sign: a switch twice', argv: [...GENERIC, '--tls', '--tls', '--format', 'hex'], code: 'cli.option.repeated.switch', option: '--tls' },
  { name: 'sign: a --no- switch twice', argv: [...GENERIC, '--no-clean', '--no-clean', '--format', 'hex'], code: 'cli.option.repeated.switch', option: '--no-clean' },
  { name: 'sign: a platform param twice', argv: ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'one', '--device', 'two', '--secret', '0123456789abcdef0123456789abcdef', '--format', 'hex'], code: 'cli.option.repeated', option: '--device' },
  { name: 'sign: a platform param twice, by an alias', argv: ['mosquitto', '--host', 'a', '--host', 'b', '--client-id', 'c', '--format', 'hex'], code: 'cli.option.repeated', option: '--host' },
  // Global options, before or after the command.
  { name: 'global: --now twice', argv: ['--now', '1700000000', ...GENERIC, '--now', '1700000001', '--format', 'hex'], code: 'cli.option.repeated', option: '--now' },
  { name: 'global: --no-color twice', argv: [...GENERIC, '--no-color', '--format', 'hex', '--no-color'], code: 'cli.option.repeated.switch', option: '--no-color' },
  { name: 'global: --lang twice (the row adds one)', argv: [...GENERIC, '--lang', 'en', '--format', 'hex'], code: 'cli.option.repeated', option: '--lang' },
  // The other commands.
  { name: 'decode: --format twice', argv: ['decode', 'c0 00', '--format', 'json', '--format', 'jsonl'], code: 'cli.option.repeated', option: '--format' },
  { name: 'decode: --input twice', argv: ['decode', '--input', 'hex', 'c0 00', '--input=hex'], code: 'cli.option.repeated', option: '--input' },
  { name: 'verify aliyun: --format twice', argv: ['verify', 'aliyun', 'c0 00', '--format', 'json', '--format', 'text', '--product', 'a1B2c3D4e5F'], code: 'cli.option.repeated', option: '--format' },
  { name: 'verify aliyun: --product twice', argv: ['verify', 'aliyun', 'c0 00', '--product', 'a', '--product', 'b'], code: 'cli.option.repeated', option: '--product' },
  { name: 'probe <url>: --timeout twice', argv: ['probe', '127.0.0.1:1', '--timeout', '1', '--timeout', '2'], code: 'cli.option.repeated', option: '--timeout' },
  { name: 'probe <platform>: --url twice', argv: ['probe', 'generic', '--host', 'h', '--client-id', 'c', '--url', 'mqtt://127.0.0.1:1', '--url', 'mqtt://127.0.0.1:2'], code: 'cli.option.repeated', option: '--url' },
  { name: 'probe <platform>: --roundtrip twice', argv: ['probe', 'generic', '--host', 'h', '--client-id', 'c', '--roundtrip', '--roundtrip'], code: 'cli.option.repeated.switch', option: '--roundtrip' },
  { name: 'doctor: --host twice', argv: ['doctor', '-', '--host', 'a.example.com', '--host', 'b.example.com'], code: 'cli.option.repeated', option: '--host' },
];

describe.each(LANGS)('%s', (lang) => {
  test.each(ROWS)('$name: exit 2, one line naming the option', async ({ argv, code, option }) => {
    for (const run of await both(argv, lang, 2, [[code, { option }]])) {
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
    }
  });

  test('verify <platform>: a second input is refused, not left unread', async () => {
    const argv = ['verify', 'aliyun', 'c0 00', '10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00', '--product', 'a1B2c3D4e5F', '--device', 'd', '--secret', 'x'];
    for (const run of await both(argv, lang, 2, [['cli.commander.excessArguments', { expected: '1', got: '2' }]])) expect(run.stdout).toBe('');
  });

  test('sign: --subscribe and --unsubscribe still collect every value', async () => {
    for (const run of await both([...GENERIC, '--subscribe', 'a', '--subscribe', 'b=1', '--unsubscribe', 'c', '--unsubscribe', 'd', '--format', 'hex', '--compact'], lang, 0)) {
      const lines = run.stdout.trim().split('\n');
      const sub = decode(Buffer.from(lines[1]!, 'hex'), { protocolVersion: 4 }).packet as SubscribePacket;
      const unsub = decode(Buffer.from(lines[2]!, 'hex'), { protocolVersion: 4 }).packet as UnsubscribePacket;
      expect(sub.subscriptions).toEqual([{ topic: 'a', qos: 0 }, { topic: 'b', qos: 1 }]);
      expect(unsub.unsubscriptions).toEqual(['c', 'd']);
    }
  });
});

// Sentinels that no message would otherwise hold: neither may appear anywhere in the output.
const FIRST = 'FirstSecretValue0123456789abcdef';
const SECOND = 'SecondSecretValue123456789abcdef';

const secretRows = Object.values(platforms).flatMap((signer) =>
  signer.params.filter((p) => p.secret).flatMap((p) => [
    { name: `${signer.id} --${p.flag} twice`, argv: [...exampleWithoutSecrets(signer.id), `--${p.flag}`, FIRST, `--${p.flag}`, SECOND, '--format', 'hex'], option: `--${p.flag}` },
    { name: `verify ${signer.id} --${p.flag} then -`, argv: ['verify', ...exampleWithoutSecrets(signer.id), 'c0 00', `--${p.flag}`, FIRST, `--${p.flag}`, '-'], option: `--${p.flag}` },
    { name: `probe ${signer.id} --${p.flag} twice`, argv: ['probe', ...exampleWithoutSecrets(signer.id), `--${p.flag}=${FIRST}`, `--${p.flag}=${SECOND}`], option: `--${p.flag}` },
  ]),
).filter((row) => !(row.argv[0] === 'verify' && !platforms[row.argv[1]!]!.verify));

test.each([
  ...secretRows,
  { name: 'probe <url> --password twice', argv: ['probe', 'mqtt://127.0.0.1:1', '--password', FIRST, '--password', SECOND], option: '--password' },
  { name: 'aliyun --secret twice, the same value', argv: [...ALIYUN.slice(0, -2), '--secret', FIRST, '--secret', FIRST], option: '--secret' },
])('$name: exit 2, neither value echoed', async ({ argv, option }) => {
  for (const run of await both(argv, 'en', 2, [repeated(option)])) {
    expect(run.stdout + run.stderr).not.toContain(FIRST);
    expect(run.stdout + run.stderr).not.toContain(SECOND);
    expect(run.stdout + run.stderr).not.toContain(FIRST.slice(0, 12));
  }
});

test('parsePlain leaves an option given twice to commander, and collects the repeatable ones', () => {
  const specs = signOptionSpecs(platforms.generic!);
  for (const args of [['--format', 'c', '--format', 'hex'], ['--format=c', '--format', 'c'], ['--tls', '--tls'], ['--no-clean', '--no-clean'], ['--password', 'a', '--password', 'b']]) {
    expect(parsePlain(args, specs), args.join(' ')).toBeUndefined();
  }
  expect(parsePlain(['--subscribe', 'a', '--unsubscribe', 'b', '--subscribe', 'c', '--unsubscribe', 'd'], specs)?.opts).toMatchObject({ subscribe: ['a', 'c'], unsubscribe: ['b', 'd'] });
});
