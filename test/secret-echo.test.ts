// Paths by which a secret given on the command line could come back out in an error: each case fails with a
// usage error, and neither the secret nor a fragment of it (its first or last 6 characters) is on stdout or stderr.
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { fakeIo, type FakeIoOptions } from './helpers/fake-io.js';

const SECRET = 'QZXs3cr3tVwvutsrqponZQW';

async function run(argv: string[], options: FakeIoOptions = {}) {
  const fake = fakeIo(options);
  const code = await main(argv, fake.io);
  return { code, out: fake.stdout(), err: fake.stderr() };
}

function expectHidden(text: string, secret = SECRET): void {
  expect(text).not.toContain(secret.slice(0, 6));
  expect(text).not.toContain(secret.slice(-6));
}

const ALIYUN = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01'];

describe('commander names an unknown option, never the value written onto it', () => {
  test.each([
    ['a mistyped --secret=…', [...ALIYUN, `--secert=${SECRET}`], 'unknown option --secert'],
    ['in Chinese', ['--lang', 'zh', ...ALIYUN, `--secert=${SECRET}`], '未知选项 --secert'],
    ["mosquitto_pub's -P<password>", ['generic', '--host', 'h', `-P${SECRET}`], 'unknown option -P'],
    ['verify', ['verify', 'aliyun', `--secert=${SECRET}`], 'unknown option --secert'],
    ['probe', ['probe', 'mqtt://127.0.0.1:1', `--pasword=${SECRET}`], 'unknown option --pasword'],
  ])('%s', async (_name, argv, shown) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`mqtt-sign: ${shown}`);
    expectHidden(r.err + r.out);
  });

  test('a flag without a value is named as before, with its suggestion', async () => {
    const r = await run([...ALIYUN, '--secrt', SECRET]);
    expect(r.err).toMatch(/^mqtt-sign: unknown option --secrt \(did you mean --secret\?\)$/m);
  });
});
