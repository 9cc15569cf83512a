/**
 * The CLI entry for a command line that names a command other than decode first (bin/mqtt-sign.js runs decode-main.ts
 * for decode, bare-main.ts when no command comes first): a sign run's code is in this entry's file, decode's is
 * imported when a command line here needs it. The library's tests run every command line through this one. See
 * main-core.ts.
 */
import { makeMain } from './main-core.js';
import { runPlainSign } from './sign-plain.js';

export const main = makeMain({
  sign: runPlainSign,
  decode: async (args, ctx) => (await import('./decode-plain.js')).runPlainDecode(args, ctx),
});
