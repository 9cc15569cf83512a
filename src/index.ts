/** The public surface of mqtt-sign: re-exports only. */
export * from './errors.js';
export type { Lang } from './messages.js';
export { sign } from './platforms/sign.js';
export { platforms, getSigner } from './platforms/index.js';
export { lintConnect } from './platforms/lint.js';
export type * from './platforms/types.js';
export * from './mqtt/index.js';
