/**
 * A signer's params as options (src/cli/options.ts), and back: the flags, --help text and secret handling of every
 * platform command. Shared by the sign commands and by `probe <platform>` / `verify <platform>`, so a platform takes
 * the same flags everywhere.
 */
import { UsageError } from '../errors.js';
import { catalogues, message, type Lang } from '../messages.js';
import type { SignParams, Signer, SignerParam } from '../platforms/types.js';
import type { Io } from './io.js';
import { attributeOf, type OptionSpec, type OptionValues } from './options.js';
import { signWith } from '../platforms/sign-with.js';
import { checkSecret, promptSecret, resolveSecrets } from './secrets.js';

/** One option per param: `--flag <valueName>` (or a switch), choices, and default/env notes in the help text. */
export function signerOptionSpecs(signer: Signer): OptionSpec[] {
  return signer.params.map((param) => ({
    flag: param.flag,
    ...(param.boolean ? {} : { value: param.valueName ?? param.name }),
    ...(param.choices ? { choices: param.choices } : {}),
    describe: (lang: Lang) => describeParam(signer.id, param, lang),
  }));
}

/** The zh text lives in the catalogue as param.<platform>.<name>; English is the param's own description. */
function describeParam(platform: string, param: SignerParam, lang: Lang): string {
  const text = catalogues[lang][`param.${platform}.${param.name}`] ?? param.description;
  // Some descriptions already say where a secret may come from; say it once.
  const notes: string[] = [];
  if (param.default !== undefined && !param.boolean && !text.includes('default') && !text.includes('默认')) notes.push(message('cli.help.default', { value: param.default }, lang));
  if (param.env && !text.includes(param.env)) notes.push(message('cli.help.env', { env: param.env }, lang));
  if (param.secret && !text.includes('stdin') && !text.includes('标准输入')) notes.push(message('cli.help.stdin', {}, lang));
  return notes.length === 0 ? text : `${text} (${notes.join('; ')})`;
}

interface SignerInput {
  readonly params: SignParams;
  /** The secret values actually used, to keep them out of any message. */
  readonly secrets: readonly string[];
}

/**
 * Read the parsed options back into the signer's params; secrets from env or stdin where asked. `askMissing`: find a
 * secret nobody gave by a dry run of the signer and, on a terminal, ask for it; a caller that signs anyway passes
 * false and asks after its own signing fails (askForMissingSecret), which saves a whole signing on every run.
 * `inputOnStdin`: whether the command's input will be read from stdin, asked only when a secret is `-`.
 */
export async function readSignerOptions(opts: OptionValues, signer: Signer, io: Io, lang: Lang, askMissing = true, inputOnStdin?: () => boolean): Promise<SignerInput> {
  const values = new Map<string, string | undefined>();
  const specs = signerOptionSpecs(signer);
  for (const [i, param] of signer.params.entries()) {
    const raw: unknown = opts[attributeOf(specs[i]!)];
    // The library reads '' as "not given" (but for a param that may be empty); from the command line it is an empty
    // $VAR, which must not quietly sign for the default host or clientId instead.
    if (raw === '' && !param.allowEmpty) throw new UsageError('cli.option.empty', { option: `--${param.flag}` });
    values.set(param.name, param.boolean ? (raw === true ? 'true' : undefined) : (raw as string | undefined));
  }
  const secretParams = signer.params.filter((p) => p.secret);
  // A secret read first would take the input's bytes and leave "the input is empty": refused before either is read.
  const fromStdin = secretParams.find((p) => values.get(p.name) === '-');
  if (fromStdin && inputOnStdin?.()) throw new UsageError('cli.stdin.input', { option: `--${fromStdin.flag}` });
  const resolved = await resolveSecrets(
    secretParams.map((p) => ({ option: `--${p.flag}`, env: p.env, value: values.get(p.name), lenient: FREE_TEXT.has(`${signer.id}.${p.name}`), made: MADE.has(`${signer.id}.${p.name}`) })),
    io,
    lang,
  );
  secretParams.forEach((p, i) => values.set(p.name, resolved[i]));
  let params = Object.fromEntries([...values].filter(([, v]) => v !== undefined)) as SignParams;
  // A secret the signer needs but nobody gave: on a terminal, ask for it (echo off) rather than fail. Whether stdin
  // is a terminal is asked only then: the question builds process.stdin (~3 ms).
  if (askMissing && io.readSecret) {
    for (let asked = 0; asked < secretParams.length; asked++) {
      const answer = await askForMissingSecret(dryRunError(signer, params, io.now()), signer, params, io, lang);
      if (answer === undefined) break;
      params = { ...params, [answer.name]: answer.value };
      resolved.push(answer.value);
    }
  }
  return { params, secrets: resolved.filter((v): v is string => v !== undefined) };
}

/**
 * After a signing failed for want of a secret (`platform.secret.missing`) that `params` do not hold: on a terminal,
 * that secret, asked for with echo off; undefined when the error is another or there is no terminal to ask (the error
 * then stands).
 */
export async function askForMissingSecret(
  err: unknown,
  signer: Signer,
  params: SignParams,
  io: Io,
  lang: Lang,
): Promise<{ readonly name: string; readonly value: string } | undefined> {
  if (!(err instanceof UsageError) || err.code !== 'platform.secret.missing' || !io.readSecret) return undefined;
  const param = signer.params.find((p) => p.secret && `--${p.flag}` === err.params.option && params[p.name] === undefined);
  if (param === undefined || !io.stdinIsTTY) return undefined;
  const source = { option: `--${param.flag}`, lenient: FREE_TEXT.has(`${signer.id}.${param.name}`), made: MADE.has(`${signer.id}.${param.name}`) };
  return { name: param.name, value: checkSecret(source, await promptSecret(source.option, io, lang), io, lang) };
}

/** Secrets whose value is free text: odd characters warn instead of failing (a broker password may hold anything). */
const FREE_TEXT = new Set(['generic.password']);

/** Secrets a tool wrote (mosquitto_passwd's line): their characters are not questioned (SecretSource.made). */
const MADE = new Set(['generic.passwordFileLine']);

/**
 * What a dry run of the (pure) signer throws, if anything: the signer alone knows which secret a mode needs (Aliyun:
 * --secret, or --product-secret for register).
 */
function dryRunError(signer: Signer, params: SignParams, now: number): unknown {
  try {
    signWith(signer, params, { now, random: '0'.repeat(32), salt: new Uint8Array(12) });
    return undefined;
  } catch (err) {
    return err;
  }
}
