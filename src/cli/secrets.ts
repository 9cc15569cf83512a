/**
 * Secrets reach the CLI three ways: the option itself, the environment variable its param names (so it stays out of
 * shell history), or stdin when the value is `-`. Whatever way, a secret's value never goes back out: redact()
 * rebuilds an error whose parameters contain one with the value masked.
 */
import { MqttSignError, UsageError } from '../errors.js';
import { message, type Lang, type Params } from '../messages.js';
import type { Io } from './io.js';

export interface SecretSource {
  /** "--secret", for messages. */
  readonly option: string;
  readonly env?: string;
}

/**
 * The final value of each secret: the given value, else its environment variable; `-` reads stdin (once: two
 * secrets cannot both be `-`). One trailing newline is dropped, as `echo` and `cat` add it.
 */
export async function resolveSecrets(
  secrets: readonly (SecretSource & { readonly value: string | undefined })[],
  io: Io,
  lang: Lang,
): Promise<(string | undefined)[]> {
  const fromStdin = secrets.filter((s) => s.value === '-');
  if (fromStdin.length > 1) throw new UsageError('cli.stdin.twice', { option: fromStdin[0]!.option, other: fromStdin[1]!.option });
  return Promise.all(
    secrets.map(async (s) => {
      if (s.value === '-') {
        if (io.stdinIsTTY) io.stderr.write(`${message('cli.stdin.prompt', { option: s.option }, lang)}\n`);
        const text = new TextDecoder().decode(await io.readStdin()).replace(/\r?\n$/, '');
        if (text === '') throw new UsageError('cli.stdin.empty', { option: s.option });
        return text;
      }
      if (s.value !== undefined) return s.value;
      const fromEnv = s.env === undefined ? undefined : io.env[s.env];
      return fromEnv === '' ? undefined : fromEnv;
    }),
  );
}

/** `text` with every occurrence of a secret replaced by ***. */
export function mask(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('***'), text);
}

/** The same error with every parameter that contains a secret masked; other errors pass through unchanged. */
export function redact(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof MqttSignError)) return err;
  const leaks = (v: unknown): boolean => typeof v === 'string' && mask(v, secrets) !== v;
  if (!Object.values(err.params).some(leaks)) return err;
  const params: Params = Object.fromEntries(Object.entries(err.params).map(([k, v]) => [k, leaks(v) ? mask(v as string, secrets) : v]));
  return new MqttSignError(err.code, params, err.exitCode);
}
