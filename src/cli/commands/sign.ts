/**
 * One command per platform signer (aliyun, onenet, …), generated from the signer's params: sign the login, build
 * the packets the flags ask for, print them in the chosen format, with the size report and the platform lint.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { catalogues, message, type Lang } from '../../messages.js';
import { termSafe, TERM_LINE_MAX } from '../../terminal-text.js';
import type { FormatStyle } from '../../format/index.js';
import type { Modem, Notice } from '../../format/formatter.js';
import { formatLoaders, formatStyles } from '../../format/lazy.js';
import { MODEM_ALIASES, MODEM_NAMES, MQTT_DIALECTS, RAW_DIALECTS } from '../../format/at-modems.js';
import { aliases, platforms } from '../../platforms/index.js';
import { sign } from '../../platforms/sign.js';
import type { PlatformTopic, SignParams, SignResult, Signer, Warning } from '../../platforms/types.js';
import type { CliContext } from '../context.js';
import { buildPackets, plan, type PacketFlags } from '../packets.js';
import { palette } from '../palette.js';
import { mask, redact } from '../secrets.js';
import { addSignerOptions, readSignerOptions } from '../signer-options.js';
import { runtimeSpec } from '../runtime-spec.js';


const NAMED_FORMATS: readonly FormatStyle[] = ['c', 'arduino', 'python'];
/** json carries the lint inside; every other format (raw too: its bytes are on stdout) has it on stderr. */
const LINT_INSIDE: readonly FormatStyle[] = ['json'];

/**
 * Registers one command per platform signer (aliyun, onenet, …) from the registry's params; `only` limits it to
 * the platform this run names (a run needs one command, and each takes some forty options to build).
 */
export function registerSignCommands(program: Command, ctx: CliContext, only?: string): void {
  for (const signer of Object.values(platforms)) {
    if (only !== undefined && signer.id !== only) continue;
    const lang = ctx.lang();
    const cmd = listSignCommand(program, signer, lang);
    addSignerOptions(cmd, signer, lang);
    addPacketOptions(cmd, lang);
    cmd.addHelpText('after', examples(signer, lang));
    cmd.action(() => run(cmd, signer, ctx));
  }
}

/** A platform's command with its name, aliases and description only: what the top-level help lists. */
export function listSignCommand(program: Command, signer: Signer, lang: Lang): Command {
  const names = Object.entries(aliases).filter(([, id]) => id === signer.id).map(([alias]) => alias);
  // Commander's command list shows one alias; the description names them all.
  const description = message('cli.sign.description', { title: signer.title }, lang);
  const cmd = program.command(signer.id).description(names.length === 0 ? description : message('cli.sign.aliases', { description, aliases: names.join(', ') }, lang));
  for (const alias of names) cmd.alias(alias);
  return cmd;
}

interface OutputFlags {
  readonly format?: FormatStyle;
  readonly name?: string;
  readonly compact?: boolean;
  readonly runtime?: boolean;
  readonly modem?: Modem;
  readonly copy?: boolean;
  readonly wsUrl?: string;
  readonly topics?: boolean;
}

function addPacketOptions(cmd: Command, lang: Lang): void {
  const t = (key: string): string => message(key, {}, lang);
  const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
  const qos = (flags: string, key: string) => new Option(flags, t(key)).choices(['0', '1', '2']);
  cmd
    .addOption(new Option('--protocol <version>', t('cli.opt.protocol')).choices(['3.1', '3.1.1', '5']).default('3.1.1'))
    .option('--keepalive <seconds>', t('cli.opt.keepalive'))
    .option('--no-clean', t('cli.opt.clean'))
    .option('--will-topic <topic>', t('cli.opt.willTopic'))
    .option('--will-payload <payload>', t('cli.opt.willPayload'))
    .addOption(qos('--will-qos <qos>', 'cli.opt.willQos'))
    .option('--will-retain', t('cli.opt.willRetain'))
    .option('--publish <topic>', t('cli.opt.publish'))
    .option('--payload <payload>', t('cli.opt.payload'))
    .option('--no-envelope', t('cli.opt.envelope'))
    .addOption(qos('--qos <qos>', 'cli.opt.qos'))
    .option('--retain', t('cli.opt.retain'))
    .option('--message-id <id>', t('cli.opt.messageId'))
    .option('--subscribe <filter[=qos]>', t('cli.opt.subscribe'), collect)
    .option('--unsubscribe <filter>', t('cli.opt.unsubscribe'), collect)
    .option('--ping', t('cli.opt.ping'))
    .option('--disconnect', t('cli.opt.disconnect'))
    .option('--topics', t('cli.opt.topics'))
    .addOption(new Option('--format <style>', t('cli.opt.format')).choices(formatStyles))
    .option('--name <prefix>', t('cli.opt.name'))
    .option('--compact', t('cli.opt.compact'))
    .option('--runtime', t('firmware.opt.runtime'))
    .option('--modem <modem>', t('cli.opt.modem'))
    .option('--copy', t('cli.opt.copy'))
    .option('--ws-url <url>', t('cli.opt.wsUrl'));
}

function examples(signer: Signer, lang: Lang): string {
  return [
    '',
    message('cli.help.example', {}, lang),
    `  $ mqtt-sign ${signer.example} --format c`,
    `  $ mqtt-sign ${signer.example} --format c --runtime`,
    `  $ mqtt-sign ${signer.example} --format at --modem sim800`,
    `  $ mqtt-sign ${signer.example} --format at --modem quectel-mqtt`,
    `  $ mqtt-sign ${signer.example} --topics`,
    '',
  ].join('\n');
}

async function run(cmd: Command, signer: Signer, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const lang = ctx.lang();
  const opts = cmd.opts() as OutputFlags & Omit<PacketFlags, 'subscribe' | 'unsubscribe'> & { subscribe?: string[]; unsubscribe?: string[] };
  const style: FormatStyle = opts.format ?? (io.stdout.isTTY ? 'table' : 'c');
  checkOutputFlags(style, opts, io.stdout.isTTY);
  const flags: PacketFlags = { ...opts, subscribe: opts.subscribe ?? [], unsubscribe: opts.unsubscribe ?? [] };
  const planned = plan(flags);
  const { params, secrets } = await readSignerOptions(cmd, signer, io, lang);
  try {
    const now = io.now();
    // The nonce and the salt are drawn only if the signer reads them (Aliyun registration, Tencent's connId, a passwd
    // line): randomBytes loads node:crypto (~3 ms), which a plain signing run otherwise never needs.
    let random: string | undefined;
    const signWith = (values: typeof params) => {
      let salt: Uint8Array | undefined;
      return sign(signer.id, values, {
        now,
        get random() {
          return (random ??= Buffer.from(io.randomBytes(16)).toString('hex'));
        },
        get salt() {
          return (salt ??= io.randomBytes(12));
        },
        connect: {
          keepalive: planned.keepalive,
          protocolVersion: planned.protocolVersion,
          qos: planned.qos,
          subscribeQos: planned.subscribeQos,
          clean: planned.clean,
          retain: planned.publish?.retain === true || planned.will?.retain === true,
          will: planned.will !== undefined,
        },
      });
    };
    if (opts.topics) return printTopics(signWithoutSecrets(signer, params, signWith), style, ctx);
    const result = signWith(params);
    const notes: Warning[] = [];
    const packets = await buildPackets(flags, planned, {
      notes,
      envelopeKeys: (topic) => signer.payloadEnvelopes?.find((row) => new RegExp(`^(?:${row.topic})$`).test(topic))?.required,
      credentials: result.credentials,
      rules: result.rules,
      topics: result.topics,
      readFile: (path) => io.readFile(path),
      envelope: signer.envelope && ((name, properties, messageId) => signer.envelope!(name, properties, { now, random, messageId, params })),
    });
    const signed = [...result.warnings, ...notes];
    // Lint text quotes inputs; a secret among them is masked like in errors (the credentials themselves are output).
    const warnings = signed.map((w) => localize(w, lang)).map((n) => ({ ...n, message: mask(n.message, secrets) }));
    const paint = style === 'table' && ctx.color() ? await palette(true) : undefined;
    const out = (await formatLoaders[style]())(
      {
        packets, protocolVersion: planned.protocolVersion, platform: result.platform, broker: overrideWebsocket(result.broker, opts.wsUrl), credentials: result.credentials, warnings, extras: result.extras,
        expiresAt: result.rules.expiresAt,
        ...(opts.runtime ? { runtime: runtimeSpec(signer, result.topics, flags.publish, planned, params, now) } : {}),
      },
      { name: opts.name, compact: opts.compact, runtime: opts.runtime, modem: opts.modem, lang, paint },
    );
    // hex is bytes for a serial tool: the summary goes beside it as # lines, on the terminal when stdout is one
    // (above the hex), else on stderr so a redirected file holds only the hex.
    if (style === 'hex') {
      const { summaryLines } = await import('../../format/summary.js');
      const block = summaryLines({ packets, broker: overrideWebsocket(result.broker, opts.wsUrl), credentials: result.credentials, expiresAt: result.rules.expiresAt }, lang)
        .map((l) => `# ${l}\n`)
        .join('');
      (io.stdout.isTTY ? io.stdout : io.stderr).write(block);
    }
    io.stdout.write(out.output);
    const human = !LINT_INSIDE.includes(style);
    await report(ctx, [...(human ? signed.map((w, i) => ({ ...warnings[i]!, info: w.level === 'info' })) : []), ...out.warnings], out.report);
    // The json carries the extras; for the rest they go beside the output, which must stay valid C, hex, …
    // An extra a note already names (Aliyun's reply topic) is not repeated.
    for (const [name, value] of Object.entries(result.extras ?? {})) {
      if (style !== 'json' && !warnings.some((w) => w.message.includes(value))) io.stderr.write(`${extraLine(name, value, lang)}\n`);
    }
    if (opts.copy) {
      // The clipboard gets plain text even when the terminal got colour.
      const copied = await io.copy((out.output as string).replace(/\u001b\[[0-9;]*m/g, ''));
      io.stderr.write(`${message(copied ? 'cli.copy.done' : 'cli.copy.unavailable', {}, lang)}\n`);
    }
  } catch (err) {
    throw redact(err, secrets);
  }
}

/** --ws-url replaces the platform's WebSocket endpoint (a self-hosted broker's, a proxy's); it is the user's own, so not unverified. */
function overrideWebsocket(broker: SignResult['broker'], wsUrl: string | undefined): SignResult['broker'] {
  if (wsUrl === undefined) return broker;
  let url: URL | undefined;
  try {
    url = new URL(wsUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || !['ws:', 'wss:'].includes(url.protocol) || url.hostname === '') throw new UsageError('cli.wsUrl.invalid', { option: '--ws-url', value: wsUrl });
  return { ...broker, websocket: wsUrl, websocketUnverified: false };
}

/** Output flags that make no sense together fail before anything is signed or read from stdin. */
function checkOutputFlags(style: FormatStyle, opts: OutputFlags, stdoutIsTTY: boolean): void {
  const only = (option: string, given: unknown, allowed: readonly FormatStyle[]): void => {
    if (given !== undefined && !allowed.includes(style)) throw new UsageError('cli.option.format-only', { option, formats: allowed.join(', ') });
  };
  only('--compact', opts.compact, ['hex']);
  only('--runtime', opts.runtime, ['c']);
  only('--name', opts.name, NAMED_FORMATS);
  only('--modem', opts.modem, ['at', 'json']);
  if (opts.modem !== undefined && !MODEM_NAMES.includes(opts.modem)) {
    throw new UsageError('modem.unknown', { option: '--modem', value: opts.modem, dialects: [...RAW_DIALECTS, ...MQTT_DIALECTS].join(', '), modules: Object.keys(MODEM_ALIASES).join(', ') });
  }
  if (style === 'at' && opts.modem === undefined) throw new UsageError('format.at.modem', { option: '--modem', allowed: MODEM_NAMES.join(', ') });
  if (style === 'raw' && opts.copy) throw new UsageError('cli.copy.raw', { option: '--copy' });
  if (style === 'raw' && stdoutIsTTY && !opts.topics) throw new UsageError('cli.raw.tty', { option: '--format raw' });
}

/** Platform lint and format warnings, then the size report, on stderr. */
async function report(ctx: CliContext, notices: readonly (Notice & { info?: boolean })[], sizeLines: readonly string[]): Promise<void> {
  const { io } = ctx;
  const lang = ctx.lang();
  const paint = await palette(ctx.color() && io.stderr.isTTY);
  for (const n of notices) {
    const line = message(n.info ? 'cli.note' : 'cli.warning', { message: termSafe(n.message, TERM_LINE_MAX) }, lang);
    io.stderr.write(`${n.info ? paint.dim(line) : paint.warn(line)}\n`);
  }
  for (const line of sizeLines) io.stderr.write(`${paint.dim(line)}\n`);
}

function extraLine(name: string, value: string, lang: Lang): string {
  const code = `cli.extra.${name}`;
  const safe = termSafe(value, TERM_LINE_MAX);
  return catalogues.en[code] === undefined ? `${name}: ${safe}` : message(code, { value: safe }, lang);
}

/** A signer's warning in the user's language, when the catalogue knows its code. */
function localize(w: Warning, lang: Lang): Notice {
  return { code: w.code, message: catalogues.en[w.code] === undefined ? w.message : message(w.code, w.params ?? {}, lang) };
}

/** Valid base64 of 16 bytes, so it passes every secret's check (Azure, OneNET, Tencent keys) and is no one's secret. */
const TOPICS_PLACEHOLDER_SECRET = 'AAAAAAAAAAAAAAAAAAAAAA==';

/**
 * --topics needs the names that go into the topics, never a secret: each secret the signer asks for is filled with a
 * placeholder (the credentials are not printed), one at a time, so a login mode's own secret is the one filled.
 */
function signWithoutSecrets(signer: Signer, params: SignParams, signWith: (values: SignParams) => SignResult): SignResult {
  let values = params;
  for (let i = 0; i <= signer.params.length; i++) {
    try {
      return signWith(values);
    } catch (err) {
      const param = err instanceof UsageError && err.code === 'platform.secret.missing' ? signer.params.find((p) => `--${p.flag}` === err.params.option) : undefined;
      if (param === undefined) throw err;
      values = { ...values, [param.name]: TOPICS_PLACEHOLDER_SECRET };
    }
  }
  return signWith(values);
}

function printTopics(result: SignResult, style: FormatStyle, ctx: CliContext): void {
  const { io } = ctx;
  if (style === 'json') {
    const topics = result.topics.map((t: PlatformTopic) => ({ name: t.name, direction: t.direction, topic: t.topic, description: t.description, payload: t.payload ?? null }));
    io.stdout.write(`${JSON.stringify({ platform: result.platform, topics }, null, 2)}\n`);
    return;
  }
  if (result.topics.length === 0) {
    io.stderr.write(`${message('cli.topics.empty', { platform: result.platform }, ctx.lang())}\n`);
    return;
  }
  const nameWidth = result.topics.reduce((w, t) => Math.max(w, t.name.length), 0);
  // Under each topic, as in the JSON: what it is for, and the example payload where the platform defines one.
  for (const t of result.topics) {
    io.stdout.write(`${t.name.padEnd(nameWidth)}  ${t.direction.padEnd(9)}  ${termSafe(t.topic, TERM_LINE_MAX)}\n`);
    io.stdout.write(`${' '.repeat(nameWidth + 2)}${termSafe(t.description, TERM_LINE_MAX)}\n`);
    if (t.payload !== undefined) io.stdout.write(`${' '.repeat(nameWidth + 2)}${message('cli.topics.payload', { payload: termSafe(t.payload, TERM_LINE_MAX) }, ctx.lang())}\n`);
  }
}
