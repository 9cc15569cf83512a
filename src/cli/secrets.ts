/**
 * Secrets reach the CLI three ways: the option itself, the environment variable its param names (so it stays out of
 * shell history), or stdin when the value is `-`. Whatever way, a secret's value never goes back out: redact()
 * rebuilds an error whose parameters contain one with the value masked.
 */
import { MqttSignError, UsageError } from '../errors.js';
import { message, type Lang, type Params } from '../messages.js';
import { TOOL_WORDS } from '../terminal-text.js';
import type { Io } from './io.js';
import { readAtMost } from './read-at-most.js';
import { decodeSecret, isSoft, secretProblem } from './secret-check.js';

/** A secret read from stdin: an MQTT password's 65535 bytes, and a line ending. */
const SECRET_STDIN_MAX = 65_537;

interface SecretSource {
  /** "--secret", for messages. */
  readonly option: string;
  readonly env?: string;
  /** A value that is free text (generic --password): odd characters warn instead of failing. */
  readonly lenient?: boolean;
  /**
   * A value made by a tool, not typed (a mosquitto password_file line): not checked here, as its user name may be in
   * any script (иван, 张三) and its reader reports a malformed one.
   */
  readonly made?: boolean;
}

/**
 * The final value of each secret: the given value, else its environment variable; `-` reads stdin (once: two
 * secrets cannot both be `-`), or asks on the terminal with echo off when stdin is one. One trailing newline is
 * dropped from piped stdin, as `echo` and `cat` add it. Every value is then checked (checkSecret).
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
        if (io.stdinIsTTY && io.readSecret) return checkSecret(s, await promptSecret(s.option, io, lang), io, lang);
        if (io.stdinIsTTY) io.stderr.write(`${message('cli.stdin.prompt', { option: s.option }, lang)}\n`);
        // Read up to a bound: `--secret - < /dev/zero` must not fill memory (an MQTT password is at most 65535 bytes).
        const bytes = await readAtMost(io.streamStdin(), SECRET_STDIN_MAX);
        if (bytes === null) throw new UsageError('cli.stdin.too-large', { option: s.option, max: SECRET_STDIN_MAX });
        const text = decodeSecret(bytes).replace(/\r?\n$/, '');
        if (text === '') throw new UsageError('cli.stdin.empty', { option: s.option });
        return checkSecret(s, text, io, lang);
      }
      if (s.value !== undefined) return checkSecret(s, s.value, io, lang);
      const fromEnv = s.env === undefined ? undefined : io.env[s.env];
      return fromEnv === '' || fromEnv === undefined ? undefined : checkSecret(s, fromEnv, io, lang);
    }),
  );
}

/** Ask on the terminal (echo off); nothing typed is a usage error like an empty stdin. */
export async function promptSecret(option: string, io: Io, lang: Lang): Promise<string> {
  const text = decodeSecret(await io.readSecret!(message('secret.prompt', { option }, lang)));
  if (text === '') throw new UsageError('secret.prompt.empty', { option });
  return text;
}

/**
 * `value` if it is a plain secret; else a usage error naming the option, the position and the kind of
 * character (never the value), or for a lenient one a warning on stderr and the value as given.
 */
export function checkSecret(source: SecretSource, value: string, io: Io, lang: Lang): string {
  const problem = source.made ? undefined : secretProblem(value);
  if (!problem) return value;
  const kindKey = problem.kind === 'space' ? `secret.kind.space.${problem.where}` : `secret.kind.${problem.kind}`;
  const params = { option: source.option, kind: message(kindKey, {}, lang), position: problem.position, length: problem.length };
  if (!source.lenient && !isSoft(problem.kind)) throw new UsageError('secret.char', params);
  io.stderr.write(`${message('cli.warning', { message: message('secret.char.warning', params, lang) }, lang)}\n`);
  return value;
}

/**
 * Below this many characters a secret is masked only where a value is the secret itself, not searched for inside
 * longer text: "1" or "ab" is in most timestamps and names by chance, and the *** left in its place would only show
 * where its characters are (a1B2c3D4e5F.dev1 → a***B2c3D4e5F.dev***).
 */
const MASK_INSIDE_MIN = 4;

/** `text` with every occurrence of a secret replaced by ***; a short secret (MASK_INSIDE_MIN) only when it is the whole text. */
export function mask(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s === '' ? t : t === s ? '***' : Array.from(s).length < MASK_INSIDE_MIN ? t : t.split(s).join('***')), text);
}

/**
 * The parameters with each secret masked in every value that can hold the user's text (the same object when none
 * does); not in the tool's own words (TOOL_WORDS), where a short secret would only garble "esp-at-mqtt" or "--publish"
 * and show where its letters are. Masking is done here, before a message is rendered, never on the rendered text: the catalogue's words are not
 * the user's.
 */
export function maskParams<P extends Readonly<Record<string, unknown>>>(params: P, secrets: readonly string[]): P {
  const leaks = ([k, v]: [string, unknown]): boolean => !TOOL_WORDS.has(k) && typeof v === 'string' && mask(v, secrets) !== v;
  if (!Object.entries(params).some(leaks)) return params;
  return Object.fromEntries(Object.entries(params).map((e) => [e[0], leaks(e) ? mask(e[1] as string, secrets) : e[1]])) as P;
}

/** The same error with every parameter that contains a secret masked; other errors pass through unchanged. */
export function redact(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof MqttSignError)) return err;
  const params = maskParams(err.params, secrets);
  return params === err.params ? err : new MqttSignError(err.code, params as Params, err.exitCode);
}
