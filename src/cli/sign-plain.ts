/** A plain command line of a platform command (src/cli/options.ts), run without commander; false when not plain. */
import type { PlatformId } from '../platforms/names.js';
import type { CliContext } from './context.js';
import { parsePlain } from './options.js';
import { runSign, signOptionSpecs } from './commands/sign.js';
import { loadSigner } from './signers.js';

export async function runPlainSign(args: readonly string[], platform: PlatformId, ctx: CliContext): Promise<boolean> {
  const signer = await loadSigner(platform);
  const parsed = parsePlain(args, signOptionSpecs(signer));
  if (parsed === undefined) return false;
  await runSign(parsed.opts, signer, ctx);
  return true;
}
