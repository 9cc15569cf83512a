/**
 * A signer's params as commander options, and back: the flags, --help text and secret handling of every platform
 * command. Shared by the sign commands and by `probe <platform>` / `verify <platform>`, so a platform takes the
 * same flags everywhere.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { catalogues, message, type Lang } from '../messages.js';
import type { SignParams, Signer, SignerParam } from '../platforms/types.js';
import type { Io } from './io.js';
import { sign } from '../platforms/sign.js';
import { checkSecret, promptSecret, resolveSecrets } from './secrets.js';

/** Add one option per param: `--flag <valueName>` (or a switch), choices, and default/env notes in the help text. */
export function addSignerOptions(cmd: Command, signer: Signer, lang: Lang): void {
  for (const param of signer.params) {
    const flags = param.boolean ? `--${param.flag}` : `--${param.flag} <${param.valueName ?? param.name}>`;
    const option = new Option(flags, describeParam(signer.id, param, lang));
    if (param.choices) option.choices(param.choices);
    cmd.addOption(option);
  }
}

/** The zh text lives in the catalogue as param.<platform>.<name>; English is the param's own description. */
function describeParam(platform: string, param: SignerParam, lang: Lang): string {
  const text = catalogues[lang][`param.${platform}.${param.name}`] ?? param.description;
  // Some descriptions already say where a secret may come from; say it once.
  const notes: string[] = [];
  if (param.default !== undefined && !param.boolean && !/default|默认/.test(text)) notes.push(message('cli.help.default', { value: param.default }, lang));
  if (param.env && !text.includes(param.env)) notes.push(message('cli.help.env', { env: param.env }, lang));
  if (param.secret && !text.includes('stdin') && !text.includes('标准输入')) notes.push(message('cli.help.stdin', {}, lang));
  return notes.length === 0 ? text : `${text} (${notes.join('; ')})`;
}

export interface SignerInput {
  readonly params: SignParams;
  /** The secret values actually used, to keep them out of any message. */
  readonly secrets: readonly string[];
}

/** Read the parsed options back into the signer's params; secrets from env or stdin where asked. */
export async function readSignerOptions(cmd: Command, signer: Signer, io: Io, lang: Lang): Promise<SignerInput> {
  const values = new Map<string, string | undefined>();
  for (const param of signer.params) {
    const raw: unknown = cmd.getOptionValue(attribute(param.flag));
    // The library reads '' as "not given"; from the command line it is an empty $VAR, which must not quietly
    // sign for the default host or clientId instead.
    if (raw === '' && !param.allowEmpty) throw new UsageError('cli.option.empty', { option: `--${param.flag}` });
    values.set(param.name, param.boolean ? (raw === true ? 'true' : undefined) : (raw as string | undefined));
  }
  const secretParams = signer.params.filter((p) => p.secret);
  const resolved = await resolveSecrets(
    secretParams.map((p) => ({ option: `--${p.flag}`, env: p.env, value: values.get(p.name), lenient: FREE_TEXT.has(`${signer.id}.${p.name}`) })),
    io,
    lang,
  );
  secretParams.forEach((p, i) => values.set(p.name, resolved[i]));
  let params = Object.fromEntries([...values].filter(([, v]) => v !== undefined)) as SignParams;
  // A secret the signer needs but nobody gave: on a terminal, ask for it (echo off) rather than fail. Whether stdin
  // is a terminal is asked only then: the question builds process.stdin (~2 ms).
  if (io.readSecret) {
    for (let asked = 0; asked < secretParams.length; asked++) {
      const param = missingSecret(signer, params, secretParams, io.now());
      if (!param || !io.stdinIsTTY) break;
      const source = { option: `--${param.flag}`, lenient: FREE_TEXT.has(`${signer.id}.${param.name}`) };
      const value = checkSecret(source, await promptSecret(source.option, io, lang), io, lang);
      params = { ...params, [param.name]: value };
      resolved.push(value);
    }
  }
  return { params, secrets: resolved.filter((v): v is string => v !== undefined) };
}

/** Secrets whose value is free text: odd characters warn instead of failing (a broker password may hold anything). */
const FREE_TEXT = new Set(['generic.password']);

/**
 * The secret param whose absence the signer reports, found by a dry run of the (pure) signer; undefined when it
 * reports none. The signer alone knows which secret a mode needs (Aliyun: --secret, or --product-secret for register).
 */
function missingSecret(signer: Signer, params: SignParams, secretParams: readonly SignerParam[], now: number): SignerParam | undefined {
  try {
    sign(signer.id, params, { now, random: '0'.repeat(32), salt: new Uint8Array(12) });
    return undefined;
  } catch (err) {
    if (!(err instanceof UsageError) || err.code !== 'platform.secret.missing') return undefined;
    return secretParams.find((p) => `--${p.flag}` === err.params.option && params[p.name] === undefined);
  }
}

/** Commander's attribute name for a flag: --product-secret → productSecret. */
function attribute(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
