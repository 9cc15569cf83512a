/**
 * sign() for a signer already in hand: the CLI loads only the signer a run names (src/cli/signers.ts), so it calls
 * this rather than sign(), whose registry holds every platform.
 */
import { UsageError } from '../errors.js';
import { checkParams } from './_signer.js';
import { lintConnect } from './lint.js';
import { withWebsocket } from './_websocket.js';
import type { ConnectOptions, SignContext, SignParams, SignResult, Signer } from './types.js';

export function signWith(signer: Signer, params: SignParams, ctx: SignContext & { readonly connect?: ConnectOptions }): SignResult {
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
