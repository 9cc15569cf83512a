/**
 * Ctrl-C as an AbortSignal while a command runs. The first SIGINT aborts (the command closes what it opened and
 * reports); the handler is then gone, so a second Ctrl-C ends the process the usual way.
 */
export function interruptSignal(): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
