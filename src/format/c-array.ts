/**
 * `c`: the packets as a C header (c-plain.ts), or with `runtime` the firmware runtime header (c-runtime.ts). The CLI
 * loads only the one a run prints (format/lazy.ts).
 */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { formatPlainC } from './c-plain.js';
import { formatCRuntime } from './c-runtime.js';

export function formatC(input: FormatInput, options: FormatOptions = {}): Formatted {
  return options.runtime ? formatCRuntime(input, options) : formatPlainC(input, options);
}
