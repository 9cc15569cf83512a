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

/**
 * interruptSignal made on the first read of `signal`: a run that never waits on a source (decode of a hex argument,
 * all in memory) installs no handler and builds no AbortController (~0.3 ms of a short run).
 */
export function interruptOnDemand(): { readonly signal: AbortSignal; readonly aborted: boolean; dispose(): void } {
  let made: ReturnType<typeof interruptSignal> | undefined;
  return {
    get signal() {
      return (made ??= interruptSignal()).signal;
    },
    get aborted() {
      return made?.signal.aborted === true;
    },
    dispose: () => made?.dispose(),
  };
}
