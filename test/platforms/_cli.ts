// A platform command run through main() with a fake Io and --format json: the CLI half of "every vector, library and CLI".
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';

export interface SignedJson {
  readonly broker: { host: string; port: number; tls: boolean };
  readonly credentials: { clientId: string; username: string | null; password: string | null };
  readonly packets: readonly { type: string; hex: string }[];
}

/** `mqtt-sign <argv> --format json` at the given clock; fails the test on a non-zero exit or an error line. */
export async function signJson(argv: readonly string[], now: number): Promise<SignedJson> {
  const fake = fakeIo({ now });
  const code = await main([...argv, '--format', 'json'], fake.io);
  expect(fake.stderr(), fake.stderr()).not.toMatch(/mqtt-sign:/);
  expect(code).toBe(0);
  return JSON.parse(fake.stdout()) as SignedJson;
}
