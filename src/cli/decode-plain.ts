/** A plain command line of decode (src/cli/options.ts), run without commander; false when not plain. */
import type { CliContext } from './context.js';
import { parsePlain } from './options.js';
import { DECODE_OPTIONS, runDecode, type DecodeFlags } from './commands/decode.js';

export async function runPlainDecode(args: readonly string[], ctx: CliContext): Promise<boolean> {
  const parsed = parsePlain(args, DECODE_OPTIONS, 1);
  if (parsed === undefined) return false;
  await runDecode(parsed.operands[0], parsed.opts as unknown as DecodeFlags, ctx);
  return true;
}
