/**
 * A platform's command as the top-level help lists it: name, aliases and description, from names.ts alone, so listing
 * the commands loads none of signing's code (sign-command.ts builds the command a run names).
 */
import type { Command } from 'commander';
import { message, type Lang } from '../../messages.js';
import { aliases, PLATFORM_TITLES, type PlatformId } from '../../platforms/names.js';

/** A platform's command with its name, aliases and description only, from names.ts: what the top-level help lists. */
export function listSignCommand(program: Command, id: PlatformId, lang: Lang): Command {
  const names = Object.entries(aliases).filter(([, platform]) => platform === id).map(([alias]) => alias);
  // Commander's command list shows one alias; the description names them all.
  const description = message('cli.sign.description', { title: PLATFORM_TITLES[id] }, lang);
  const cmd = program.command(id).description(names.length === 0 ? description : message('cli.sign.aliases', { description, aliases: names.join(', ') }, lang));
  for (const alias of names) cmd.alias(alias);
  return cmd;
}
