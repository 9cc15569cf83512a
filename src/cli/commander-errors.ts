/**
 * Commander's usage errors as one line in the user's language. Commander words them in English and puts its
 * "(Did you mean …?)" suggestion on a second line; the parts are read back from its message and re-worded from the
 * catalogue. A message this does not recognise is kept as commander wrote it, joined onto one line.
 */
import type { CommanderError } from 'commander';
import { message, type Lang } from '../messages.js';
import { termSafe, termSafeParams } from '../terminal-text.js';

const patterns: Readonly<Record<string, RegExp>> = {
  'commander.unknownOption': /unknown option '(?<name>[^']*)'/,
  'commander.unknownCommand': /unknown command '(?<name>[^']*)'/,
  'commander.missingArgument': /missing required argument '(?<name>[^']*)'/,
  'commander.optionMissingArgument': /option '(?<name>[^']*)' argument missing/,
  'commander.missingMandatoryOptionValue': /required option '(?<name>[^']*)' not specified/,
  'commander.conflictingOption': /error: (?<name>.*) cannot be used with (?<other>.*)$/m,
  'commander.excessArguments': /Expected (?<expected>\d+) arguments? but got (?<got>\d+)/,
  'commander.invalidArgument': /option '(?<name>[^']*)' argument '(?<value>[^']*)' is invalid\. Allowed choices are (?<allowed>.*)\.$/m,
};

export function commanderMessage(err: CommanderError, lang: Lang): string {
  const text = err.message.replace(/^error: /, '');
  const pattern = patterns[err.code];
  const match = pattern?.exec(err.message);
  if (!match?.groups) return termSafe(text.replace(/\s*\n\s*/g, ' '));
  const groups = { ...match.groups };
  // Commander quotes an unknown option's argument whole; a value written onto it may be a secret given to a mistyped
  // flag (--secert=…, mosquitto_pub's -Phunter2), so it is left out.
  if (err.code === 'commander.unknownOption' && groups.name) groups.name = unknownFlag(groups.name);
  // Option names and values are the user's text.
  const params = termSafeParams(groups);
  // An empty argument ('' from an unset $VAR) would vanish from the sentence.
  for (const [key, value] of Object.entries(params)) if (value === '') params[key] = '""';
  // The option's value placeholder is noise in an error: --format <style> → --format.
  if (params.name) params.name = params.name.replace(/ [<[].*$/, '');
  let line = message(`cli.${err.code}`, params, lang);
  const suggestion = /\(Did you mean (?:one of )?(?<names>.*)\?\)/.exec(err.message)?.groups?.names;
  if (suggestion) line += ` ${message('cli.commander.suggest', { names: termSafe(suggestion) }, lang)}`;
  return line;
}

/**
 * An unknown option's flag with the value written onto it left out, an ellipsis in its place (so `--tls=…` still shows
 * that a switch was given a value): --secert=x → --secert=…, -Px → -P….
 */
function unknownFlag(arg: string): string {
  if (arg.startsWith('--')) return arg.includes('=', 2) ? `${arg.slice(0, arg.indexOf('=', 2))}=…` : arg;
  const chars = Array.from(arg);
  return arg.startsWith('-') && chars.length > 2 ? `${chars.slice(0, 2).join('')}…` : arg;
}
