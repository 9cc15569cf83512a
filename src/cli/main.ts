/**
 * The CLI entry: build a fresh commander program, register every command, parse, and map errors
 * to exit codes. Errors are printed once, here, on one line; commands throw MqttSignError and never call process.exit.
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { MqttSignError } from '../errors.js';
import { message, type Lang } from '../messages.js';
import { termSafe, TERM_LINE_MAX } from '../terminal-text.js';
import type { CliContext } from './context.js';
import { commanderMessage } from './commander-errors.js';
import { realIo, type Io } from './io.js';
import { nowArgument, parseNow, withClock } from './now.js';
import { palette } from './palette.js';
import { VERSION } from './version.js';
import { listSignCommand, registerSignCommands } from './commands/sign.js';
import { platforms, aliases } from '../platforms/index.js';

/** Runnable examples for the top-level --help: the main job, and the other commands. */
const EXAMPLES = [
  'aliyun --product a1B2c3D4e5F --device sensor01 --secret 0123456789abcdef0123456789abcdef --format c',
  'huawei --device 5f052ac562369102d42b0fb6_demo --secret 12345678 --format at --modem quectel',
  'decode "10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00"',
];

type Register = (program: Command, ctx: CliContext) => void;
/**
 * The commands other than the platforms': each is built only by the run that names it (commander's construction is
 * most of a short run). For the top-level help the others are listed from here, unbuilt: `term` is what commander
 * would show for the built command (test/cli-commands.test.ts checks it does), `description` a catalogue key.
 */
export const OTHER_COMMANDS: Readonly<Record<string, { readonly term: string; readonly description: string; readonly load: () => Promise<Register> }>> = {
  decode: { term: 'decode [options] [input]', description: 'decode.description', load: () => import('./commands/decode.js').then((m) => m.registerDecode) },
  verify: { term: 'verify [platform]', description: 'verify.description', load: () => import('./commands/verify.js').then((m) => m.registerVerify) },
  probe: { term: 'probe', description: 'probe.cmd.description', load: () => import('./commands/probe.js').then((m) => m.registerProbe) },
  doctor: { term: 'doctor [options] [config]', description: 'doctor.cmd.description', load: () => import('./commands/doctor.js').then((m) => m.registerDoctor) },
};

export async function main(argv: readonly string[], systemIo: Io = realIo()): Promise<number> {
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

  // Commands listed but not built (see listCommands), with the term the help shows for each.
  const listed = new Map<Command, string>();
  const program = new Command('mqtt-sign')
    .description(message('cli.description', {}, lang))
    .version(VERSION, '-V, --version', message('cli.opt.version', {}, lang))
    .helpOption('-h, --help', message('cli.opt.help', {}, lang))
    .helpCommand('help [command]', message('cli.opt.helpCommand', {}, lang))
    .addHelpText('after', `\n${message('cli.help.example', {}, lang)}\n${EXAMPLES.map((e) => `  $ mqtt-sign ${e}`).join('\n')}\n`)
    .addOption(new Option('--lang <lang>', message('cli.opt.lang', {}, lang)).choices(['en', 'zh']))
    .option('--no-color', message('cli.opt.color', {}, lang))
    .option('--now <time>', message('cli.opt.now', {}, lang))
    .configureHelp({
      subcommandTerm(cmd) {
        return listed.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
      },
      // Commander's section titles, in the user's language like everything else.
      formatHelp: (cmd, helper) =>
        Help.prototype.formatHelp.call(helper, cmd, helper).replace(/^(Usage|Options|Commands|Arguments):/gm, (_, title: string) => message(`cli.help.${title.toLowerCase()}`, {}, lang)),
    })
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Printed once, in the catch below, on one line and in the user's language.
      outputError: () => {},
      getOutHasColors: () => ctx.color(),
      getErrHasColors: () => colorAllowed && io.stderr.isTTY,
      // As commander's own, but through io: its default reads process.stdout, whose building --help need not pay.
      // undefined is what commander's default gives off a terminal (it then wraps at 80); its typing says number.
      getOutHelpWidth: () => (io.stdout.isTTY ? io.stdout.columns : undefined) as number,
      getErrHelpWidth: () => (io.stderr.isTTY ? io.stderr.columns : undefined) as number,
    });

  try {
    const first = commandOf(argv);
    const platform = first === undefined ? undefined : Object.hasOwn(aliases, first) ? aliases[first] : Object.hasOwn(platforms, first) ? first : undefined;
    if (platform !== undefined) registerSignCommands(program, ctx, platform);
    else if (first !== undefined && Object.hasOwn(OTHER_COMMANDS, first)) (await OTHER_COMMANDS[first]!.load())(program, ctx);
    else listCommands(program, lang, listed);
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync([...argv], { from: 'user' });
    // A command's output is only done once the system took it: a full disk is reported here, once, exit 1.
    await io.stdout.flush?.();
  } catch (err) {
    return reportError(err, io, lang, () => colorAllowed && io.stderr.isTTY);
  }
  return exitCode;
}

/** `color` is asked only when there is an error to print: the question builds process.stderr (~2 ms). */
async function reportError(err: unknown, io: Io, lang: Lang, color: () => boolean): Promise<number> {
  if (err instanceof CommanderError && err.exitCode === 0) {
    // --help, --version: their output too must reach the reader.
    try {
      await io.stdout.flush?.();
    } catch (failed) {
      return reportError(failed, io, lang, color);
    }
    return 0;
  }
  // A command group run without its subcommand (`mqtt-sign verify`): commander has already printed the help to stderr.
  if (err instanceof CommanderError && err.code === 'commander.help') return 2;
  let line: string;
  let code: number;
  if (err instanceof CommanderError) {
    line = commanderMessage(err, lang);
    code = 2;
  } else if (err instanceof MqttSignError) {
    const { message: text, hint } = err.localized(lang, true);
    line = `${text}${hint ? ` (${hint})` : ''}`;
    code = err.exitCode;
  } else {
    const text = err instanceof Error ? err.message : String(err);
    line = `${message('cli.unexpected', { message: termSafe(text) }, lang)} (${message('cli.unexpected.hint', {}, lang)})`;
    code = 1;
  }
  const paint = await palette(color());
  // One line, whatever the message held; anything a value smuggled past the params is escaped here.
  io.stderr.write(`${paint.error(`mqtt-sign: ${termSafe(line.replace(/\s*\n\s*/g, ' '), TERM_LINE_MAX)}`)}\n`);
  if (io.env.MQTT_SIGN_DEBUG === '1' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return code;
}

/**
 * The command a run names: the first word that is not a global option (the one after it for `help <command>`), or
 * undefined for `mqtt-sign --help` and the like.
 */
function commandOf(argv: readonly string[]): string | undefined {
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--lang' || arg === '--now') i++;
    else if (arg === 'help' && !help) help = true;
    else if (!arg.startsWith('-')) return arg;
  }
  return help ? 'help' : undefined;
}

/**
 * Every command, listed for the top-level help, an unknown command's suggestion and `help`, but none built: a name,
 * its aliases and a description each, and in `listed` the term the help shows for it.
 */
function listCommands(program: Command, lang: Lang, listed: Map<Command, string>): void {
  for (const signer of Object.values(platforms)) {
    const cmd = listSignCommand(program, signer, lang);
    listed.set(cmd, `${cmd.name()}${cmd.aliases()[0] ? `|${cmd.aliases()[0]}` : ''} [options]`);
  }
  for (const [name, { term, description }] of Object.entries(OTHER_COMMANDS)) listed.set(program.command(name).description(message(description, {}, lang)), term);
}

/** --lang wins (it is also a declared option, so a bad value is a usage error); else LC_ALL, LC_MESSAGES, LANG. */
function langOf(argv: readonly string[], env: Io['env']): Lang {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const flag = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.slice('--lang='.length) : argv[i + 1];
  if (flag === 'en' || flag === 'zh') return flag;
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(value) ? 'zh' : 'en';
}
