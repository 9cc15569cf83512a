/** The platform commands as commander builds them (for --help, errors and unusual command lines): see sign.ts. */
import type { Command } from 'commander';
import type { Lang } from '../../messages.js';
import type { PlatformId } from '../../platforms/names.js';
import type { Signer } from '../../platforms/types.js';
import type { CliContext } from '../context.js';
import { addOptions } from '../commander-options.js';
import { examples, runSign, signOptionSpecs } from './sign.js';
import { listSignCommand } from './sign-command-list.js';

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
