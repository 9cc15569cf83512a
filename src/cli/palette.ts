/**
 * The palette: the only chalk import. The colour decision (stdout a TTY, NO_COLOR unset, no --no-color) is made
 * once by the caller; chalk is loaded only when colour is on, so piped runs never pay for it. In the CLI bundle chalk
 * is a chunk of its own, so this import() reads a file beside the bundle, not the ES module loader (scripts/bundle.mjs).
 */
import { plain, type Paint } from '../format/types.js';

export async function palette(color: boolean): Promise<Paint> {
  if (!color) return plain;
  const { Chalk } = await import('chalk');
  // Level 1 (16 colours) is enough for five keys and works on every terminal, including Windows conhost.
  const chalk = new Chalk({ level: 1 });
  // Each style chain once: every `chalk.red` makes a new styling function (a table paints a few hundred cells).
  return { error: chalk.red.bold, warn: chalk.yellow, ok: chalk.green, dim: chalk.dim, field: chalk.cyan };
}
