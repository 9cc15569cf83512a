/**
 * The CLI entry bin/mqtt-sign.js runs for decode: the same main() as main.ts, but its file holds decode's code and
 * none of signing's (hashes, packets, formats), which a sign command line here imports. See main-core.ts.
 */
import { makeMain } from './main-core.js';
import { runPlainDecode } from './decode-plain.js';

export const main = makeMain({
  sign: async (args, platform, ctx) => (await import('./sign-plain.js')).runPlainSign(args, platform, ctx),
  decode: runPlainDecode,
});
