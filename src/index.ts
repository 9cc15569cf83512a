/** The public surface of mqtt-sign: re-exports only. */
export * from './errors.js';
export type { Lang } from './messages.js';
