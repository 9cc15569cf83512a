/**
 * What every CLI entry does: read the language, the clock and colour from the command line and environment, run the
 * command, and map errors to exit codes. Errors are printed once, here, on one line; commands throw MqttSignError and
 * never call process.exit. A plain command line of a platform command or of decode runs without commander
 * (src/cli/options.ts) through the runners the entry gives; everything else goes through program.ts, which builds
 * commander (bin/mqtt-sign.js answers --version and the top-level help off a terminal before this runs).
 */
import { MqttSignError } from '../errors.js';
import { message, type Lang } from '../messages.js';
import { termSafe, TERM_LINE_MAX } from '../terminal-text.js';
import type { CliContext } from './context.js';
import { realIo, type Io } from './io.js';
import { nowArgument, parseNow, withClock } from './now.js';
import { palette } from './palette.js';
import { namedCommand, type CommandName } from './command-names.js';
import type { PlatformId } from '../platforms/names.js';

/**
 * A plain command line's arguments after the command's name, run without commander: false when they are not plain
 * (src/cli/options.ts), and commander runs them. Each entry holds its own command's runner and imports the other's.
 */
interface PlainRunners {
  sign(args: readonly string[], platform: PlatformId, ctx: CliContext): Promise<boolean>;
  decode(args: readonly string[], ctx: CliContext): Promise<boolean>;
}

type Main = (argv: readonly string[], systemIo?: Io) => Promise<number>;

export const makeMain =
  (plain: PlainRunners): Main =>
  (argv, systemIo = realIo()) =>
    runAndFlush(argv, systemIo, plain);

async function runAndFlush(argv: readonly string[], systemIo: Io, plain: PlainRunners): Promise<number> {
  const code = await runMain(argv, systemIo, plain);
  // Whatever the outcome, all output is written when main() resolves: bin/mqtt-sign.js exits the process then, and a
  // pipe that takes writes later (macOS, Windows) would lose them. A failure here was reported already, or cannot be.
  for (const stream of [systemIo.stdout, systemIo.stderr]) {
    try {
      await stream.flush?.();
    } catch {}
  }
  return code;
}

async function runMain(argv: readonly string[], systemIo: Io, plain: PlainRunners): Promise<number> {
  let exitCode = 0;
  // Language and colour are known before parsing, so --help and commander's own errors use them too.
  const lang = langOf(argv, systemIo.env);
  // --now replaces the clock before any command reads it (commander still declares it, for --help and checks).
  const nowText = nowArgument(argv);
  let io = systemIo;
  if (nowText !== undefined) {
    try {
      io = withClock(systemIo, parseNow(nowText));
    } catch (err) {
      return reportError(err, systemIo, lang, () => !argv.includes('--no-color') && systemIo.stderr.isTTY);
    }
  }
  const colorAllowed = !argv.includes('--no-color') && !(io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '');
  const ctx: CliContext = {
    io,
    lang: () => lang,
    color: () => colorAllowed && io.stdout.isTTY,
    exit: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  const errorColor = () => colorAllowed && io.stderr.isTTY;
  try {
    const command = namedCommand(argv);
    if (!(await runPlain(argv, command, ctx, plain))) {
      const outcome = await (await import('./program.js')).runProgram(argv, ctx, command, colorAllowed);
      if (outcome !== undefined && 'usage' in outcome) return printError(outcome.usage, 2, io, errorColor);
      // Global options and no command: commander has already printed the help to stderr.
      if (outcome !== undefined && outcome.exit !== 0) return outcome.exit;
    }
    // A command's output is only done once the system took it: a full disk is reported here, once, exit 1.
    await io.stdout.flush?.();
  } catch (err) {
    return reportError(err, io, lang, errorColor);
  }
  return exitCode;
}

/**
 * A plain command line (the command's name first, then only its own options and operands: src/cli/options.ts) of a
 * platform command or of decode runs without commander, whose construction was most of a short run's start-up.
 * False: commander's to run (help, errors, global options, the other commands).
 */
function runPlain(argv: readonly string[], command: CommandName | undefined, ctx: CliContext, plain: PlainRunners): Promise<boolean> | boolean {
  if (command === undefined || argv[0] !== command.word) return false;
  if (command.kind === 'platform') return plain.sign(argv.slice(1), command.id, ctx);
  return command.id === 'decode' && plain.decode(argv.slice(1), ctx);
}

/** `color` is asked only when there is an error to print: the question builds process.stderr (~2 ms). */
async function reportError(err: unknown, io: Io, lang: Lang, color: () => boolean): Promise<number> {
  let line: string;
  let code: number;
  if (err instanceof MqttSignError) {
    const { message: text, hint } = err.localized(lang, true);
    line = `${text}${hint ? ` (${hint})` : ''}`;
    code = err.exitCode;
  } else {
    const text = err instanceof Error ? err.message : String(err);
    line = `${message('cli.unexpected', { message: termSafe(text) }, lang)} (${message('cli.unexpected.hint', {}, lang)})`;
    code = 1;
  }
  await printError(line, code, io, color);
  if (io.env.MQTT_SIGN_DEBUG === '1' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return code;
}

/** One line on stderr, whatever the message held; anything a value smuggled past the params is escaped here. */
async function printError(line: string, code: number, io: Io, color: () => boolean): Promise<number> {
  const paint = await palette(color());
  io.stderr.write(`${paint.error(`mqtt-sign: ${termSafe(line.replace(/\s*\n\s*/g, ' '), TERM_LINE_MAX)}`)}\n`);
  return code;
}

/** --lang wins (it is also a declared option, so a bad value is a usage error); else LC_ALL, LC_MESSAGES, LANG. */
function langOf(argv: readonly string[], env: Io['env']): Lang {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const flag = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.slice('--lang='.length) : argv[i + 1];
  if (flag === 'en' || flag === 'zh') return flag;
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  // A string test, not /^zh/i: a regular expression costs its first use a compilation (~50 µs) in every run.
  return value.slice(0, 2).toLowerCase() === 'zh' ? 'zh' : 'en';
}
