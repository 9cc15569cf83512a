/**
 * The library's one call: look up the signer, check its params, sign, and append the lint of the planned
 * connection. Pure: `ctx.now` (ms) and `ctx.random` come from the caller.
 */
import { getSigner } from './index.js';
import { signWith } from './sign-with.js';
import type { ConnectOptions, SignContext, SignParams, SignResult } from './types.js';

export function sign(platform: string, params: SignParams, ctx: SignContext & { readonly connect?: ConnectOptions }): SignResult {
  return signWith(getSigner(platform), params, ctx);
}
