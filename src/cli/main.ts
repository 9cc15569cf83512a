/**
 * The CLI entry: build a fresh commander program, register every command, parse, and map errors
 * to exit codes. Errors are printed once, here; commands throw MqttSignError and never call process.exit.
 */
import { Command, CommanderError } from 'commander';
import { MqttSignError } from '../errors.js';
import type { Lang } from '../messages.js';
import type { CliContext } from './context.js';
import { realIo, type Io } from './io.js';
import { registerSignCommands } from './commands/sign.js';
import { registerDecode } from './commands/decode.js';
import { registerVerify } from './commands/verify.js';
import { registerProbe } from './commands/probe.js';

export async function main(argv: readonly string[], io: Io = realIo()): Promise<number> {
  let exitCode = 0;
  let lang: Lang = langFromEnv(io.env);
  let colorFlag = true;
  const ctx: CliContext = {
    io,
    lang: () => lang,
    color: () => colorFlag && io.stdout.isTTY && !('NO_COLOR' in io.env && io.env.NO_COLOR !== ''),
    exit: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };

  const program = new Command('mqtt-sign');
  program.exitOverride();
  program.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  program.hook('preAction', (cmd) => {
    const opts = cmd.optsWithGlobals() as { lang?: string; color?: boolean };
    if (opts.lang === 'en' || opts.lang === 'zh') lang = opts.lang;
    if (opts.color === false) colorFlag = false;
  });

  registerSignCommands(program, ctx);
  registerDecode(program, ctx);
  registerVerify(program, ctx);
  registerProbe(program, ctx);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof MqttSignError) {
      const { message, hint } = err.localized(lang);
      io.stderr.write(`mqtt-sign: ${message}${hint ? ` (${hint})` : ''}\n`);
      return err.exitCode;
    }
    if (io.env.MQTT_SIGN_DEBUG === '1' && err instanceof Error) io.stderr.write(`${err.stack ?? err.message}\n`);
    else io.stderr.write(`mqtt-sign: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return exitCode;
}

function langFromEnv(env: Io['env']): Lang {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(value) ? 'zh' : 'en';
}
