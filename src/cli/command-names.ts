/** Which command a command line names, read before anything is built: main() and program.ts both go by it. */
import { platformIdOf, type PlatformId } from '../platforms/names.js';

/** The commands other than the platforms' (program.ts builds each only for the run that names it). */
export const OTHER_COMMAND_NAMES = ['decode', 'verify', 'probe', 'doctor'] as const;
export type OtherCommand = (typeof OTHER_COMMAND_NAMES)[number];

/** `word`: as typed (an alias or the platform's id); `id`: the platform's id, or the command's name. */
export type CommandName = { readonly kind: 'platform'; readonly word: string; readonly id: PlatformId } | { readonly kind: 'other'; readonly word: string; readonly id: OtherCommand };

/** The command `argv` names, or undefined for `mqtt-sign --help`, `help`, an unknown word and the like. */
export function namedCommand(argv: readonly string[]): CommandName | undefined {
  const word = commandWord(argv);
  if (word === undefined) return undefined;
  const platform = platformIdOf(word);
  if (platform !== undefined) return { kind: 'platform', word, id: platform };
  return (OTHER_COMMAND_NAMES as readonly string[]).includes(word) ? { kind: 'other', word, id: word as OtherCommand } : undefined;
}

/**
 * The command a run names: the first word that is not a global option (the one after it for `help <command>`), or
 * undefined for `mqtt-sign --help` and the like.
 */
function commandWord(argv: readonly string[]): string | undefined {
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--lang' || arg === '--now') i++;
    else if (arg === 'help' && !help) help = true;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
