/**
 * The CLI entry for every command but decode (bin/mqtt-sign.js runs decode-main.ts for decode): a sign run's code is
 * in this entry's file, decode's is imported when a command line here needs it. See main-core.ts.
 */
import { makeMain } from './main-core.js';
import { runPlainSign } from './sign-plain.js';

export const main = makeMain({
  sign: runPlainSign,
  decode: async (args, ctx) => (await import('./decode-plain.js')).runPlainDecode(args, ctx),
});
