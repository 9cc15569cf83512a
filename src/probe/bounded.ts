/** Run one step of work under a time bound and the probe's abort signal, leaving no timer behind. */
import type { Clock } from './types.js';

export type Outcome<T> =
  | { readonly kind: 'done'; readonly value: T }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' };

/**
 * Settles with the first of: the work's result, its failure, the time bound, or the outer abort. On timeout or
 * abort the work's own signal aborts, so the Transport releases what it opened; a value that still arrives
 * after that goes to `release` (e.g. a link that connected a moment too late is closed).
 */
export function bounded<T>(
  work: (signal: AbortSignal) => Promise<T>,
  limitMs: number,
  clock: Clock,
  outer: AbortSignal | undefined,
  release: (value: T) => void = () => {},
): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const step = new AbortController();
    let settled = false;
    let cancelTimer = () => {};
    const finish = (outcome: Outcome<T>) => {
      if (settled) return;
      settled = true;
      cancelTimer();
      outer?.removeEventListener('abort', onAbort);
      resolve(outcome);
      if (outcome.kind === 'timeout' || outcome.kind === 'aborted') step.abort();
    };
    const onAbort = () => finish({ kind: 'aborted' });
    if (outer?.aborted) return finish({ kind: 'aborted' });
    outer?.addEventListener('abort', onAbort, { once: true });
    cancelTimer = clock.setTimer(limitMs, () => finish({ kind: 'timeout' }));
    // A work function that throws synchronously counts as a failure, like one that rejects.
    new Promise<T>((run) => run(work(step.signal))).then(
      (value) => (settled ? release(value) : finish({ kind: 'done', value })),
      (error: unknown) => finish({ kind: 'failed', error }),
    );
  });
}
