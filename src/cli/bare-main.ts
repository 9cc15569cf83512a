/**
 * The CLI entry bin/mqtt-sign.js runs for a command line that names no command first (the help on a terminal, no
 * arguments, a global option such as --lang first): the same main() as main.ts, with neither signing's nor decode's
 * code in its file; a command named later is imported as it is needed. See main-core.ts.
 */
import { makeMain } from './main-core.js';

export const main = makeMain({
  sign: async (args, platform, ctx) => (await import('./sign-plain.js')).runPlainSign(args, platform, ctx),
  decode: async (args, ctx) => (await import('./decode-plain.js')).runPlainDecode(args, ctx),
});
