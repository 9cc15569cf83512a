/** What every command's action gets from main(): the Io, the user's language, and a way to set the exit code. */
import type { Lang } from '../messages.js';
import type { Io } from './io.js';

export interface CliContext {
  readonly io: Io;
  /** Resolved from --lang, else LC_ALL, LC_MESSAGES, LANG. */
  lang(): Lang;
  /** Colour is allowed: stdout is a TTY, NO_COLOR is unset and --no-color was not given. */
  color(): boolean;
  /** Set the process exit code (0 ok, 1 check failed, 2 usage, 130 interrupted by Ctrl-C). The highest code set wins. */
  exit(code: 0 | 1 | 2 | 130): void;
}
