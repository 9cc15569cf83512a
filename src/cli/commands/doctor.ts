/**
 * `mqtt-sign doctor <mosquitto.conf>`: the edge reads the config (or stdin), the files of each include_dir, and the
 * facts about every file the config names (exists, readable by the user mosquitto drops to); src/doctor judges.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { message, type Lang } from '../../messages.js';
import { directives, doctor, doctorJson, includeOrder, parseConfig, referencedFiles, renderDoctor, runUser, type FileFact, type IncludeFact } from '../../doctor/index.js';
import type { CliContext } from '../context.js';
import { readAtMost } from '../read-at-most.js';
import { palette } from '../palette.js';

interface DoctorFlags {
  readonly host?: string;
  readonly format: 'text' | 'json';
}

/** A mosquitto.conf, password file or certificate is small; anything bigger is not one (and memory stays bounded). */
const MAX_FILE = 1 << 20;

export function registerDoctor(program: Command, ctx: CliContext): void {
  const lang = ctx.lang();
  const cmd = program
    .command('doctor')
    .description(message('doctor.cmd.description', {}, lang))
    .argument('[config]', message('doctor.arg.config', {}, lang))
    .option('--host <name>', message('doctor.opt.host', {}, lang))
    .addOption(new Option('--format <format>', message('doctor.opt.format', {}, lang)).choices(['text', 'json']).default('text'));
  cmd.addHelpText('after', examples(lang));
  cmd.action((config: string | undefined) => run(ctx, cmd, config));
}

function examples(lang: Lang): string {
  return [
    '',
    message('cli.help.example', {}, lang),
    '  $ mqtt-sign doctor /etc/mosquitto/mosquitto.conf',
    '  $ mqtt-sign doctor /etc/mosquitto/mosquitto.conf --host mqtt.example.com --format json',
    '  $ ssh myserver cat /etc/mosquitto/mosquitto.conf | mqtt-sign doctor -',
    '',
  ].join('\n');
}

async function run(ctx: CliContext, cmd: Command, config: string | undefined): Promise<void> {
  const { io } = ctx;
  const lang = ctx.lang();
  const flags = cmd.opts() as DoctorFlags;
  let text: string;
  let name: string;
  if (config === undefined || config === '-') {
    if (config === undefined && io.stdinIsTTY) throw new UsageError('doctor.stdin.tty', { option: '<config>' });
    text = await bounded(io.streamStdin(), 'stdin');
    // Nothing at all on stdin is a pipe that failed (`ssh host cat <wrong path> | doctor -`), not mosquitto's empty
    // config: judged as one, it would be "no errors, mosquitto should start". An empty file, named, is still judged.
    if (text === '') throw new UsageError('doctor.stdin.empty', { option: '<config>' });
    name = '-';
  } else {
    text = await bounded(io.streamFile(config), config);
    name = config;
  }
  const main = parseConfig(text, name);
  const includes: IncludeFact[] = [];
  for (const d of main.directives) {
    if (d.option !== 'include_dir') continue;
    let names: string[];
    try {
      names = (await fs.readdir(d.value)).filter((n) => n.endsWith('.conf')).sort(includeOrder);
    } catch {
      includes.push({ directive: d, exists: false, files: [] });
      continue;
    }
    const files = [];
    const failed = [];
    for (const n of names) {
      const path = join(d.value, n);
      // A directory named *.conf, or a file that cannot be opened, is the config's problem (a finding), not a usage error.
      let bytes: Uint8Array | null;
      try {
        bytes = await readAtMost(io.streamFile(path), MAX_FILE);
      } catch (err) {
        failed.push({ path, reason: (err as NodeJS.ErrnoException).code ?? String(err) });
        continue;
      }
      if (bytes === null) throw new UsageError('doctor.read.tooLarge', { option: '<config>', path, max: MAX_FILE });
      files.push(parseConfig(Buffer.from(bytes).toString('utf8'), path));
    }
    includes.push({ directive: d, exists: true, files, failed });
  }
  const all = directives(main, includes);
  const account = await userAccount(runUser(all));
  const facts: Record<string, FileFact> = {};
  for (const path of referencedFiles(all)) facts[path] = await fileFact(resolve(path), account);

  const report = doctor({ main, includes, facts, ...(flags.host === undefined ? {} : { host: flags.host }), now: io.now() });
  io.stdout.write(flags.format === 'json' ? doctorJson(report, lang) : renderDoctor(report, lang, await palette(ctx.color())));
  ctx.exit(report.ok ? 0 : 1);
}

/** The text of a config file, read up to MAX_FILE + 1 bytes only: a device or an endless pipe is refused, not swallowed. */
async function bounded(source: AsyncIterable<Uint8Array>, path: string): Promise<string> {
  let bytes: Uint8Array | null;
  try {
    bytes = await readAtMost(source, MAX_FILE);
  } catch (err) {
    throw new UsageError('doctor.read.failed', { option: '<config>', path, reason: (err as NodeJS.ErrnoException).code ?? String(err) });
  }
  if (bytes === null) throw new UsageError('doctor.read.tooLarge', { option: '<config>', path, max: MAX_FILE });
  return Buffer.from(bytes).toString('utf8');
}

interface Account {
  readonly uid: number;
  readonly gids: readonly number[];
}

/** uid and groups of the user mosquitto drops to, from /etc/passwd and /etc/group; null when no such user exists here. */
async function userAccount(user: string): Promise<Account | null> {
  try {
    const passwd = (await fs.readFile('/etc/passwd', 'utf8')).split('\n').map((l) => l.split(':'));
    const entry = passwd.find((f) => f[0] === user);
    if (entry === undefined) return null;
    const gids = [Number(entry[3])];
    for (const g of (await fs.readFile('/etc/group', 'utf8')).split('\n').map((l) => l.split(':'))) {
      if ((g[3] ?? '').split(',').includes(user)) gids.push(Number(g[2]));
    }
    return { uid: Number(entry[2]), gids };
  } catch {
    return null;
  }
}

/** Whether the file exists, whether `account` may read it (x on every folder above it, r on it), and its text. */
async function fileFact(path: string, account: Account | null): Promise<FileFact> {
  let st;
  try {
    st = await fs.stat(path);
  } catch {
    return { exists: false, readable: null, text: null };
  }
  let readable: boolean | null = null;
  if (account !== null) {
    readable = may(st, account, 4);
    for (let dir = dirname(path); readable; dir = dirname(dir)) {
      readable = may(await fs.stat(dir), account, 1);
      if (dir === dirname(dir)) break;
    }
  }
  let text: string | null = null;
  if (st.isFile() && st.size <= MAX_FILE) text = await fs.readFile(path, 'utf8').catch(() => null);
  return { exists: true, readable, text };
}

/** POSIX permission check for one class (owner, group, other); bit 4 = read, 1 = search. */
function may(st: { uid: number; gid: number; mode: number }, account: Account, bit: 4 | 1): boolean {
  if (account.uid === 0) return true;
  if (st.uid === account.uid) return (st.mode & (bit << 6)) !== 0;
  if (account.gids.includes(st.gid)) return (st.mode & (bit << 3)) !== 0;
  return (st.mode & bit) !== 0;
}
