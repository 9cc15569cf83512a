/** A command's OptionSpecs (src/cli/options.ts) as commander options: the same flags, choices and defaults parsePlain reads. */
import { Option, type Command } from 'commander';
import type { Lang } from '../messages.js';
import type { OptionSpec } from './options.js';
import { collect } from './once-command.js';

export function addOptions(cmd: Command, specs: readonly OptionSpec[], lang: Lang): Command {
  for (const spec of specs) {
    const option = new Option(spec.value === undefined ? `--${spec.flag}` : `--${spec.flag} <${spec.value}>`, spec.describe(lang));
    if (spec.choices !== undefined) option.choices(spec.choices);
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.repeat) option.argParser(collect);
    cmd.addOption(option);
  }
  return cmd;
}
