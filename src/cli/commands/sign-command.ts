/** The platform commands as commander builds them (for --help, errors and unusual command lines): see sign.ts. */
import type { Command } from 'commander';
import { message, type Lang } from '../../messages.js';
import { aliases, PLATFORM_TITLES, type PlatformId } from '../../platforms/names.js';
import type { Signer } from '../../platforms/types.js';
import type { CliContext } from '../context.js';
import { addOptions } from '../commander-options.js';
import { examples, runSign, signOptionSpecs } from './sign.js';

/** The command of one platform's signer, with its action: the command a run names (src/cli/signers.ts loads it). */
export function registerSignCommand(program: Command, ctx: CliContext, signer: Signer): void {
  const cmd = signCommand(program, signer, ctx.lang());
  cmd.action(() => runSign(cmd.opts(), signer, ctx));
}

/** A platform's command with all its options and help, without an action. */
export function signCommand(program: Command, signer: Signer, lang: Lang): Command {
  const cmd = listSignCommand(program, signer.id as PlatformId, lang);
  addOptions(cmd, signOptionSpecs(signer), lang);
  cmd.addHelpText('after', examples(signer, lang));
  return cmd;
}

/** A platform's command with its name, aliases and description only, from names.ts: what the top-level help lists. */
export function listSignCommand(program: Command, id: PlatformId, lang: Lang): Command {
  const names = Object.entries(aliases).filter(([, platform]) => platform === id).map(([alias]) => alias);
  // Commander's command list shows one alias; the description names them all.
  const description = message('cli.sign.description', { title: PLATFORM_TITLES[id] }, lang);
  const cmd = program.command(id).description(names.length === 0 ? description : message('cli.sign.aliases', { description, aliases: names.join(', ') }, lang));
  for (const alias of names) cmd.alias(alias);
  return cmd;
}
