/** `decode` as commander builds it (for --help, errors and unusual command lines): see decode.ts. */
import type { Command } from 'commander';
import { message, type Lang } from '../../messages.js';
import type { CliContext } from '../context.js';
import { addOptions } from '../commander-options.js';
import { DECODE_OPTIONS, runDecode, type DecodeFlags } from './decode.js';

/** The [input] operand decode and verify share. */
export function addInputArgument(cmd: Command, lang: Lang): Command {
  return cmd.argument('[input]', message('decode.arg.input', {}, lang));
}

export function registerDecode(program: Command, ctx: CliContext): void {
  const lang = ctx.lang();
  const cmd = program.command('decode').description(message('decode.description', {}, lang));
  addOptions(addInputArgument(cmd, lang), DECODE_OPTIONS, lang).addHelpText('after', message('decode.help.examples', {}, lang));
  cmd.action((input: string | undefined) => runDecode(input, cmd.opts() as DecodeFlags, ctx));
}
