/**
 * A command's options as data, read two ways: commander builds them for --help, errors and every unusual command
 * line (src/cli/commander-options.ts), and `parsePlain` reads a plain command line without building commander at
 * all, which is most of a short run's start-up (issue 15). Both read the same list, so they cannot disagree on
 * what an option is; test/options.test.ts checks they agree on every command line parsePlain accepts.
 */
import type { Lang } from '../messages.js';

export interface OptionSpec {
  /** The long flag without its dashes: 'will-topic'; 'no-clean' for a switch that turns `clean` off. */
  readonly flag: string;
  /** The value's name in --help (`--format <style>`); absent for a switch. */
  readonly value?: string;
  readonly choices?: readonly string[];
  readonly default?: string;
  /** May be given again: the values collect into a list. */
  readonly repeat?: boolean;
  /** The --help text in the user's language: asked only when commander builds the option. */
  describe(lang: Lang): string;
}

export type OptionValues = Readonly<Record<string, unknown>>;

/** The name commander stores an option's value under: --will-topic → willTopic, --no-clean → clean. */
export function attributeOf(spec: OptionSpec): string {
  const flag = spec.value === undefined && spec.flag.startsWith('no-') ? spec.flag.slice(3) : spec.flag;
  // As commander's camelcase (-x → X for a lower-case letter), without a regular expression to compile in every run.
  let name = '';
  for (let i = 0; i < flag.length; i++) {
    const next = flag[i + 1];
    if (flag[i] === '-' && next !== undefined && next >= 'a' && next <= 'z') {
      name += next.toUpperCase();
      i++;
    } else name += flag[i];
  }
  return name;
}

/** What commander's opts() holds before anything is parsed: each default, and true for a --no- switch. */
function defaultValues(specs: readonly OptionSpec[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const spec of specs) {
    if (spec.default !== undefined) values[attributeOf(spec)] = spec.default;
    else if (spec.value === undefined && spec.flag.startsWith('no-')) values[attributeOf(spec)] = true;
  }
  return values;
}

interface PlainCommandLine {
  readonly opts: Record<string, unknown>;
  readonly operands: readonly string[];
}

/**
 * The options and operands of a command's own arguments (after its name), as commander would read them, for a
 * plain command line only: each argument is `--flag`, `--flag value`, `--flag=value` or an operand (at most
 * `maxOperands`). Anything else is undefined and left to commander, which alone knows its help and its errors: an
 * unknown or short option, a missing value or one that starts with '-' other than a negative integer (Aliyun's
 * `--secure-mode -2`; commander's program-level options may claim the others), a choice not allowed, a switch given a
 * value, `--`, one operand too many, or an option given twice that does not repeat (commander's OnceCommand refuses it).
 */
export function parsePlain(args: readonly string[], specs: readonly OptionSpec[], maxOperands = 0): PlainCommandLine | undefined {
  const opts = defaultValues(specs);
  const operands: string[] = [];
  // The options given that take one value: a second one is commander's to refuse (src/cli/once-command.ts).
  const given = new Set<OptionSpec>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.length < 2 || arg[0] !== '-') {
      if (operands.length === maxOperands) return undefined;
      operands.push(arg);
      continue;
    }
    if (arg[1] !== '-') return undefined;
    const eq = arg.indexOf('=');
    const spec = findSpec(specs, eq < 0 ? arg.slice(2) : arg.slice(2, eq));
    if (spec === undefined || given.has(spec)) return undefined;
    if (!spec.repeat) given.add(spec);
    if (spec.value === undefined) {
      if (eq >= 0) return undefined;
      opts[attributeOf(spec)] = !spec.flag.startsWith('no-');
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = args[++i];
      if (value === undefined || (value.length > 1 && value[0] === '-' && !/^-\d+$/.test(value))) return undefined;
    }
    if (spec.choices !== undefined && !spec.choices.includes(value)) return undefined;
    const key = attributeOf(spec);
    // Pushed, not copied: a command line of 60,000 --subscribe values stays linear.
    if (spec.repeat) ((opts[key] ??= []) as string[]).push(value);
    else opts[key] = value;
  }
  return { opts, operands };
}

function findSpec(specs: readonly OptionSpec[], flag: string): OptionSpec | undefined {
  for (const spec of specs) if (spec.flag === flag) return spec;
  return undefined;
}
