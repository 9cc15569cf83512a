/**
 * The CLI as commander builds it: for --help, for every command line parsePlain leaves to commander (errors,
 * unusual forms) and for the commands that have no plain path. main() loads this file only for those runs.
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { message, type Lang } from '../messages.js';
import type { CliContext } from './context.js';
import { commanderMessage } from './commander-errors.js';
import { VERSION } from './version.js';
import { OnceCommand } from './once-command.js';
import { listSignCommand } from './commands/sign-command-list.js';
import { PLATFORM_IDS } from '../platforms/names.js';
import { loadSigner } from './signers.js';
import type { CommandName, OtherCommand } from './command-names.js';

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
export const OTHER_COMMANDS: Readonly<Record<OtherCommand, { readonly term: string; readonly description: string; readonly load: () => Promise<Register> }>> = {
  decode: { term: 'decode [options] [input]', description: 'decode.description', load: () => import('./commands/decode-command.js').then((m) => m.registerDecode) },
  verify: { term: 'verify [platform]', description: 'verify.description', load: () => import('./commands/verify.js').then((m) => m.registerVerify) },
  probe: { term: 'probe', description: 'probe.cmd.description', load: () => import('./commands/probe.js').then((m) => m.registerProbe) },
  doctor: { term: 'doctor [options] [config]', description: 'doctor.cmd.description', load: () => import('./commands/doctor.js').then((m) => m.registerDoctor) },
};

/**
 * Parses and runs `argv` with commander; `command` is the one the run names (command-names.ts), built alone: the
 * others are only listed. Commander's own outcomes come back as { exit } (help, version: 0; global options and no
 * command: 2) or as { usage }, the one line to print (exit 2); anything else is thrown.
 */
export async function runProgram(argv: readonly string[], ctx: CliContext, command: CommandName | undefined, colorAllowed: boolean): Promise<{ exit: number } | { usage: string } | undefined> {
  const lang = ctx.lang();
  // Commands listed but not built (see listCommands), with the term the help shows for each.
  const listed = new Map<Command, string>();
  const program = createProgram(ctx, colorAllowed, listed);
  try {
    // Signing's code only for a run that names a platform: the top-level help lists the platforms from names.ts.
    if (command?.kind === 'platform') (await import('./commands/sign-command.js')).registerSignCommand(program, ctx, await loadSigner(command.id));
    else if (command?.kind === 'other') (await OTHER_COMMANDS[command.id].load())(program, ctx);
    else listCommands(program, lang, listed);
    if (argv.length === 0) {
      program.outputHelp();
      return { exit: 0 };
    }
    await program.parseAsync([...argv], { from: 'user' });
    return undefined;
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // --help, --version: done.
    if (err.exitCode === 0) return { exit: 0 };
    // Global options and no command (`mqtt-sign --lang zh`; `verify` and `probe` answer their own): commander has
    // already printed the help to stderr.
    if (err.code === 'commander.help') return { exit: 2 };
    return { usage: commanderMessage(err, lang) };
  }
}

/**
 * The program with its global options, help and output set up, and no command yet. `listed`: commands listed but
 * not built, with the term the help shows for each (listCommands fills it).
 */
export function createProgram(ctx: CliContext, colorAllowed: boolean, listed: ReadonlyMap<Command, string> = new Map()): Command {
  const lang = ctx.lang();
  const { io } = ctx;
  // Each option once per command line (once-command.ts), in every command built under it.
  return new OnceCommand('mqtt-sign')
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
}

/**
 * Every command, listed for the top-level help, an unknown command's suggestion and `help`, but none built: a name,
 * its aliases and a description each, and in `listed` the term the help shows for it.
 */
function listCommands(program: Command, lang: Lang, listed: Map<Command, string>): void {
  for (const id of PLATFORM_IDS) {
    const cmd = listSignCommand(program, id, lang);
    listed.set(cmd, `${cmd.name()}${cmd.aliases()[0] ? `|${cmd.aliases()[0]}` : ''} [options]`);
  }
  for (const [name, { term, description }] of Object.entries(OTHER_COMMANDS)) listed.set(program.command(name).description(message(description, {}, lang)), term);
}

