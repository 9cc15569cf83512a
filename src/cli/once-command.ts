/**
 * A commander Command whose options each take one value per command line: commander keeps the last of two
 * (`--publish t/1 --publish t/2` sent only t/2), so a second one is a usage error instead. Options declared with
 * `collect` (--subscribe, --unsubscribe) gather every value, as before. Subcommands are built as OnceCommands too,
 * so setting it on the program covers every command, its subcommands and the global options.
 */
import { Command, type Option, type OptionValueSource } from 'commander';
import { UsageError } from '../errors.js';

/** A repeatable option's values, pushed rather than copied (60,000 --subscribe values stay linear); a fresh list first. */
export const collect = (value: string, previous: string[] | undefined): string[] => {
  if (previous === undefined) return [value];
  previous.push(value);
  return previous;
};

/** Options whose second value is most likely meant as a second PUBLISH: the error says how to get one. */
const PUBLISH_OPTIONS: ReadonlySet<string> = new Set(['--publish', '--payload']);

export class OnceCommand extends Command {
  /** Attribute name → option, made at the first repeat only (a run that repeats nothing never pays for it). */
  #byKey: Map<string, Option> | undefined;

  override createCommand(name?: string): Command {
    return new OnceCommand(name);
  }

  override setOptionValueWithSource(key: string, value: unknown, source: OptionValueSource): this {
    if (source === 'cli' && this.getOptionValueSource(key) === 'cli') {
      const option = (this.#byKey ??= new Map(this.options.map((o) => [o.attributeName(), o]))).get(key);
      if (option?.parseArg !== collect) {
        const flag = option?.long ?? `--${key}`;
        // Neither value is named: one may be a credential (--secret, --password, a URL with user:pass@), and the
        // user has both on their command line.
        throw new UsageError(repeatedCode(flag, option), { option: flag });
      }
    }
    return super.setOptionValueWithSource(key, value, source);
  }
}

/** The --publish family says how to get a second PUBLISH; a switch (--tls, --no-clean) takes no value to speak of. */
function repeatedCode(flag: string, option: Option | undefined): string {
  if (PUBLISH_OPTIONS.has(flag)) return 'cli.option.repeated.publish';
  return option !== undefined && !option.required && !option.optional ? 'cli.option.repeated.switch' : 'cli.option.repeated';
}
