/**
 * The library's one call: look up the signer, check its params, sign, and append the lint of the planned
 * connection. Pure: `ctx.now` (ms) and `ctx.random` come from the caller.
 */
import { UsageError } from '../errors.js';
import { checkParams } from './_signer.js';
import { getSigner } from './index.js';
import { lintConnect } from './lint.js';
import { withWebsocket } from './_websocket.js';
import type { ConnectOptions, SignContext, SignParams, SignResult } from './types.js';

export function sign(platform: string, params: SignParams, ctx: SignContext & { readonly connect?: ConnectOptions }): SignResult {
  const signer = getSigner(platform);
  if (!Number.isFinite(ctx.now)) throw new UsageError('platform.now.invalid', { value: String(ctx.now) });
  checkParams(signer, params);
  const signed = signer.sign(params, ctx);
  const result = { ...signed, broker: withWebsocket(signer.id, signed.broker) };
  // Unless told otherwise, the connection is the one just signed: its transport and its clientId.
  const planned: ConnectOptions = {
    ...ctx.connect,
    tls: ctx.connect?.tls ?? result.broker.tls,
    clientId: ctx.connect?.clientId ?? result.credentials.clientId,
  };
  return { ...result, warnings: [...result.warnings, ...lintConnect(result.rules, planned, ctx.now)] };
}
